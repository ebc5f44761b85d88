import { FormEvent, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import {
  Grant,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { errorMessage, formatDateTime } from '../shared';

/**
 * Asks for more time on a grant, with an optional reason for the approvers.
 * A refusal of the backend, such as more time already asked for, stays in
 * the dialog so that the user sees why.
 *
 * @internal
 */
export function ExtendGrantDialog(props: {
  /** The grant to ask more time on; the dialog is closed when undefined. */
  grant?: Grant;
  onExtended(request: ServiceRequest): void;
  onClose(): void;
}) {
  const { grant, onExtended, onClose } = props;
  const api = useApi(serviceCatalogueApiRef);
  // The last grant shown stays while the dialog fades out, so that its
  // title does not go blank; each opening starts afresh, as a reason or a
  // refusal of the last attempt must not carry over.
  const [opened, setOpened] = useState<Grant>();
  const [shown, setShown] = useState<Grant>();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  if (grant !== opened) {
    setOpened(grant);
    if (grant) {
      setShown(grant);
      setReason('');
      setError(undefined);
    }
  }

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!grant) {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onExtended(
        await api.extendGrant({
          grantId: grant.id,
          reason: reason.trim() || undefined,
        }),
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={Boolean(grant)}
      onClose={busy ? undefined : onClose}
      aria-labelledby="service-catalogue-extend-title"
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={onSubmit}>
        <DialogTitle id="service-catalogue-extend-title">
          {shown && `More time for ${shown.offeringTitle}`}
        </DialogTitle>
        <DialogContent>
          {error && (
            <Box mb={2}>
              <Alert severity="error">
                {`More time was not asked for: ${errorMessage(error)}`}
              </Alert>
            </Box>
          )}
          <DialogContentText>
            {shown?.expiresAt &&
              `Your access ends ${formatDateTime(shown.expiresAt)}. `}
            Your request goes through the offering’s approval; once approved,
            the access lasts longer by the offering’s duration.
          </DialogContentText>
          <TextField
            id="service-catalogue-extend-reason"
            label="Reason"
            helperText="Optional; the approvers see it."
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
            color="primary"
            disabled={busy}
          >
            Ask for more time
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
