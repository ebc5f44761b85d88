import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { ReportQuery } from '@service-catalogue/plugin-service-catalogue-common';
import express from 'express';
import { createOpenApiRouter } from '../schema/openapi';
import { ReportService } from './ReportService';

type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/**
 * The `/reports/*` endpoints. The validated router has refused queries that
 * do not match the spec; the service checks the rest.
 *
 * @internal
 */
export function addReportRoutes(
  router: ApiRouter,
  options: {
    reports: ReportService;
    userCredentials: (
      req: express.Request,
    ) => Promise<BackstageCredentials<BackstageUserPrincipal>>;
  },
): void {
  const { reports, userCredentials } = options;
  const filters = (query: Record<string, unknown>): ReportQuery => ({
    from: query.from as string | undefined,
    to: query.to as string | undefined,
    category: query.category as string | undefined,
    owner: query.owner as string | undefined,
  });

  router.get('/reports/volume', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await reports.volume(
        { ...filters(req.query), bucket: req.query.bucket },
        credentials,
      ),
    );
  });

  router.get('/reports/delivery', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.delivery(filters(req.query), credentials));
  });

  router.get('/reports/sla', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.sla(filters(req.query), credentials));
  });

  router.get('/reports/sla/breaches', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await reports.slaBreaches(
        {
          ...filters(req.query),
          limit: req.query.limit ? Number(req.query.limit) : undefined,
          offset: req.query.offset ? Number(req.query.offset) : undefined,
        },
        credentials,
      ),
    );
  });

  router.get('/reports/offerings', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.offerings(filters(req.query), credentials));
  });

  router.get('/reports/automation', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.automation(filters(req.query), credentials));
  });

  router.get('/reports/approvals', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.approvals(filters(req.query), credentials));
  });

  router.get('/reports/access', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.access(filters(req.query), credentials));
  });
}
