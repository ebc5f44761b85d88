import { FormEvent, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { UserPicker } from './UserPicker';

type DialogAction = 'assign' | 'complete' | 'fail';

/**
 * The desk's work on manual requests: taking them, and assigning, completing
 * or failing them after a dialog; which dialog is open, and what came of the
 * last attempt.
 *
 * @internal
 */
export function useFulfilment(onDone: () => void) {
  const api = useApi(serviceCatalogueApiRef);
  const [pending, setPending] = useState<{
    action: DialogAction;
    request: ServiceRequest;
  }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  const run = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await call();
      onDone();
    } catch (e) {
      setError(e as Error);
      // A refusal often means the request moved on (409): show it as it is.
      onDone();
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  };

  return {
    pending,
    busy,
    error,
    dismissError: () => setError(undefined),
    open: (action: DialogAction, request: ServiceRequest) =>
      setPending({ action, request }),
    close: () => setPending(undefined),
    // The version seen, so that a request a colleague took in the meantime
    // is not taken from them blindly.
    take: (request: ServiceRequest) =>
      run(() =>
        api.assignRequest(request.id, { expectedVersion: request.version }),
      ),
    assign: (assigneeRef: string) =>
      pending &&
      run(() =>
        api.assignRequest(pending.request.id, {
          assigneeRef,
          expectedVersion: pending.request.version,
        }),
      ),
    complete: (note: string | undefined) =>
      pending && run(() => api.completeRequest(pending.request.id, { note })),
    fail: (reason: string) =>
      pending && run(() => api.failRequest(pending.request.id, { reason })),
  };
}

/**
 * What {@link useFulfilment} returns.
 *
 * @internal
 */
export type Fulfilment = ReturnType<typeof useFulfilment>;

/**
 * Keeps the last request shown while its dialog fades out, so that the title
 * does not go blank; a new one starts with empty fields, as text written for
 * another must not carry over.
 */
function useShown<T>(request: ServiceRequest | undefined, empty: T) {
  const [shown, setShown] = useState(request);
  const [value, setValue] = useState(empty);
  const [touched, setTouched] = useState(false);
  if (request && request !== shown) {
    setShown(request);
    setValue(empty);
    setTouched(false);
  }
  return { shown, value, setValue, touched, setTouched };
}

function TextDialog(props: {
  request?: ServiceRequest;
  verb: string;
  description: string;
  label: string;
  /** Shown when the text is required and left empty. */
  requiredMessage?: string;
  busy: boolean;
  onConfirm(text: string | undefined): void;
  onClose(): void;
}) {
  const { request, verb, description, label, requiredMessage, busy } = props;
  const { shown, value, setValue, touched, setTouched } = useShown(request, '');
  const missing = Boolean(requiredMessage) && !value.trim();
  const titleId = `service-catalogue-${verb.toLocaleLowerCase('en-US')}-title`;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!missing) {
      props.onConfirm(value.trim() || undefined);
    }
  };

  return (
    <Dialog
      open={Boolean(request)}
      onClose={props.onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      {/* Checked here rather than by the browser, to say why in words. */}
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle id={titleId}>
          {shown && `${verb} ${shown.trackingNumber}`}
        </DialogTitle>
        <DialogContent>
          <DialogContentText>{description}</DialogContentText>
          <TextField
            id={`service-catalogue-${verb.toLocaleLowerCase('en-US')}-text`}
            label={label}
            value={value}
            onChange={event => setValue(event.target.value)}
            required={Boolean(requiredMessage)}
            error={touched && missing}
            helperText={touched && missing ? requiredMessage : undefined}
            multiline
            minRows={3}
            fullWidth
            variant="outlined"
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            color={requiredMessage ? 'secondary' : 'primary'}
            disabled={busy}
          >
            {verb}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function AssignDialog(props: {
  request?: ServiceRequest;
  busy: boolean;
  onConfirm(assigneeRef: string): void;
  onClose(): void;
}) {
  const { request, busy } = props;
  const { shown, value, setValue } = useShown<string | undefined>(
    request,
    undefined,
  );

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (value) {
      props.onConfirm(value);
    }
  };

  return (
    <Dialog
      open={Boolean(request)}
      onClose={props.onClose}
      aria-labelledby="service-catalogue-assign-title"
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={onSubmit}>
        <DialogTitle id="service-catalogue-assign-title">
          {shown && `Assign ${shown.trackingNumber}`}
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            The colleague who works on the request; an approved one starts.
          </DialogContentText>
          <UserPicker label="Assignee" value={value} onChange={setValue} />
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            color="primary"
            disabled={busy || !value}
          >
            Assign
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/**
 * The dialogs of {@link useFulfilment}: assign to a colleague, complete with
 * an optional note, and fail with a reason.
 *
 * @internal
 */
export function FulfilmentDialogs(props: { fulfilment: Fulfilment }) {
  const { pending, busy, close, assign, complete, fail } = props.fulfilment;
  const requestFor = (action: DialogAction) =>
    pending?.action === action ? pending.request : undefined;
  return (
    <>
      <AssignDialog
        request={requestFor('assign')}
        busy={busy}
        onConfirm={assign}
        onClose={close}
      />
      <TextDialog
        request={requestFor('complete')}
        verb="Complete"
        description="The requester sees your note."
        label="Note"
        busy={busy}
        onConfirm={complete}
        onClose={close}
      />
      <TextDialog
        request={requestFor('fail')}
        verb="Fail"
        description="The requester sees the reason."
        label="Reason"
        requiredMessage="Say why it failed"
        busy={busy}
        onConfirm={reason => reason && fail(reason)}
        onClose={close}
      />
    </>
  );
}
