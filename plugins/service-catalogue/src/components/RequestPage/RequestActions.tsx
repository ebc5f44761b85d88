import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import { RequestDetails } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useAction } from '../../hooks';
import { DecisionDialog, FulfilmentDialogs, useFulfilment } from '../shared';

const useStyles = makeStyles(theme => ({
  actions: {
    display: 'flex',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
}));

// The actions that have a button of their own; comments have their form.
const ACTIONS_WITH_BUTTONS: RequestDetails['actions'] = [
  'approve',
  'reject',
  'cancel',
  'retry',
  'assign',
  'complete',
  'fail',
];

/**
 * A button for each thing the backend says the caller may do to the
 * request, with the dialogs that ask before some of them.
 *
 * @internal
 */
export function RequestActions(props: {
  details: RequestDetails;
  reload(): void;
}) {
  const { details, reload } = props;
  const { request, actions } = details;
  const classes = useStyles();
  const api = useApi(serviceCatalogueApiRef);
  const [decision, setDecision] = useState<'approve' | 'reject'>();
  const fulfilment = useFulfilment(reload);
  const action = useAction((call: () => Promise<unknown>) => call(), {
    // A refusal often means the request moved on (409): show it as it is.
    onSettled: () => {
      setDecision(undefined);
      reload();
    },
  });
  const busy = action.busy || fulfilment.busy;

  if (!ACTIONS_WITH_BUTTONS.some(a => actions.includes(a))) {
    return null;
  }

  const onCancel = () =>
    action.run(() =>
      // The version seen, so that a request that moved on in the meantime
      // is not cancelled blindly.
      api.cancelRequest(request.id, { expectedVersion: request.version }),
    );
  const onRetry = () => action.run(() => api.retryRequest(request.id));
  const onDecide = (comment: string | undefined) =>
    decision &&
    action.run(() =>
      api.decideRequest(request.id, {
        decision,
        comment,
        stageIndex: request.currentStage,
      }),
    );

  return (
    <Box className={classes.actions} mt={2}>
      {actions.includes('approve') && (
        <Button
          variant="contained"
          color="primary"
          disabled={busy}
          onClick={() => setDecision('approve')}
        >
          Approve
        </Button>
      )}
      {actions.includes('reject') && (
        <Button
          variant="outlined"
          color="secondary"
          disabled={busy}
          onClick={() => setDecision('reject')}
        >
          Reject
        </Button>
      )}
      {actions.includes('cancel') && (
        <Button variant="outlined" disabled={busy} onClick={onCancel}>
          Cancel request
        </Button>
      )}
      {actions.includes('retry') && (
        <Button
          variant="contained"
          color="primary"
          disabled={busy}
          onClick={onRetry}
        >
          Retry provisioning
        </Button>
      )}
      {actions.includes('assign') && (
        <>
          <Button
            variant="contained"
            color="primary"
            disabled={busy}
            onClick={() => fulfilment.take(request)}
          >
            Take
          </Button>
          <Button
            variant="outlined"
            disabled={busy}
            onClick={() => fulfilment.open('assign', request)}
          >
            Assign to…
          </Button>
        </>
      )}
      {actions.includes('complete') && (
        <Button
          variant="contained"
          color="primary"
          disabled={busy}
          onClick={() => fulfilment.open('complete', request)}
        >
          Complete
        </Button>
      )}
      {actions.includes('fail') && (
        <Button
          variant="outlined"
          color="secondary"
          disabled={busy}
          onClick={() => fulfilment.open('fail', request)}
        >
          Fail
        </Button>
      )}
      <DecisionDialog
        decision={decision}
        subject={request.trackingNumber}
        busy={action.busy}
        onConfirm={onDecide}
        onClose={() => setDecision(undefined)}
      />
      <FulfilmentDialogs fulfilment={fulfilment} />
    </Box>
  );
}
