/**
 * Who a request's history and a grant name for what the backend does on its
 * own: starting and following tasks, expiring grants.
 *
 * @internal
 */
export const SYSTEM_ACTOR_REF = 'plugin:service-catalogue';
