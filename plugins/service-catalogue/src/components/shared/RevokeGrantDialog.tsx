import { FormEvent, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { Grant } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';

/**
 * Ends grants after a confirmation: which grant waits for it, and what came
 * of the last attempt.
 *
 * @internal
 */
export function useRevokeGrant(onRevoked: () => void) {
  const api = useApi(serviceCatalogueApiRef);
  const [grant, setGrant] = useState<Grant>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  const revoke = async (reason: string | undefined) => {
    if (!grant) {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api.revokeGrant(grant.id, { reason });
      onRevoked();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
      setGrant(undefined);
    }
  };

  return {
    /** The grant whose revocation waits for confirmation. */
    grant,
    confirm: (next: Grant) => setGrant(next),
    cancel: () => setGrant(undefined),
    revoke,
    busy,
    error,
    dismissError: () => setError(undefined),
  };
}

/**
 * Asks for an optional reason before ending a grant.
 *
 * @internal
 */
export function RevokeGrantDialog(props: {
  /** The grant to end; the dialog is closed when undefined. */
  grant?: Grant;
  title(grant: Grant): string;
  description(grant: Grant): string;
  /** The confirming button, such as `Give up` or `Revoke`. */
  confirmLabel: string;
  busy?: boolean;
  onConfirm(reason: string | undefined): void;
  onClose(): void;
}) {
  const { grant, title, description, confirmLabel, busy, onConfirm, onClose } =
    props;
  // The last grant shown stays while the dialog fades out, so that its
  // title does not go blank; a new grant starts with an empty reason, as
  // one written for another must not carry over.
  const [shown, setShown] = useState(grant);
  const [reason, setReason] = useState('');
  if (grant && grant !== shown) {
    setShown(grant);
    setReason('');
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onConfirm(reason.trim() || undefined);
  };

  return (
    <Dialog
      open={Boolean(grant)}
      onClose={onClose}
      aria-labelledby="service-catalogue-revoke-title"
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={onSubmit}>
        <DialogTitle id="service-catalogue-revoke-title">
          {shown && title(shown)}
        </DialogTitle>
        <DialogContent>
          <DialogContentText>{shown && description(shown)}</DialogContentText>
          <TextField
            id="service-catalogue-revoke-reason"
            label="Reason"
            value={reason}
            onChange={event => setReason(event.target.value)}
            multiline
            minRows={2}
            fullWidth
            variant="outlined"
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            color="secondary"
            disabled={busy}
          >
            {confirmLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
