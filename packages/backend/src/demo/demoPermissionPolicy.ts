import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  serviceCatalogueAdministerPermission,
  serviceCatalogueRequestCancelPermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import {
  createRequestConditionalDecision,
  decideScaffolderPermission,
  requestConditions,
} from '@service-catalogue/plugin-service-catalogue-backend';

/** The `spec.type` of the templates that serve as delegated forms. */
const DELEGATED_FORM_TYPE = 'delegated-form';

/**
 * The actions that change who has access in the demo's systems. Only the
 * provisioning and revoke templates of offerings use them, in the tasks the
 * service catalogue starts after approval; nobody runs them by hand.
 */
const PROVISIONING_ACTION_IDS = [
  'demo:access-list:add',
  'demo:access-list:remove',
  'ldap:group:add-member',
  'ldap:group:remove-member',
];

/**
 * The demo's permission policy. Everyone reads, but delegated forms only
 * their owners' members see; offering templates run only when the service
 * catalogue starts them, and people read only their own scaffolder tasks
 * (administrators every task); changing what the catalog ingests, and
 * administering the service catalogue (seeing every request and its
 * internal comments), is for the administrators named in
 * `demo.permission.adminGroups`; anyone else may only unregister entities
 * their own groups own, and only cancel requests they made or that were made
 * for them. The service catalogue itself decides who is involved in a
 * request; this policy can only narrow that.
 */
export class DemoPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly adminGroups: Set<string>,
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const isAdmin = user ? await this.isAdmin(user) : false;

    const scaffolderDecision = decideScaffolderPermission(request, user, {
      isAdministrator: isAdmin,
      provisioningActionIds: PROVISIONING_ACTION_IDS,
    });
    if (scaffolderDecision) {
      return scaffolderDecision;
    }

    if (
      isPermission(request.permission, catalogLocationCreatePermission) ||
      isPermission(request.permission, catalogLocationDeletePermission)
    ) {
      return {
        result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }

    // Delegated forms are for the people who act for others: the desk, the
    // team leads. Templates of that type are seen, and so run, only by the
    // members of the group that owns them.
    if (
      isPermission(request.permission, catalogEntityReadPermission) &&
      !isAdmin
    ) {
      return createCatalogConditionalDecision(request.permission, {
        anyOf: [
          { not: catalogConditions.isEntityKind({ kinds: ['template'] }) },
          {
            not: catalogConditions.hasSpec({
              key: 'type',
              value: DELEGATED_FORM_TYPE,
            }),
          },
          catalogConditions.isEntityOwner({
            claims: user ? await this.ownershipOf(user) : [],
          }),
        ],
      });
    }

    if (isPermission(request.permission, catalogEntityDeletePermission)) {
      if (isAdmin) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({
          claims: user ? await this.ownershipOf(user) : [],
        }),
      );
    }

    if (
      isPermission(request.permission, serviceCatalogueAdministerPermission)
    ) {
      return {
        result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }

    if (
      isPermission(request.permission, serviceCatalogueRequestCancelPermission)
    ) {
      return createRequestConditionalDecision(
        request.permission,
        requestConditions.isRequester({
          claims: user ? await this.ownershipOf(user) : [],
        }),
      );
    }

    return { result: AuthorizeResult.ALLOW };
  }

  private async ownershipOf(user: PolicyQueryUser): Promise<string[]> {
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    return ownershipEntityRefs;
  }

  private async isAdmin(user: PolicyQueryUser): Promise<boolean> {
    const refs = await this.ownershipOf(user);
    return refs.some(ref =>
      this.adminGroups.has(ref.toLocaleLowerCase('en-US')),
    );
  }
}

/** @internal */
export const permissionModuleDemoPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'demo-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
        policy: policyExtensionPoint,
      },
      async init({ config, userInfo, policy }) {
        const adminGroups = new Set(
          (
            config.getOptionalStringArray('demo.permission.adminGroups') ?? []
          ).map(ref => ref.toLocaleLowerCase('en-US')),
        );
        policy.setPolicy(new DemoPermissionPolicy(adminGroups, userInfo));
      },
    });
  },
});
