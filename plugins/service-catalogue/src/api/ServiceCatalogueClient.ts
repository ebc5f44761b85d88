import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ListCategoriesResponse,
  ListOfferingsResponse,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';
import { GetOfferingOptions, ServiceCatalogueApi } from './ServiceCatalogueApi';

/**
 * The default {@link ServiceCatalogueApi}, talking to the backend over HTTP.
 *
 * @public
 */
export class ServiceCatalogueClient implements ServiceCatalogueApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getCategories(): Promise<ListCategoriesResponse> {
    return this.request<ListCategoriesResponse>('/categories');
  }

  async getOfferings(): Promise<ListOfferingsResponse> {
    return this.request<ListOfferingsResponse>('/offerings');
  }

  async getOffering(options: GetOfferingOptions): Promise<OfferingSummary> {
    // Names are entity names and safe in practice, but encoding keeps a
    // malformed value from reaching another route of the backend.
    const namespace = encodeURIComponent(options.namespace);
    const name = encodeURIComponent(options.name);
    return this.request<OfferingSummary>(`/offerings/${namespace}/${name}`);
  }

  private async request<T>(path: string): Promise<T> {
    // Resolved on every call rather than cached: discovery may move the
    // backend between calls, and the implementation caches where it can.
    const baseUrl = await this.discoveryApi.getBaseUrl('service-catalogue');
    // fetchApi, not the global fetch, so that the user's token is attached.
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
