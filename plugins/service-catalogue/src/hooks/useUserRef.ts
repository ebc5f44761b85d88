import useAsync from 'react-use/esm/useAsync';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';

/**
 * The signed-in user's entity ref in lowercase, as the backend stores refs;
 * undefined until the identity is known.
 *
 * @internal
 */
export function useUserRef(): string | undefined {
  const identityApi = useApi(identityApiRef);
  const { value } = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  return value?.toLocaleLowerCase('en-US');
}
