import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  DEFAULT_NAMESPACE,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import {
  GateCheckBody,
  GateCheckResult,
  Grant,
  ListCategoriesResponse,
  ListGrantsQuery,
  ListGrantsResponse,
  ListOfferingsResponse,
  RecordGrantBody,
  OFFERING_KIND,
  OfferingSummary,
  ServiceRequest,
  SubmitRequestBody,
} from '@service-catalogue/plugin-service-catalogue-common';
import {
  ServiceCatalogueService,
  ServiceCatalogueServiceRequestOptions,
} from './ServiceCatalogueService';

const PLUGIN_ID = 'service-catalogue';

/**
 * Options for {@link DefaultServiceCatalogueService.create}.
 *
 * @public
 */
export interface DefaultServiceCatalogueServiceOptions {
  auth: AuthService;
  discovery: DiscoveryService;
}

/**
 * The default {@link ServiceCatalogueService}, which calls the service
 * catalogue backend over HTTP.
 *
 * @remarks
 *
 * It goes through the backend's HTTP API rather than reading the catalog
 * itself so that audience filtering stays in one place, the backend, and
 * callers see exactly what the user would see in the app.
 *
 * @public
 */
export class DefaultServiceCatalogueService implements ServiceCatalogueService {
  readonly #auth: AuthService;
  readonly #discovery: DiscoveryService;

  static create(
    options: DefaultServiceCatalogueServiceOptions,
  ): DefaultServiceCatalogueService {
    return new DefaultServiceCatalogueService(options);
  }

  private constructor(options: DefaultServiceCatalogueServiceOptions) {
    this.#auth = options.auth;
    this.#discovery = options.discovery;
  }

  async listCategories(
    options: ServiceCatalogueServiceRequestOptions,
  ): Promise<ListCategoriesResponse> {
    const response = await this.#get('/categories', options.credentials);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async listOfferings(
    options: ServiceCatalogueServiceRequestOptions,
  ): Promise<ListOfferingsResponse> {
    const response = await this.#get('/offerings', options.credentials);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getOffering(
    options: ServiceCatalogueServiceRequestOptions & {
      entityRef: string | CompoundEntityRef;
    },
  ): Promise<OfferingSummary | undefined> {
    const { namespace, name } = toOfferingRef(options.entityRef);
    const response = await this.#get(
      `/offerings/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
      options.credentials,
    );
    // The backend answers 404 both for unknown offerings and for those the
    // caller may not see, and the interface promises undefined for both.
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async submitRequest(
    options: ServiceCatalogueServiceRequestOptions & SubmitRequestBody,
  ): Promise<ServiceRequest> {
    const { credentials, ...body } = options;
    const response = await this.#call('/requests', credentials, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async listGrants(
    options: ServiceCatalogueServiceRequestOptions & ListGrantsQuery,
  ): Promise<Grant[]> {
    const query = new URLSearchParams();
    if (options.holderRef) {
      query.set('holderRef', options.holderRef);
    }
    if (options.offeringRef) {
      query.set('offeringRef', options.offeringRef);
    }
    for (const state of options.state ?? []) {
      query.append('state', state);
    }
    const search = query.toString();
    const response = await this.#get(
      `/grants${search ? `?${search}` : ''}`,
      options.credentials,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body: ListGrantsResponse = await response.json();
    return body.items;
  }

  async recordGrant(
    options: ServiceCatalogueServiceRequestOptions & RecordGrantBody,
  ): Promise<{ grant: Grant; created: boolean }> {
    const { credentials, ...body } = options;
    const response = await this.#call('/grants', credentials, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return { grant: await response.json(), created: response.status === 201 };
  }

  async revokeGrant(
    options: ServiceCatalogueServiceRequestOptions & {
      grantId: string;
      reason?: string;
    },
  ): Promise<Grant> {
    const response = await this.#call(
      `/grants/${encodeURIComponent(options.grantId)}/revoke`,
      options.credentials,
      {
        method: 'POST',
        body: JSON.stringify(options.reason ? { reason: options.reason } : {}),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async checkGate(
    options: ServiceCatalogueServiceRequestOptions & GateCheckBody,
  ): Promise<GateCheckResult> {
    const { credentials, ...body } = options;
    const response = await this.#call('/gate/checks', credentials, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async #get(path: string, credentials: BackstageCredentials) {
    return this.#call(path, credentials);
  }

  async #call(
    path: string,
    credentials: BackstageCredentials,
    init: { method?: string; body?: string } = {},
  ) {
    const baseUrl = await this.#discovery.getBaseUrl(PLUGIN_ID);
    // A token on behalf of the caller's credentials, not our own service
    // credentials, so that the backend filters offerings by the user's
    // audience rather than showing a service's view of everything.
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: PLUGIN_ID,
    });
    return fetch(`${baseUrl}${path}`, {
      ...init,
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      },
    });
  }
}

function toOfferingRef(entityRef: string | CompoundEntityRef) {
  const ref =
    typeof entityRef === 'string'
      ? parseEntityRef(entityRef, {
          defaultKind: OFFERING_KIND,
          defaultNamespace: DEFAULT_NAMESPACE,
        })
      : entityRef;
  // The backend can only look up offerings by namespace and name; without
  // this check a ref of another kind would silently read the offering that
  // happens to share its name.
  if (
    ref.kind.toLocaleLowerCase('en-US') !==
    OFFERING_KIND.toLocaleLowerCase('en-US')
  ) {
    throw new InputError(
      `Expected a ref of kind ${OFFERING_KIND}, got ${stringifyEntityRef(ref)}`,
    );
  }
  return ref;
}
