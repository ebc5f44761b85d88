import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { serviceCatalogueAdministerPermission } from '@service-catalogue/plugin-service-catalogue-common';
import { normalizeClaims, normalizeRef } from './refs';

/**
 * Who fulfils an offering's requests and looks after its grants: the
 * offering's owners, the service desk (`serviceCatalogue.desk.groups`) and
 * whoever the permission policy lets administer the service catalogue.
 *
 * @internal
 */
export class Fulfillers {
  static fromConfig(
    config: Config,
    options: { userInfo: UserInfoService; permissions: PermissionsService },
  ): Fulfillers {
    const key = 'serviceCatalogue.desk.groups';
    return new Fulfillers(
      new Set(
        (config.getOptionalStringArray(key) ?? []).map(ref =>
          normalizeRef(ref, { field: key, defaultKind: 'group' }),
        ),
      ),
      options.userInfo,
      options.permissions,
    );
  }

  private constructor(
    readonly deskGroups: Set<string>,
    private readonly userInfo: UserInfoService,
    private readonly permissions: PermissionsService,
  ) {}

  /** Whether the caller fulfils for this owner. */
  async include(
    ownerRef: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<boolean> {
    const own = await this.claimsOf(credentials);
    if (own.has(ownerRef) || [...this.deskGroups].some(g => own.has(g))) {
      return true;
    }
    return this.administers(credentials);
  }

  /** The desk and administrators fulfil for every owner. */
  async forEveryone(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<boolean> {
    const own = await this.claimsOf(credentials);
    return (
      [...this.deskGroups].some(g => own.has(g)) ||
      (await this.administers(credentials))
    );
  }

  /** The caller and their groups, normalised. */
  async claimsOf(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<Set<string>> {
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      credentials,
    );
    return normalizeClaims(ownershipEntityRefs);
  }

  private async administers(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize(
      [{ permission: serviceCatalogueAdministerPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }
}
