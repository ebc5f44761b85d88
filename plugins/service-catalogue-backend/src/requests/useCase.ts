import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { RequestStore } from '../database/RequestStore';
import { RequestAccess } from './access';
import { RequestLifecycle } from './RequestLifecycle';
import { RequestNotifier } from './RequestNotifier';
import { RequestViewer } from './requestView';

/**
 * A signed-in person: only people raise, read, decide and work requests.
 *
 * @internal
 */
export type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * What every use-case service works with: requests to read, find and move,
 * the permission policy, the people to tell, and the auditor.
 *
 * @internal
 */
export interface UseCaseDeps {
  store: RequestStore;
  lifecycle: RequestLifecycle;
  viewer: RequestViewer;
  access: RequestAccess;
  notifier: RequestNotifier;
  auditor: AuditorService;
}
