import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';

/**
 * The credentials of the person an action acts for. Requests, decisions and
 * grants are personal: an action called by a service, or through a static
 * token with no user behind it, would act for nobody, so it is refused just
 * as the REST API refuses such callers with a 403.
 *
 * @internal
 */
export function requireUser(
  auth: AuthService,
  credentials: BackstageCredentials,
): BackstageCredentials<BackstageUserPrincipal> {
  if (!auth.isPrincipal(credentials, 'user')) {
    throw new NotAllowedError(
      'This action acts for a signed-in person; call it with user credentials, not as a service',
    );
  }
  return credentials;
}
