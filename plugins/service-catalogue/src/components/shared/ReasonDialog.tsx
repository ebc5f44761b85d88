import { FormEvent, useId, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';

/**
 * The one question the plugin asks before an action: a confirmation with
 * a line of text for the others to read (a comment on a decision, a note on
 * completion, the reason for failing, revoking or asking for more time).
 *
 * @internal
 */
export function ReasonDialog(props: {
  open: boolean;
  title: string;
  description: string;
  /** The text field's label, such as `Comment` or `Reason`. */
  label: string;
  helperText?: string;
  /** Makes the text required, and says this when it is left empty. */
  requiredMessage?: string;
  /** The confirming button, such as `Approve` or `Revoke`. */
  confirmLabel: string;
  confirmColor?: 'primary' | 'secondary';
  minRows?: number;
  busy?: boolean;
  /** A refusal that should stay with the question rather than close it. */
  error?: string;
  onConfirm(text: string | undefined): void;
  onClose(): void;
}) {
  const { open, busy, requiredMessage, onClose } = props;
  const id = useId();
  const [text, setText] = useState('');
  const [touched, setTouched] = useState(false);
  const [wasOpen, setWasOpen] = useState(open);
  // The last question stays while the dialog fades out, so that its title
  // does not go blank.
  const [shown, setShown] = useState({
    title: props.title,
    description: props.description,
  });
  if (open !== wasOpen) {
    setWasOpen(open);
    // Text written for one subject must not carry over to the next.
    if (open) {
      setText('');
      setTouched(false);
    }
  }
  if (
    open &&
    (shown.title !== props.title || shown.description !== props.description)
  ) {
    setShown({ title: props.title, description: props.description });
  }

  const missing = Boolean(requiredMessage) && !text.trim();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!missing) {
      props.onConfirm(text.trim() || undefined);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onClose}
      aria-labelledby={`${id}-title`}
      fullWidth
      maxWidth="sm"
    >
      {/* Checked here rather than by the browser, to say why in words. */}
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle id={`${id}-title`}>{shown.title}</DialogTitle>
        <DialogContent>
          {props.error && (
            <Box mb={2}>
              <Alert severity="error">{props.error}</Alert>
            </Box>
          )}
          <DialogContentText>{shown.description}</DialogContentText>
          <TextField
            id={`${id}-text`}
            label={props.label}
            value={text}
            onChange={event => setText(event.target.value)}
            required={Boolean(requiredMessage)}
            error={touched && missing}
            helperText={touched && missing ? requiredMessage : props.helperText}
            multiline
            minRows={props.minRows ?? 3}
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
            color={props.confirmColor ?? 'primary'}
            disabled={busy}
          >
            {props.confirmLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
