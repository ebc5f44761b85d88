import { ReviewDecision } from '@service-catalogue/plugin-service-catalogue-common';
import { ReasonDialog } from './ReasonDialog';

/**
 * Asks for the reason before keeping or revoking review lines: optional to
 * keep, required to revoke, since the holders are told why they lose
 * their access.
 *
 * @internal
 */
export function ReviewDecisionDialog(props: {
  /** The decision to confirm; the dialog is closed when undefined. */
  decision?: ReviewDecision;
  /** What is decided on, such as `3 lines`. */
  subject: string;
  busy?: boolean;
  /** The backend's refusal of the whole decision. */
  error?: string;
  onConfirm(reason: string | undefined): void;
  onClose(): void;
}) {
  const { decision, subject } = props;
  const revoke = decision === 'revoke';
  const verb = revoke ? 'Revoke' : 'Keep';
  return (
    <ReasonDialog
      open={Boolean(decision)}
      title={`${verb} ${subject}`}
      description={
        revoke
          ? "The offering's revoke template takes the access away, and the holders are told your reason."
          : 'The holders keep their access. Your reason goes into the campaign’s report.'
      }
      label="Reason"
      requiredMessage={revoke ? 'Say why the access is revoked.' : undefined}
      minRows={2}
      confirmLabel={verb}
      confirmColor={revoke ? 'secondary' : 'primary'}
      busy={props.busy}
      error={props.error}
      onConfirm={props.onConfirm}
      onClose={props.onClose}
    />
  );
}
