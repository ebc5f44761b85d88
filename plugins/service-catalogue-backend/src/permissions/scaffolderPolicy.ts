import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  RESOURCE_TYPE_SCAFFOLDER_ACTION,
  RESOURCE_TYPE_SCAFFOLDER_TASK,
  actionExecutePermission,
  taskCancelPermission,
  taskReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { GATE_ACTION_ID } from '@service-catalogue/plugin-service-catalogue-common';

// The scaffolder evaluates these conditions itself, against the rules it
// registers as HAS_ACTION_ID and IS_TASK_OWNER (scaffolderActionConditions
// and scaffolderTaskConditions in @backstage/plugin-scaffolder-backend/alpha).
// They are spelled out here so that this plugin does not depend on the
// scaffolder backend at runtime; a test compares them with the scaffolder's.
const hasActionId = (
  actionId: string,
): PermissionCondition<typeof RESOURCE_TYPE_SCAFFOLDER_ACTION> => ({
  rule: 'HAS_ACTION_ID',
  resourceType: RESOURCE_TYPE_SCAFFOLDER_ACTION,
  params: { actionId },
});

const isTaskOwner = (
  createdBy: string[],
): PermissionCondition<typeof RESOURCE_TYPE_SCAFFOLDER_TASK> => ({
  rule: 'IS_TASK_OWNER',
  resourceType: RESOURCE_TYPE_SCAFFOLDER_TASK,
  params: { createdBy },
});

const conditionalDecision = <TResourceType extends string>(
  permission: ResourcePermission<TResourceType>,
  conditions: PermissionCriteria<PermissionCondition<TResourceType>>,
): PolicyDecision => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'scaffolder',
  resourceType: permission.resourceType,
  conditions,
});

/**
 * Options of {@link decideScaffolderPermission}.
 *
 * @public
 */
export interface ScaffolderPermissionOptions {
  /**
   * Whether the user administers the portal. Administrators read and cancel
   * every scaffolder task; other users only their own.
   */
  isAdministrator?: boolean;
  /**
   * Ids of scaffolder actions that only provisioning and revoke templates
   * use, such as `ldap:group:add-member`: users may not execute them in
   * tasks of their own, only the service catalogue in the tasks it starts.
   * The gate action `service-catalogue:gate` is always among them.
   */
  provisioningActionIds?: string[];
}

/**
 * Decides the scaffolder's permissions so that offering templates run only
 * when the service catalogue starts them for an approved request, and users
 * read only their own scaffolder tasks. Returns `undefined` for any other
 * permission, for the rest of the policy to decide.
 *
 * @remarks
 *
 * - `scaffolder.action.execute`: a user may not execute the gate action, nor
 *   the given provisioning actions, so a task a user starts from an offering
 *   template fails at its first step, before any provisioning step. The
 *   scaffolder asks this once per task run, with the credentials of whoever
 *   created (or retried) the task, and applies the conditions to each step
 *   just before it runs; creating the task itself is not refused.
 *   Administrators are users like any other here: no user runs offering
 *   templates by hand.
 * - `scaffolder.task.read` and `scaffolder.task.cancel`: administrators
 *   every task, other users only the tasks they created. Tasks the service
 *   catalogue starts have no creator, so only administrators see them.
 * - Without a user (a `none` principal) everything is allowed. Service
 *   principals, such as the service catalogue backend that starts and
 *   follows provisioning tasks, are allowed by the permissions service
 *   before any policy is asked.
 *
 * @example
 * ```ts
 * async handle(request: PolicyQuery, user?: PolicyQueryUser) {
 *   const scaffolderDecision = decideScaffolderPermission(request, user, {
 *     isAdministrator: await this.isAdmin(user),
 *     provisioningActionIds: ['ldap:group:add-member'],
 *   });
 *   if (scaffolderDecision) {
 *     return scaffolderDecision;
 *   }
 *   // ...
 * }
 * ```
 *
 * @public
 */
export function decideScaffolderPermission(
  request: PolicyQuery,
  user: PolicyQueryUser | undefined,
  options: ScaffolderPermissionOptions = {},
): PolicyDecision | undefined {
  const { permission } = request;
  if (isPermission(permission, actionExecutePermission)) {
    if (!user) {
      return { result: AuthorizeResult.ALLOW };
    }
    const [first, ...more] = [
      ...new Set([GATE_ACTION_ID, ...(options.provisioningActionIds ?? [])]),
    ].map(hasActionId);
    return conditionalDecision(permission, {
      not: more.length ? { anyOf: [first, ...more] } : first,
    });
  }

  if (
    isPermission(permission, taskReadPermission) ||
    isPermission(permission, taskCancelPermission)
  ) {
    if (!user || options.isAdministrator) {
      return { result: AuthorizeResult.ALLOW };
    }
    return conditionalDecision(
      permission,
      isTaskOwner([user.info.userEntityRef]),
    );
  }

  return undefined;
}
