import { FormEvent, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useInterval from 'react-use/esm/useInterval';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Swap } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { errorMessage } from '../shared';

// A swap raises one request per holder in the background; every couple of
// seconds shows it moving without asking the backend more than it needs.
const POLL_INTERVAL_MS = 2000;

/**
 * The offering whose holders all move.
 *
 * @internal
 */
export type SwapSource = {
  offeringRef: string;
  title: string;
};

function sameRef(a: string, b: string): boolean {
  // Stored refs are lowercase; a ref from elsewhere may be spelt otherwise.
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

function progressText(swap: Swap): string {
  return `Moved ${swap.moved} of ${swap.total}, ${swap.failed} failed`;
}

/**
 * Moves every holder of one offering to another the user picks, then
 * follows the move until it is done. A refusal of the backend stays in the
 * dialog so that the user sees why.
 *
 * @internal
 */
export function SwapHoldersDialog(props: {
  /** The offering whose holders move; the dialog is closed when undefined. */
  from?: SwapSource;
  /** Called when the move is done, or left to run on when the dialog closes. */
  onSwapped(): void;
  onClose(): void;
}) {
  const { from, onSwapped, onClose } = props;
  const api = useApi(serviceCatalogueApiRef);
  // The last offering shown stays while the dialog fades out, so that its
  // title does not go blank; each opening starts afresh.
  const [opened, setOpened] = useState<SwapSource>();
  const [shown, setShown] = useState<SwapSource>();
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [swap, setSwap] = useState<Swap>();
  if (from !== opened) {
    setOpened(from);
    if (from) {
      setShown(from);
      setTarget('');
      setError(undefined);
      setSwap(undefined);
    }
  }

  const open = Boolean(from);
  const offerings = useAsync(
    async () => (open ? (await api.getOfferings()).items : undefined),
    [api, open],
  );
  // Only an offering that leaves a grant can take the holders over.
  const candidates = (offerings.value ?? []).filter(
    offering =>
      offering.grant &&
      shown &&
      !sameRef(offering.entityRef, shown.offeringRef),
  );

  const follow = (next: Swap) => {
    setSwap(next);
    if (next.state === 'done') {
      onSwapped();
    }
  };

  useInterval(
    async () => {
      if (!swap || busy) {
        return;
      }
      setBusy(true);
      try {
        follow(await api.getSwap(swap.id));
      } catch (e) {
        setError(e as Error);
      } finally {
        setBusy(false);
      }
    },
    open && swap?.state === 'running' && !error ? POLL_INTERVAL_MS : null,
  );

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!from || !target) {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      follow(
        await api.startSwap({
          offeringRef: from.offeringRef,
          toOfferingRef: target,
        }),
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    // The move goes on without the dialog; what it did so far shows.
    if (swap?.state === 'running') {
      onSwapped();
    }
    onClose();
  };

  let content;
  if (swap) {
    const settled = swap.moved + swap.failed;
    content = (
      <>
        <DialogContentText>
          {swap.state === 'done'
            ? 'Every holder was dealt with.'
            : 'The holders are being moved; this goes on if you close the dialog.'}
        </DialogContentText>
        <Typography role="status">{progressText(swap)}</Typography>
        {swap.state === 'running' && (
          <Box mt={1}>
            <LinearProgress
              variant="determinate"
              value={swap.total ? (settled / swap.total) * 100 : 0}
              aria-label="Progress of the move"
            />
          </Box>
        )}
      </>
    );
  } else if (offerings.error) {
    content = (
      <Alert severity="error">
        {`The offerings could not be read: ${errorMessage(offerings.error)}`}
      </Alert>
    );
  } else if (!offerings.value) {
    content = <Progress />;
  } else if (candidates.length === 0) {
    content = (
      <DialogContentText>
        No other offering you can see leaves a grant to move the holders to.
      </DialogContentText>
    );
  } else {
    content = (
      <>
        <DialogContentText>
          {`Every holder of ${shown?.title} gets a request for the offering you choose, which needs no approval, and their access through ${shown?.title} ends. Only those who fulfil both offerings may do this.`}
        </DialogContentText>
        <TextField
          id="service-catalogue-swap-target"
          select
          label="Move to"
          variant="outlined"
          fullWidth
          value={target}
          disabled={busy}
          onChange={event => setTarget(event.target.value)}
        >
          {candidates.map(offering => (
            <MenuItem key={offering.entityRef} value={offering.entityRef}>
              {offering.title}
            </MenuItem>
          ))}
        </TextField>
      </>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={busy && !swap ? undefined : close}
      aria-labelledby="service-catalogue-swap-title"
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={onSubmit}>
        <DialogTitle id="service-catalogue-swap-title">
          {shown && `Move all holders of ${shown.title}`}
        </DialogTitle>
        <DialogContent>
          {error && (
            <Box mb={2}>
              <Alert severity="error">
                {swap
                  ? `The progress could not be read: ${errorMessage(error)}`
                  : `The holders were not moved: ${errorMessage(error)}`}
              </Alert>
            </Box>
          )}
          {content}
        </DialogContent>
        <DialogActions>
          {swap ? (
            <Button onClick={close}>Close</Button>
          ) : (
            <>
              <Button onClick={close} disabled={busy}>
                Cancel
              </Button>
              <Button
                type="submit"
                variant="contained"
                color="primary"
                disabled={busy || !target}
              >
                Move holders
              </Button>
            </>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
}
