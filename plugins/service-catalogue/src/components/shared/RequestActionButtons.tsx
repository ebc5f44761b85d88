import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { RequestDetails } from '@service-catalogue/plugin-service-catalogue-common';

type Action = RequestDetails['actions'][number];

/**
 * What a button of {@link RequestActionButtons} does; a page leaves out
 * those it has no use for.
 *
 * @internal
 */
export type RequestActionHandlers = Partial<
  Record<
    | 'approve'
    | 'reject'
    | 'cancel'
    | 'retry'
    | 'take'
    | 'assign'
    | 'complete'
    | 'fail',
    () => void
  >
>;

const BUTTONS: Array<{
  handler: keyof RequestActionHandlers;
  action: Action;
  label: string;
  variant: 'contained' | 'outlined';
  color?: 'primary' | 'secondary';
}> = [
  {
    handler: 'approve',
    action: 'approve',
    label: 'Approve',
    variant: 'contained',
    color: 'primary',
  },
  {
    handler: 'reject',
    action: 'reject',
    label: 'Reject',
    variant: 'outlined',
    color: 'secondary',
  },
  {
    handler: 'cancel',
    action: 'cancel',
    label: 'Cancel request',
    variant: 'outlined',
  },
  {
    handler: 'retry',
    action: 'retry',
    label: 'Retry provisioning',
    variant: 'contained',
    color: 'primary',
  },
  // Taking and giving to a colleague are both the desk's `assign`.
  {
    handler: 'take',
    action: 'assign',
    label: 'Take',
    variant: 'contained',
    color: 'primary',
  },
  {
    handler: 'assign',
    action: 'assign',
    label: 'Assign to…',
    variant: 'outlined',
  },
  {
    handler: 'complete',
    action: 'complete',
    label: 'Complete',
    variant: 'contained',
    color: 'primary',
  },
  {
    handler: 'fail',
    action: 'fail',
    label: 'Fail',
    variant: 'outlined',
    color: 'secondary',
  },
];

/**
 * A button for each action the caller may take on a request, in one order
 * wherever requests are worked on.
 *
 * @internal
 */
export function RequestActionButtons(props: {
  actions: RequestDetails['actions'];
  handlers: RequestActionHandlers;
  busy?: boolean;
  /**
   * Names each button after the request, such as `Take REQ-000001`, where
   * the buttons of several requests stand side by side.
   */
  subject?: string;
  size?: 'small' | 'medium';
}) {
  const { actions, handlers, busy, subject, size } = props;
  const shown = BUTTONS.filter(
    button => actions.includes(button.action) && handlers[button.handler],
  );
  if (shown.length === 0) {
    return null;
  }
  return (
    <Box display="flex" flexWrap="wrap" gridGap={8}>
      {shown.map(button => (
        <Button
          key={button.handler}
          size={size}
          variant={button.variant}
          color={button.color}
          disabled={busy}
          aria-label={subject ? `${button.label} ${subject}` : undefined}
          onClick={handlers[button.handler]}
        >
          {button.label}
        </Button>
      ))}
    </Box>
  );
}
