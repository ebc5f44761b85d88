import { FormEvent, useEffect, useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';

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
  const { decision, subject, busy, onConfirm, onClose } = props;
  const [comment, setComment] = useState('');

  // A comment written for one request must not carry over to the next.
  useEffect(() => {
    if (decision) {
      setComment('');
    }
  }, [decision, subject]);

  const verb = decision === 'reject' ? 'Reject' : 'Approve';
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onConfirm(comment.trim() || undefined);
  };

  return (
    <Dialog
      open={Boolean(decision)}
      onClose={onClose}
      aria-labelledby="service-catalogue-decision-title"
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={onSubmit}>
        <DialogTitle id="service-catalogue-decision-title">
          {`${verb} ${subject}`}
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            {decision === 'reject'
              ? 'The requester sees your comment; say why.'
              : 'The requester sees your comment.'}
          </DialogContentText>
          <TextField
            id="service-catalogue-decision-comment"
            label="Comment"
            value={comment}
            onChange={event => setComment(event.target.value)}
            multiline
            minRows={3}
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
            color={decision === 'reject' ? 'secondary' : 'primary'}
            disabled={busy}
          >
            {verb}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
