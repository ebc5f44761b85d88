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
  it('keeps users from executing the gate action', () => {
    for (const isAdministrator of [false, true]) {
      expect(
        decideScaffolderPermission(
          { permission: actionExecutePermission },
          grace,
          { isAdministrator },
        ),
      ).toEqual(
        createScaffolderActionConditionalDecision(actionExecutePermission, {
          not: scaffolderActionConditions.hasActionId({
            actionId: 'service-catalogue:gate',
          }),
        }),
      );
    }
  });

  it('keeps users from executing the provisioning actions too', () => {
    expect(
      decideScaffolderPermission(
        { permission: actionExecutePermission },
        grace,
        {
          provisioningActionIds: [
            'ldap:group:add-member',
            'ldap:group:remove-member',
            'ldap:group:add-member',
          ],
        },
      ),
    ).toEqual(
      createScaffolderActionConditionalDecision(actionExecutePermission, {
        not: {
          anyOf: [
            scaffolderActionConditions.hasActionId({
              actionId: 'service-catalogue:gate',
            }),
            scaffolderActionConditions.hasActionId({
              actionId: 'ldap:group:add-member',
            }),
            scaffolderActionConditions.hasActionId({
              actionId: 'ldap:group:remove-member',
            }),
          ],
        },
      }),
    );
  });

  it('lets calls without a user execute every action', () => {
    expect(
      decideScaffolderPermission(
        { permission: actionExecutePermission },
        undefined,
        { provisioningActionIds: ['ldap:group:add-member'] },
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it.each([taskReadPermission, taskCancelPermission])(
    'lets users have only their own tasks for $name, administrators and calls without a user every task',
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
      expect(decideScaffolderPermission({ permission }, undefined)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
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
