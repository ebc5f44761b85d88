import { FormEvent, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useAction } from '../../hooks';
import { ReasonDialog } from './ReasonDialog';
import { RequestActionHandlers } from './RequestActionButtons';
import { UserPicker } from './UserPicker';

type DialogAction = 'assign' | 'complete' | 'fail';

/**
 * The desk's work on manual requests: taking them, and assigning, completing
 * or failing them after a dialog; which dialog is open.
 *
 * @internal
 */
export function useFulfilment(onDone: () => void) {
  const api = useApi(serviceCatalogueApiRef);
  const [pending, setPending] = useState<{
    action: DialogAction;
    request: ServiceRequest;
  }>();
  const { run, busy } = useAction((call: () => Promise<unknown>) => call(), {
    onSettled: () => {
      setPending(undefined);
      onDone();
    },
  });

  const open = (action: DialogAction, request: ServiceRequest) =>
    setPending({ action, request });
  // The version seen, so that a request a colleague took in the meantime is
  // not taken from them blindly.
  const take = (request: ServiceRequest) =>
    run(() =>
      api.assignRequest(request.id, { expectedVersion: request.version }),
    );

  return {
    pending,
    busy,
    close: () => setPending(undefined),
    /** The desk's buttons on one request. */
    handlers: (request: ServiceRequest): RequestActionHandlers => ({
      take: () => take(request),
      assign: () => open('assign', request),
      complete: () => open('complete', request),
      fail: () => open('fail', request),
    }),
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

function AssignDialog(props: {
  request?: ServiceRequest;
  busy: boolean;
  onConfirm(assigneeRef: string): void;
  onClose(): void;
}) {
  const { request, busy } = props;
  // The last request shown stays while the dialog fades out, so that the
  // title does not go blank; a new one starts with nobody picked.
  const [shown, setShown] = useState(request);
  const [assignee, setAssignee] = useState<string>();
  if (request && request !== shown) {
    setShown(request);
    setAssignee(undefined);
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (assignee) {
      props.onConfirm(assignee);
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
          <UserPicker
            label="Assignee"
            value={assignee}
            onChange={setAssignee}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            color="primary"
            disabled={busy || !assignee}
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
  const trackingNumber = pending?.request.trackingNumber ?? '';
  return (
    <>
      <AssignDialog
        request={pending?.action === 'assign' ? pending.request : undefined}
        busy={busy}
        onConfirm={assign}
        onClose={close}
      />
      <ReasonDialog
        open={pending?.action === 'complete'}
        title={`Complete ${trackingNumber}`}
        description="The requester sees your note."
        label="Note"
        confirmLabel="Complete"
        busy={busy}
        onConfirm={complete}
        onClose={close}
      />
      <ReasonDialog
        open={pending?.action === 'fail'}
        title={`Fail ${trackingNumber}`}
        description="The requester sees the reason."
        label="Reason"
        requiredMessage="Say why it failed"
        confirmLabel="Fail"
        confirmColor="secondary"
        busy={busy}
        onConfirm={reason => reason && fail(reason)}
        onClose={close}
      />
    </>
  );
}
