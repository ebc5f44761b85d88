import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import { RequestDetails } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useAction } from '../../hooks';
import {
  DecisionDialog,
  FulfilmentDialogs,
  RequestActionButtons,
  useFulfilment,
} from '../shared';

/**
 * A button for each thing the backend says the caller may do to the
 * request, with the dialogs that ask before some of them.
 *
 * @internal
 */
export function RequestActions(props: {
  details: RequestDetails;
  reload(): void;
}) {
  const { details, reload } = props;
  const { request, actions } = details;
  const api = useApi(serviceCatalogueApiRef);
  const [decision, setDecision] = useState<'approve' | 'reject'>();
  const fulfilment = useFulfilment(reload);
  const action = useAction((call: () => Promise<unknown>) => call(), {
    // A refusal often means the request moved on (409): show it as it is.
    onSettled: () => {
      setDecision(undefined);
      reload();
    },
  });

  const onDecide = (comment: string | undefined) =>
    decision &&
    action.run(() =>
      api.decideRequest(request.id, {
        decision,
        comment,
        stageIndex: request.currentStage,
      }),
    );

  return (
    <Box mt={2}>
      <RequestActionButtons
        actions={actions}
        busy={action.busy || fulfilment.busy}
        handlers={{
          approve: () => setDecision('approve'),
          reject: () => setDecision('reject'),
          cancel: () =>
            action.run(() =>
              // The version seen, so that a request that moved on in the
              // meantime is not cancelled blindly.
              api.cancelRequest(request.id, {
                expectedVersion: request.version,
              }),
            ),
          retry: () => action.run(() => api.retryRequest(request.id)),
          ...fulfilment.handlers(request),
        }}
      />
      <DecisionDialog
        decision={decision}
        subject={request.trackingNumber}
        busy={action.busy}
        onConfirm={onDecide}
        onClose={() => setDecision(undefined)}
      />
      <FulfilmentDialogs fulfilment={fulfilment} />
    </Box>
  );
}
