import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Fulfillers } from './Fulfillers';
import { normalizeRef } from './refs';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

const MANAGER_ANNOTATION = 'service-catalogue.io/manager';

/**
 * Who people are, as the catalog knows them: the users a request names,
 * who manages whom, and who belongs to the groups the configuration names.
 *
 * @internal
 */
export class People {
  static fromConfig(
    config: Config,
    options: {
      catalog: CatalogService;
      auth: AuthService;
      fulfillers: Fulfillers;
    },
  ): People {
    const key = 'serviceCatalogue.delegation.keyUsers';
    return new People(
      options,
      new Set(
        (config.getOptionalStringArray(key) ?? []).map(ref =>
          normalizeRef(ref, { field: key, defaultKind: 'user' }),
        ),
      ),
      config.getOptionalString(
        'serviceCatalogue.approvals.managerAnnotation',
      ) ?? MANAGER_ANNOTATION,
    );
  }

  private constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      fulfillers: Fulfillers;
    },
    /** Who may request delegated offerings for anyone. */
    readonly keyUsers: Set<string>,
    /** The User annotation that names someone's manager. */
    readonly managerAnnotation: string,
  ) {}

  /** A colleague named in a request must be a user the catalog knows. */
  async knownUser(userRef: string, field: string = 'forUser'): Promise<Entity> {
    const user = userRef.startsWith('user:')
      ? await this.deps.catalog.getEntityByRef(userRef, {
          credentials: await this.deps.auth.getOwnServiceCredentials(),
        })
      : undefined;
    if (!user) {
      throw new InputError(`${field}: ${userRef} is not a known user`);
    }
    return user;
  }

  async managesSomeone(userRef: string): Promise<boolean> {
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: {
          kind: 'User',
          [`metadata.annotations.${this.managerAnnotation}`]: userRef,
        },
        fields: ['metadata.name'],
        limit: 1,
      },
      { credentials: await this.deps.auth.getOwnServiceCredentials() },
    );
    return items.length > 0;
  }

  async isMemberOfAny(
    credentials: UserCredentials,
    refs: Set<string>,
  ): Promise<boolean> {
    if (refs.size === 0) {
      return false;
    }
    const claims = await this.deps.fulfillers.claimsOf(credentials);
    return [...claims].some(ref => refs.has(ref));
  }
}
