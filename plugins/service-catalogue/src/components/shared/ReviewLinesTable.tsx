import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { TableColumn } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  ReviewDecision,
  ReviewLine,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { errorMessage } from './format';
import { formatDate } from './grants';
import { PagedTable, TablePaging } from './PagedTable';
import { ReviewDecisionDialog } from './ReviewDecisionDialog';
import { lineName, originLabel, pluralLines, refName } from './reviews';

/** What the user is confirming: one decision for the selected lines. */
type Pending = { decision: ReviewDecision; lines: ReviewLine[] };

/**
 * What came of one decision on several lines: each line decided, or the
 * reason the backend refused it.
 *
 * @internal
 */
export type ReviewOutcome = {
  decision: ReviewDecision;
  results: Array<{ line: ReviewLine; error?: string }>;
};

/**
 * Says what became of each line of a decision: with several at once, one
 * refusal must not hide the others' success.
 *
 * @internal
 */
export function ReviewOutcomeAlert(props: {
  outcome: ReviewOutcome;
  onClose(): void;
}) {
  const { outcome, onClose } = props;
  const failed = outcome.results.filter(r => r.error).length;
  const decided = outcome.results.filter(r => !r.error);
  // A revoke hands the grant to the offering's revoke step, which may take
  // a while: it is only revoked once the grant ended.
  const allEnded = decided.every(r => r.line.grantState === 'ended');
  let title: string;
  if (outcome.decision === 'keep') {
    title = `Kept ${pluralLines(decided.length)}`;
  } else if (allEnded) {
    title = `Revoked ${pluralLines(decided.length)}`;
  } else {
    title = `Revocation started for ${pluralLines(decided.length)}`;
  }
  if (failed > 0) {
    title = `${title}; ${failed} failed`;
  }
  const lineOutcome = (line: ReviewLine) => {
    if (outcome.decision === 'keep') {
      return 'kept';
    }
    return line.grantState === 'ended' ? 'revoked' : 'revocation started';
  };
  return (
    <Alert
      severity={failed === 0 ? 'success' : 'error'}
      role={failed === 0 ? 'status' : 'alert'}
      onClose={onClose}
    >
      <AlertTitle>{title}</AlertTitle>
      <ul aria-label="Outcome per line">
        {outcome.results.map(({ line, error }) => (
          <li key={line.id}>
            {`${lineName(line)}: ${error ?? lineOutcome(line)}`}
          </li>
        ))}
      </ul>
    </Alert>
  );
}

/**
 * Whose line it is: a delegate or an administrator decides for the
 * reviewers, and must be able to tell.
 */
function reviewerNote(line: ReviewLine, userRef: string | undefined): string {
  if (line.reviewerRefs.length === 0) {
    return 'No reviewer found';
  }
  // Refs differ in case between the catalog and the token.
  const key = (ref: string) => ref.toLocaleLowerCase('en-US');
  if (userRef && line.reviewerRefs.some(ref => key(ref) === key(userRef))) {
    return 'You';
  }
  return `for ${line.reviewerRefs.map(ref => refName(ref)).join(', ')}`;
}

/**
 * The review lines waiting for the signed-in user, to keep or revoke
 * several at once with one reason.
 *
 * @internal
 */
export function ReviewLinesTable(props: {
  /** Names the table, such as `Lines to review`. */
  title: string;
  /** One page of lines, as `useReviewLines` gives it. */
  list: {
    rows?: ReviewLine[];
    loading?: boolean;
    error?: Error;
    paging?: TablePaging;
  };
  /** Reloads the page once lines were decided. */
  onDecided(): void;
  /** Leaves out what the offerings give access to, where that is the page. */
  hideTarget?: boolean;
  empty: { title: string; description: string };
}) {
  const { list, onDecided } = props;
  const api = useApi(serviceCatalogueApiRef);
  const theme = useTheme();
  const identityApi = useApi(identityApiRef);
  const { value: identity } = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<Pending>();
  const [outcome, setOutcome] = useState<ReviewOutcome>();
  // A refusal of the whole decision (no reason to revoke, say) stays with
  // the question, so that the user can answer it.
  const [refusal, setRefusal] = useState<string>();
  const ask = (what: Pending | undefined) => {
    setRefusal(undefined);
    setPending(what);
  };

  // One call for all: the backend decides each line on its own and answers
  // for each, so a refusal of one does not hide the others' success.
  const [decideState, decide] = useAsyncFn(
    async (what: Pending, reason: string | undefined) => {
      let response;
      try {
        response = await api.decideReviewLines({
          lineIds: what.lines.map(line => line.id),
          decision: what.decision,
          reason,
        });
      } catch (e) {
        setRefusal(errorMessage(e as Error));
        return;
      }
      const answers = new Map(response.results.map(r => [r.lineId, r]));
      const next: ReviewOutcome = {
        decision: what.decision,
        results: what.lines.map(line => {
          const answer = answers.get(line.id);
          if (!answer) {
            return { line, error: 'The backend did not answer for it' };
          }
          return 'error' in answer
            ? { line, error: answer.error.message }
            : { line: answer.line };
        }),
      };
      setOutcome(next);
      setSelected(
        new Set(next.results.filter(r => r.error).map(r => r.line.id)),
      );
      setPending(undefined);
      onDecided();
    },
    [api, onDecided],
  );
  const busy = decideState.loading;

  const items = list.rows ?? [];
  // A line decided elsewhere leaves the list; it must leave the selection
  // with it.
  const selectedItems = items.filter(line => selected.has(line.id));
  const allSelected = items.length > 0 && selectedItems.length === items.length;

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) {
      next.add(id);
    }
    setSelected(next);
  };

  const columns: TableColumn<ReviewLine>[] = [
    {
      title: (
        <Checkbox
          checked={allSelected}
          indeterminate={selectedItems.length > 0 && !allSelected}
          onChange={() =>
            setSelected(allSelected ? new Set() : new Set(items.map(l => l.id)))
          }
          inputProps={{ 'aria-label': 'Select all' }}
        />
      ),
      width: '48px',
      render: line => (
        <Checkbox
          checked={selected.has(line.id)}
          onChange={() => toggle(line.id)}
          inputProps={{ 'aria-label': `Select ${lineName(line)}` }}
        />
      ),
    },
    {
      title: 'Holder',
      render: line => (
        <EntityRefLink entityRef={line.holderRef} defaultKind="user" />
      ),
    },
    { title: 'Offering', render: line => line.offeringTitle },
    ...(props.hideTarget
      ? []
      : [
          {
            title: 'Target',
            render: (line: ReviewLine) =>
              line.targetRef ? (
                <EntityRefLink entityRef={line.targetRef} />
              ) : (
                '—'
              ),
          },
        ]),
    { title: 'Since', render: line => formatDate(line.grantedAt) },
    { title: 'Why', render: line => originLabel(line.origin) },
    {
      title: 'Reviewer',
      render: line => reviewerNote(line, identity?.userEntityRef),
    },
    // Plain text: a reviewer may not be allowed to read the request, and a
    // link to a page that refuses them helps nobody.
    { title: 'Tracking number', render: line => line.trackingNumber },
    {
      title: 'Campaign',
      render: line => (
        <>
          {line.campaignTitle}
          <Typography variant="caption" color="textSecondary" display="block">
            {`Due ${formatDate(line.deadlineAt)}; ${
              line.onUndecided === 'revoke' ? 'revoked' : 'kept'
            } if undecided`}
          </Typography>
        </>
      ),
    },
  ];

  return (
    <>
      {outcome && (
        <Box mb={2}>
          <ReviewOutcomeAlert
            outcome={outcome}
            onClose={() => setOutcome(undefined)}
          />
        </Box>
      )}
      {items.length > 0 && (
        <Box display="flex" gridGap={8} mb={1} alignItems="center">
          <Button
            variant="contained"
            color="primary"
            disabled={selectedItems.length === 0 || busy}
            onClick={() => ask({ decision: 'keep', lines: selectedItems })}
          >
            Keep
          </Button>
          <Button
            variant="outlined"
            color="secondary"
            disabled={selectedItems.length === 0 || busy}
            onClick={() => ask({ decision: 'revoke', lines: selectedItems })}
          >
            Revoke
          </Button>
          <Typography variant="body2" color="textSecondary">
            {`${selectedItems.length} of ${pluralLines(
              items.length,
            )} on this page selected`}
          </Typography>
        </Box>
      )}
      <PagedTable<ReviewLine>
        title={props.title}
        columns={columns}
        rows={list.rows}
        loading={list.loading}
        error={list.error}
        paging={list.paging}
        empty={props.empty}
        rowStyle={line =>
          selected.has(line.id)
            ? { backgroundColor: theme.palette.action.selected }
            : {}
        }
      />
      <ReviewDecisionDialog
        decision={pending?.decision}
        subject={pluralLines(pending?.lines.length ?? 0)}
        busy={busy}
        error={refusal}
        onConfirm={reason => pending && decide(pending, reason)}
        onClose={() => ask(undefined)}
      />
    </>
  );
}
