import { HttpAuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ListCategoriesResponse,
  ListOfferingsResponse,
  OFFERING_KIND,
  OfferingSummary,
} from '@service-catalogue/plugin-service-catalogue-common';
import express from 'express';
import { CategoryRegistry } from '../catalogue/CategoryRegistry';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { createOpenApiRouter } from '../schema/openapi';

/** @internal */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  categories: CategoryRegistry;
  offerings: OfferingCatalogue;
}

/** @internal */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, categories, offerings } = options;
  const router = await createOpenApiRouter();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/categories', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: ListCategoriesResponse = { items: categories.list() };
    res.json(body);
  });

  router.get('/offerings', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body: ListOfferingsResponse = {
      items: await offerings.listOfferings({ credentials }),
    };
    res.json(body);
  });

  router.get('/offerings/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body: OfferingSummary = await offerings.getOffering({
      entityRef: stringifyEntityRef({
        kind: OFFERING_KIND,
        namespace: req.params.namespace,
        name: req.params.name,
      }),
      credentials,
    });
    res.json(body);
  });

  return router;
}
