import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { Fulfilment, RequestColumn } from '../shared';

function QueueActions(props: {
  request: ServiceRequest;
  userRef?: string;
  fulfilment: Fulfilment;
}) {
  const { request, userRef, fulfilment } = props;
  const { trackingNumber } = request;
  const open = request.state === 'APPROVED' || request.state === 'IN_PROGRESS';
  return (
    <Box display="flex" gridGap={8}>
      {open && request.assigneeRef !== userRef && (
        <Button
          size="small"
          variant="outlined"
          color="primary"
          disabled={fulfilment.busy}
          aria-label={`Take ${trackingNumber}`}
          onClick={() => fulfilment.take(request)}
        >
          Take
        </Button>
      )}
      {request.state === 'IN_PROGRESS' && (
        <>
          <Button
            size="small"
            variant="contained"
            color="primary"
            disabled={fulfilment.busy}
            aria-label={`Complete ${trackingNumber}`}
            onClick={() => fulfilment.open('complete', request)}
          >
            Complete
          </Button>
          <Button
            size="small"
            variant="outlined"
            color="secondary"
            disabled={fulfilment.busy}
            aria-label={`Fail ${trackingNumber}`}
            onClick={() => fulfilment.open('fail', request)}
          >
            Fail
          </Button>
        </>
      )}
    </Box>
  );
}

/**
 * The desk's buttons on each request of the queue.
 *
 * @internal
 */
export function queueActionsColumn(options: {
  userRef?: string;
  fulfilment: Fulfilment;
}): RequestColumn {
  return {
    title: 'Actions',
    render: request => <QueueActions request={request} {...options} />,
  };
}
