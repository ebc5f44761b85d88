import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  PermissionCriteria,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import {
  ServiceRequest,
  serviceCatalogueRequestReadPermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { RequestFilter, requestPermissionResourceRef } from '../permissions';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * What the permission policy lets a caller read of a list: everything, a
 * filter the database applies, or nothing.
 *
 * @internal
 */
export type ReadableRequests =
  | { result: 'all' }
  | { result: 'none' }
  | { result: 'some'; filter: PermissionCriteria<RequestFilter> };

/**
 * The permission framework as the use-case services ask it: whether a
 * caller may do something, to one request or in general, and which
 * requests a list may show them.
 *
 * @internal
 */
export class RequestAccess {
  static create(options: {
    permissions: PermissionsService;
    permissionsRegistry: PermissionsRegistryService;
  }): RequestAccess {
    return new RequestAccess(options.permissions, options.permissionsRegistry);
  }

  private constructor(
    private readonly permissions: PermissionsService,
    private readonly registry: PermissionsRegistryService,
  ) {}

  /**
   * The read permission's decision for a list, with its conditions turned
   * into a filter on the store's rows, so that pages and totals are those
   * of what the caller may read.
   */
  async readable(credentials: UserCredentials): Promise<ReadableRequests> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission: serviceCatalogueRequestReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      const transform = createConditionTransformer(
        this.registry.getPermissionRuleset(requestPermissionResourceRef),
      );
      return { result: 'some', filter: transform(decision.conditions) };
    }
    return {
      result: decision.result === AuthorizeResult.ALLOW ? 'all' : 'none',
    };
  }

  /** The requests the permission policy lets the caller read, in one call. */
  async readableOnly(
    requests: ServiceRequest[],
    credentials: UserCredentials,
  ): Promise<ServiceRequest[]> {
    if (requests.length === 0) {
      return [];
    }
    const decisions = await this.permissions.authorize(
      requests.map(request => ({
        permission: serviceCatalogueRequestReadPermission,
        resourceRef: request.id,
      })),
      { credentials },
    );
    return requests.filter(
      (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
    );
  }

  async require(
    permission: BasicPermission,
    credentials: UserCredentials,
  ): Promise<void> {
    if (!(await this.allowed(permission, undefined, credentials))) {
      throw new NotAllowedError(`You may not ${permission.name}`);
    }
  }

  async requireOn(
    permission: ResourcePermission,
    request: ServiceRequest,
    credentials: UserCredentials,
  ): Promise<void> {
    if (!(await this.allowed(permission, request, credentials))) {
      // service-catalogue.request.cancel → "cancel"
      const verb = permission.name.split('.').pop();
      throw new NotAllowedError(
        `You may not ${verb} ${request.trackingNumber} (${permission.name})`,
      );
    }
  }

  async allowed(
    permission: ResourcePermission | BasicPermission,
    request: ServiceRequest | undefined,
    credentials: UserCredentials,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize(
      [
        permission.type === 'resource' && request
          ? { permission, resourceRef: request.id }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }
}
