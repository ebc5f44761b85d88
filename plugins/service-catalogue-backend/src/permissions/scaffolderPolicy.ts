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
   * use, such as `ldap:group:add-member`: only the service catalogue may
   * execute them, in the tasks it starts, never a user nor a call without
   * a user. Do not name the gate action `service-catalogue:gate` here: it
   * must run to refuse, audit and report a task the service catalogue did
   * not start.
   */
  provisioningActionIds?: string[];
}

/**
 * Decides the scaffolder's permissions so that the provisioning actions run
 * only in the tasks the service catalogue starts, and users read only their
 * own scaffolder tasks. Returns `undefined` for any other permission, for
 * the rest of the policy to decide.
 *
 * @remarks
 *
 * - `scaffolder.action.execute`: a user may execute every action but the
 *   given provisioning actions. The gate action stays allowed on purpose: a
 *   task a user starts from an offering template reaches the gate, which
 *   refuses every task the service catalogue did not start, audits the
 *   attempt (`gate-check`) and tells the offering's owners; nothing after
 *   it runs. The scaffolder asks this once per task run, with the
 *   credentials of whoever created (or retried) the task, and applies the
 *   conditions to each step just before it runs; creating the task itself
 *   is not refused. Administrators are users like any other here: no user
 *   runs provisioning actions by hand. A call without a user (a `none`
 *   principal, such as a task whose stored initiator could not be restored)
 *   is treated like a user.
 * - `scaffolder.task.read` and `scaffolder.task.cancel`: administrators
 *   every task, other users only the tasks they created. Tasks the service
 *   catalogue starts have no creator, so only administrators see them. A
 *   call without a user is denied.
 * - Service principals, such as the service catalogue backend that starts
 *   and follows provisioning tasks, are allowed by the permissions service
 *   before any policy is asked.
 *
 * @example
 * ```ts
 * async handle(request: PolicyQuery, user?: PolicyQueryUser) {
 *   const scaffolderDecision = decideScaffolderPermission(request, user, {
 *     isAdministrator: user ? await this.isAdmin(user) : false,
 *     provisioningActionIds: [
 *       'ldap:group:add-member',
 *       'ldap:group:remove-member',
 *     ],
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
    // Without a user too: the service catalogue's own tasks run as its
    // service principal, which never reaches a policy, so a task that asks
    // without a user is not one of them.
    const [first, ...more] = [
      ...new Set(options.provisioningActionIds ?? []),
    ].map(hasActionId);
    if (!first) {
      return { result: AuthorizeResult.ALLOW };
    }
    return conditionalDecision(permission, {
      not: more.length ? { anyOf: [first, ...more] } : first,
    });
  }

  if (
    isPermission(permission, taskReadPermission) ||
    isPermission(permission, taskCancelPermission)
  ) {
    // The scaffolder's task routes take only users and services, so a call
    // without a user never asks this; should one ever, it created no task
    // and administers nothing, and the tasks hold the values of other
    // people's requests.
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    if (options.isAdministrator) {
      return { result: AuthorizeResult.ALLOW };
    }
    return conditionalDecision(
      permission,
      isTaskOwner([user.info.userEntityRef]),
    );
  }

  return undefined;
}
