import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { errorMessage } from '../shared';

/**
 * What came of deciding on several requests at once, one call each.
 *
 * @internal
 */
export type Outcome = {
  decision: 'approve' | 'reject';
  succeeded: ServiceRequest[];
  failed: Array<{ request: ServiceRequest; error: Error }>;
};

/** `1 request` or `3 requests`. */
export function pluralRequests(count: number) {
  return count === 1 ? '1 request' : `${count} requests`;
}

/**
 * Says how many were decided, and why each of the others was refused:
 * with several at once, one refusal must not hide the others' success.
 *
 * @internal
 */
export function OutcomeAlert(props: { outcome: Outcome; onClose(): void }) {
  const { outcome, onClose } = props;
  const verb = outcome.decision === 'approve' ? 'Approved' : 'Rejected';
  if (outcome.failed.length === 0) {
    return (
      <Alert severity="success" role="status" onClose={onClose}>
        {`${verb} ${pluralRequests(outcome.succeeded.length)}`}
      </Alert>
    );
  }
  return (
    <Alert severity="error" onClose={onClose}>
      <AlertTitle>
        {outcome.succeeded.length > 0
          ? `${verb} ${pluralRequests(outcome.succeeded.length)}; ${
              outcome.failed.length
            } failed`
          : `${outcome.failed.length} failed`}
      </AlertTitle>
      <ul>
        {outcome.failed.map(({ request, error }) => (
          <li key={request.id}>
            {`${request.trackingNumber}: ${errorMessage(error)}`}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
