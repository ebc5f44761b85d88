import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { serviceCatalogueApiRef } from '../../api';
import { useRequestChanged, useRevokeGrant } from '../../hooks';
import { GiveUpDialog, ReasonDialog } from '../shared';
import { HoldersCard, holderName } from './HoldersCard';
import { OfferingsCard } from './OfferingsCard';
import { ReviewsCard } from './ReviewsCard';
import { SwapHoldersDialog, SwapSource } from './SwapHoldersDialog';
import { YourAccessCard } from './YourAccessCard';

/**
 * The Access tab of a catalog entity: the offerings that give access to it,
 * the viewer's own access and requests, and, for the offerings' owners, who
 * holds access, which grants need a look, and ways to revoke one or to move
 * every holder of an offering to another.
 *
 * @internal
 */
export function EntityAccessContent() {
  const { entity } = useEntity();
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const api = useApi(serviceCatalogueApiRef);
  const { value, error, retry } = useAsyncRetry(
    () => api.getEntityAccess({ kind, namespace, name }),
    [api, kind, namespace, name],
  );
  // Requests for these offerings show here, and their fulfilment grants
  // access.
  useRequestChanged(retry);
  const giveUp = useRevokeGrant(retry, 'The access was not given up');
  const revoke = useRevokeGrant(retry, 'The access was not revoked');
  const [moving, setMoving] = useState<SwapSource>();

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return <Progress />;
  }
  if (value.offerings.length === 0) {
    return (
      <EmptyState
        missing="info"
        title="No offering of the service catalogue gives access to this entity."
        description="An offering gives access to an entity when its spec.target names it."
      />
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <OfferingsCard offerings={value.offerings} />
      </Grid>
      <Grid item xs={12} md={6}>
        <YourAccessCard access={value} onGiveUp={giveUp.confirm} />
      </Grid>
      <ReviewsCard targetRef={stringifyEntityRef(entity)} />
      {value.holders.length > 0 && (
        <Grid item xs={12}>
          <HoldersCard
            holders={value.holders}
            canRevoke={value.canRevoke}
            onRevoke={revoke.confirm}
            onMove={setMoving}
          />
        </Grid>
      )}
      <GiveUpDialog giveUp={giveUp} />
      <ReasonDialog
        open={Boolean(revoke.grant)}
        title="Revoke access?"
        description={
          revoke.grant
            ? `${holderName(revoke.grant)} loses ${
                revoke.grant.offeringTitle
              }, and is told your reason.`
            : ''
        }
        label="Reason"
        minRows={2}
        confirmLabel="Revoke"
        confirmColor="secondary"
        busy={revoke.busy}
        onConfirm={revoke.revoke}
        onClose={revoke.cancel}
      />
      <SwapHoldersDialog
        from={moving}
        onSwapped={retry}
        onClose={() => setMoving(undefined)}
      />
    </Grid>
  );
}
