import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { useApi } from '@backstage/core-plugin-api';
import {
  Grant,
  ServiceRequest,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { errorMessage, formatDateTime, ReasonDialog } from '../shared';

function ExtendGrantQuestion(props: {
  grant?: Grant;
  open: boolean;
  onExtended(request: ServiceRequest): void;
  onClose(): void;
}) {
  const { grant, open, onExtended, onClose } = props;
  const api = useApi(serviceCatalogueApiRef);
  const [{ loading, error }, extend] = useAsyncFn(
    async (reason: string | undefined) => {
      if (grant) {
        onExtended(await api.extendGrant({ grantId: grant.id, reason }));
      }
    },
    [api, grant, onExtended],
  );
  return (
    <ReasonDialog
      open={open}
      title={grant ? `More time for ${grant.offeringTitle}` : ''}
      description={`${
        grant?.expiresAt
          ? `Your access ends ${formatDateTime(grant.expiresAt)}. `
          : ''
      }Your request goes through the offering’s approval; once approved, the access lasts longer by the offering’s duration.`}
      label="Reason"
      helperText="Optional; the approvers see it."
      minRows={2}
      confirmLabel="Ask for more time"
      busy={loading}
      error={error && `More time was not asked for: ${errorMessage(error)}`}
      onConfirm={extend}
      onClose={onClose}
    />
  );
}

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
  const { grant } = props;
  // Each opening starts afresh, as a refusal of the last attempt must not
  // carry over; the last grant stays while the dialog fades out.
  const [opening, setOpening] = useState({
    grant,
    open: Boolean(grant),
    count: 0,
  });
  if (Boolean(grant) !== opening.open || (grant && grant !== opening.grant)) {
    setOpening({
      grant: grant ?? opening.grant,
      open: Boolean(grant),
      count: grant ? opening.count + 1 : opening.count,
    });
  }
  return (
    <ExtendGrantQuestion
      key={opening.count}
      grant={opening.grant}
      open={Boolean(grant)}
      onExtended={props.onExtended}
      onClose={props.onClose}
    />
  );
}
