import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  actionExecutePermission,
  taskReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  serviceCatalogueAdministerPermission,
  serviceCatalogueRequestCancelPermission,
  serviceCatalogueRequestDecidePermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { DemoPermissionPolicy } from './demoPermissionPolicy';

const memberships: Record<string, string[]> = {
  'user:default/carol': ['group:default/it-managers'],
  'user:default/grace': ['group:default/web-team'],
};

const userInfo = mockServices.userInfo.mock({
  async getUserInfo(credentials: any) {
    const ref = credentials.principal.userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: [ref, ...(memberships[ref] ?? [])],
    };
  },
});

const policy = new DemoPermissionPolicy(
  new Set(['group:default/it-managers']),
  userInfo,
);

const asUser = (ref: string) => ({
  credentials: mockCredentials.user(ref),
  info: { userEntityRef: ref, ownershipEntityRefs: [] },
});

describe('DemoPermissionPolicy', () => {
  it('lets everyone read the catalog but delegated forms, which only their owners see', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityReadPermission },
      asUser('user:default/grace'),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        anyOf: [
          {
            not: {
              rule: 'IS_ENTITY_KIND',
              resourceType: 'catalog-entity',
              params: { kinds: ['template'] },
            },
          },
          {
            not: {
              rule: 'HAS_SPEC',
              resourceType: 'catalog-entity',
              params: { key: 'type', value: 'delegated-form' },
            },
          },
          {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: {
              claims: ['user:default/grace', 'group:default/web-team'],
            },
          },
        ],
      },
    });
    expect(
      await policy.handle(
        { permission: catalogEntityReadPermission },
        asUser('user:default/carol'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets only administrators register locations', async () => {
    expect(
      await policy.handle(
        { permission: catalogLocationCreatePermission },
        asUser('user:default/carol'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle(
        { permission: catalogLocationCreatePermission },
        asUser('user:default/grace'),
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets others delete only what their groups own', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityDeletePermission },
      asUser('user:default/grace'),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/grace', 'group:default/web-team'],
        },
      },
    });
  });

  it('lets only administrators administer the service catalogue', async () => {
    expect(
      await policy.handle(
        { permission: serviceCatalogueAdministerPermission },
        asUser('user:default/carol'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle(
        { permission: serviceCatalogueAdministerPermission },
        asUser('user:default/grace'),
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('leaves deciding to the service catalogue’s own routing', async () => {
    expect(
      await policy.handle(
        { permission: serviceCatalogueRequestDecidePermission },
        asUser('user:default/grace'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets people cancel only the requests they made or that are for them', async () => {
    expect(
      await policy.handle(
        { permission: serviceCatalogueRequestCancelPermission },
        asUser('user:default/grace'),
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'service-catalogue',
      resourceType: 'service-catalogue-request',
      conditions: {
        rule: 'IS_REQUESTER',
        resourceType: 'service-catalogue-request',
        params: {
          claims: ['user:default/grace', 'group:default/web-team'],
        },
      },
    });
  });

  it('lets nobody run the provisioning actions by hand, administrators and calls without a user included, but lets the gate run', async () => {
    const runnable = {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-action',
      conditions: {
        not: {
          anyOf: [
            'demo:access-list:add',
            'demo:access-list:remove',
            'ldap:group:add-member',
            'ldap:group:remove-member',
          ].map(actionId => ({
            rule: 'HAS_ACTION_ID',
            resourceType: 'scaffolder-action',
            params: { actionId },
          })),
        },
      },
    };
    for (const name of ['grace', 'carol']) {
      expect(
        await policy.handle(
          { permission: actionExecutePermission },
          asUser(`user:default/${name}`),
        ),
      ).toEqual(runnable);
    }
    // The service catalogue starts provisioning with its own credentials,
    // which the permissions service allows before asking the policy.
    expect(
      await policy.handle({ permission: actionExecutePermission }),
    ).toEqual(runnable);
  });

  it('lets people read their own scaffolder tasks, administrators every task, calls without a user none', async () => {
    expect(
      await policy.handle(
        { permission: taskReadPermission },
        asUser('user:default/grace'),
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-task',
      conditions: {
        rule: 'IS_TASK_OWNER',
        resourceType: 'scaffolder-task',
        params: { createdBy: ['user:default/grace'] },
      },
    });
    expect(
      await policy.handle(
        { permission: taskReadPermission },
        asUser('user:default/carol'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(await policy.handle({ permission: taskReadPermission })).toEqual({
      result: AuthorizeResult.DENY,
    });
  });
});
