import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createScaffolderActionConditionalDecision,
  createScaffolderTaskConditionalDecision,
  scaffolderActionConditions,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { serviceCatalogueRequestReadPermission } from '@service-catalogue/plugin-service-catalogue-common';
import { decideScaffolderPermission } from './scaffolderPolicy';

const grace = {
  credentials: mockCredentials.user('user:default/grace'),
  info: {
    userEntityRef: 'user:default/grace',
    ownershipEntityRefs: ['user:default/grace', 'group:default/web-team'],
  },
};

// The expected decisions are built with the scaffolder backend's own
// condition exports: what the helpers return is what the scaffolder's rules
// understand.
describe('decideScaffolderPermission', () => {
  const provisioningActionIds = [
    'ldap:group:add-member',
    'ldap:group:remove-member',
    'ldap:group:add-member',
  ];
  const withoutProvisioningActions = createScaffolderActionConditionalDecision(
    actionExecutePermission,
    {
      not: {
        anyOf: [
          scaffolderActionConditions.hasActionId({
            actionId: 'ldap:group:add-member',
          }),
          scaffolderActionConditions.hasActionId({
            actionId: 'ldap:group:remove-member',
          }),
        ],
      },
    },
  );

  it('keeps users, administrators and calls without a user from executing the provisioning actions, and only those', () => {
    for (const [user, isAdministrator] of [
      [grace, false],
      [grace, true],
      [undefined, false],
    ] as const) {
      const decision = decideScaffolderPermission(
        { permission: actionExecutePermission },
        user,
        { isAdministrator, provisioningActionIds },
      );
      expect(decision).toEqual(withoutProvisioningActions);
      // The gate runs, to refuse, audit and report the task itself.
      expect(JSON.stringify(decision)).not.toContain('service-catalogue:gate');
    }
  });

  it('keeps a single provisioning action without anyOf', () => {
    expect(
      decideScaffolderPermission(
        { permission: actionExecutePermission },
        grace,
        { provisioningActionIds: ['ldap:group:add-member'] },
      ),
    ).toEqual(
      createScaffolderActionConditionalDecision(actionExecutePermission, {
        not: scaffolderActionConditions.hasActionId({
          actionId: 'ldap:group:add-member',
        }),
      }),
    );
  });

  it('lets every action run when no provisioning actions are named', () => {
    for (const user of [grace, undefined]) {
      for (const options of [undefined, { provisioningActionIds: [] }]) {
        expect(
          decideScaffolderPermission(
            { permission: actionExecutePermission },
            user,
            options,
          ),
        ).toEqual({ result: AuthorizeResult.ALLOW });
      }
    }
  });

  it.each([taskReadPermission, taskCancelPermission])(
    'lets users have only their own tasks for $name, administrators every task, calls without a user none',
    permission => {
      expect(decideScaffolderPermission({ permission }, grace)).toEqual(
        createScaffolderTaskConditionalDecision(
          permission,
          scaffolderTaskConditions.isTaskOwner({
            createdBy: ['user:default/grace'],
          }),
        ),
      );
      expect(
        decideScaffolderPermission({ permission }, grace, {
          isAdministrator: true,
        }),
      ).toEqual({ result: AuthorizeResult.ALLOW });
      expect(
        decideScaffolderPermission({ permission }, undefined, {
          isAdministrator: true,
        }),
      ).toEqual({ result: AuthorizeResult.DENY });
    },
  );

  it.each([
    taskCreatePermission,
    templateStepReadPermission,
    serviceCatalogueRequestReadPermission,
  ])('leaves $name to the rest of the policy', permission => {
    expect(
      decideScaffolderPermission({ permission }, grace, {
        isAdministrator: true,
      }),
    ).toBeUndefined();
  });
});
