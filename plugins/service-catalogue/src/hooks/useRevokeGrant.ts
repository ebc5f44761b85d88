import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Grant } from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../api';
import { useAction } from './useAction';

/**
 * Ends grants after a confirmation: which grant waits for it, and the
 * revocation itself, whose refusal is reported after `failure`.
 *
 * @internal
 */
export function useRevokeGrant(onRevoked: () => void, failure: string) {
  const api = useApi(serviceCatalogueApiRef);
  const [grant, setGrant] = useState<Grant>();
  const { run, busy } = useAction(
    async (reason: string | undefined) => {
      if (grant) {
        await api.revokeGrant(grant.id, { reason });
      }
    },
    {
      failure,
      onSuccess: onRevoked,
      onSettled: () => setGrant(undefined),
    },
  );
  return {
    /** The grant whose revocation waits for confirmation. */
    grant,
    confirm: (next: Grant) => setGrant(next),
    cancel: () => setGrant(undefined),
    revoke: run,
    busy,
  };
}
