import { ReasonDialog } from './ReasonDialog';

/**
 * Asks for an optional comment before approving or rejecting one request or
 * several.
 *
 * @internal
 */
export function DecisionDialog(props: {
  /** The decision to confirm; the dialog is closed when undefined. */
  decision?: 'approve' | 'reject';
  /** What is decided on, such as `REQ-000001` or `3 requests`. */
  subject: string;
  busy?: boolean;
  onConfirm(comment: string | undefined): void;
  onClose(): void;
}) {
  const { decision, subject } = props;
  const reject = decision === 'reject';
  const verb = reject ? 'Reject' : 'Approve';
  return (
    <ReasonDialog
      open={Boolean(decision)}
      title={`${verb} ${subject}`}
      description={
        reject
          ? 'The requester sees your comment; say why.'
          : 'The requester sees your comment.'
      }
      label="Comment"
      confirmLabel={verb}
      confirmColor={reject ? 'secondary' : 'primary'}
      busy={props.busy}
      onConfirm={props.onConfirm}
      onClose={props.onClose}
    />
  );
}
