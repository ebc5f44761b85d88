import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  AnticipatedApprovers,
  ReportQuery,
  GateCheckResult,
  GateInitiator,
  RequestTaskLog,
  EntityAccess,
  ListDeparturesResponse,
  ListGrantsResponse,
  ListCategoriesResponse,
  ListDelegationsResponse,
  ListOfferingsResponse,
  ListRequestsResponse,
  OFFERING_KIND,
  OfferingSummary,
  RequestOptions,
  RequestState,
  ReviewDecision,
} from '@service-catalogue/plugin-service-catalogue-common';
import express from 'express';
import { CategoryRegistry } from '../catalogue/CategoryRegistry';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { GateKeeper } from '../gate/GateKeeper';
import { ApprovalService } from '../approvals/ApprovalService';
import { DeskService } from '../desk/DeskService';
import { EntityAccessService } from '../grants/EntityAccessService';
import { GrantService } from '../grants/GrantService';
import { SwapService } from '../grants/SwapService';
import { RequestService } from '../requests/RequestService';
import { SubmissionService } from '../requests/SubmissionService';
import { RequestTaskLogs } from '../requests/RequestTaskLogs';
import { ReportService } from '../reports/ReportService';
import { reportToCsv } from '../reviews/csv';
import { ReviewService } from '../reviews/ReviewService';
import { createOpenApiRouter } from '../schema/openapi';

/** @internal */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  categories: CategoryRegistry;
  offerings: OfferingCatalogue;
  submissions: SubmissionService;
  requests: RequestService;
  approvals: ApprovalService;
  desk: DeskService;
  grants: GrantService;
  swaps: SwapService;
  entityAccess: EntityAccessService;
  gate: GateKeeper;
  taskLogs: RequestTaskLogs;
  reports: ReportService;
  reviews: ReviewService;
}

/** Only the scaffolder, where the gate action runs, asks the gate. */
const SCAFFOLDER_SUBJECT = 'plugin:scaffolder';

/**
 * The HTTP API of openapi.yaml. The validated router has already refused
 * bodies and queries that do not match the spec with a 400; handlers only
 * read the caller's identity and hand over to the domain services.
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    categories,
    offerings,
    submissions,
    requests,
    approvals,
    desk,
    grants,
    swaps,
    entityAccess,
    gate,
    taskLogs,
    reports,
    reviews,
  } = options;
  const router = await createOpenApiRouter();

  // Requests are personal: only a signed-in person raises, reads or decides
  // one. Services are refused with 403 rather than acting for nobody.
  const userCredentials = (
    req: express.Request,
  ): Promise<BackstageCredentials<BackstageUserPrincipal>> =>
    httpAuth.credentials(req, { allow: ['user'] });

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
      entityRef: offeringRef(req.params),
      credentials,
    });
    res.json(body);
  });

  router.get('/offerings/:namespace/:name/approvers', async (req, res) => {
    const credentials = await userCredentials(req);
    const body: AnticipatedApprovers = await submissions.anticipateApprovers({
      offeringRef: offeringRef(req.params),
      forUserRef: req.query.forUser,
      credentials,
    });
    res.json(body);
  });

  router.get(
    '/offerings/:namespace/:name/request-options',
    async (req, res) => {
      const credentials = await userCredentials(req);
      const body: RequestOptions = await submissions.requestOptions({
        offeringRef: offeringRef(req.params),
        credentials,
      });
      res.json(body);
    },
  );

  router.get('/requests', async (req, res) => {
    const credentials = await userCredentials(req);
    const body: ListRequestsResponse = await requests.listMyRequests({
      credentials,
      states: req.query.state as RequestState[] | undefined,
      search: req.query.search,
      limit: req.query.limit ? Number(req.query.limit) : undefined,
      offset: req.query.offset ? Number(req.query.offset) : undefined,
      cursor: req.query.cursor,
    });
    res.json(body);
  });

  router.post('/requests', async (req, res) => {
    const credentials = await userCredentials(req);
    const request = await submissions.submit({
      offeringRef: req.body.offeringRef,
      forUserRef: req.body.forUser,
      // The spec only says it is an object; the form's schema checks the rest.
      formValues: req.body.formValues as JsonObject,
      credentials,
    });
    res.status(201).json(request);
  });

  router.get('/requests/:requestId', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await requests.getRequest({
        idOrTrackingNumber: req.params.requestId,
        credentials,
      }),
    );
  });

  router.get('/requests/:requestId/task-log', async (req, res) => {
    const credentials = await userCredentials(req);
    const body: RequestTaskLog = await taskLogs.get({
      idOrTrackingNumber: req.params.requestId,
      credentials,
    });
    res.json(body);
  });

  router.post('/requests/:requestId/decisions', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await approvals.decide({
        idOrTrackingNumber: req.params.requestId,
        decision: req.body.decision,
        comment: req.body.comment,
        stageIndex: req.body.stageIndex,
        credentials,
      }),
    );
  });

  router.post('/requests/:requestId/cancel', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await requests.cancel({
        idOrTrackingNumber: req.params.requestId,
        expectedVersion: req.body?.expectedVersion,
        credentials,
      }),
    );
  });

  router.post('/requests/:requestId/retry', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await desk.retry({
        idOrTrackingNumber: req.params.requestId,
        credentials,
      }),
    );
  });

  const reportFilters = (query: Record<string, unknown>): ReportQuery => ({
    from: query.from as string | undefined,
    to: query.to as string | undefined,
    category: query.category as string | undefined,
    owner: query.owner as string | undefined,
  });

  router.get('/reports/volume', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await reports.volume(
        { ...reportFilters(req.query), bucket: req.query.bucket },
        credentials,
      ),
    );
  });

  router.get('/reports/delivery', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.delivery(reportFilters(req.query), credentials));
  });

  router.get('/reports/sla', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.sla(reportFilters(req.query), credentials));
  });

  router.get('/reports/sla/breaches', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await reports.slaBreaches(
        {
          ...reportFilters(req.query),
          limit: req.query.limit ? Number(req.query.limit) : undefined,
          offset: req.query.offset ? Number(req.query.offset) : undefined,
        },
        credentials,
      ),
    );
  });

  router.get('/reports/offerings', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.offerings(reportFilters(req.query), credentials));
  });

  router.get('/reports/automation', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.automation(reportFilters(req.query), credentials));
  });

  router.get('/reports/approvals', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.approvals(reportFilters(req.query), credentials));
  });

  router.get('/reports/access', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await reports.access(reportFilters(req.query), credentials));
  });

  router.get('/queue', async (req, res) => {
    const credentials = await userCredentials(req);
    const body: ListRequestsResponse = await desk.listQueue({
      credentials,
      states: req.query.state as RequestState[] | undefined,
      offeringRef: req.query.offering,
      requesterRef: req.query.requester,
      assignee: req.query.assignee,
      breached:
        req.query.breached === undefined
          ? undefined
          : req.query.breached === 'true',
      order: req.query.order,
      limit: req.query.limit ? Number(req.query.limit) : undefined,
      offset: req.query.offset ? Number(req.query.offset) : undefined,
    });
    res.json(body);
  });

  router.post('/requests/:requestId/assign', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await desk.assign({
        idOrTrackingNumber: req.params.requestId,
        assigneeRef: req.body?.assigneeRef,
        expectedVersion: req.body?.expectedVersion,
        credentials,
      }),
    );
  });

  router.post('/requests/:requestId/complete', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await desk.finish({
        idOrTrackingNumber: req.params.requestId,
        outcome: 'complete',
        message: req.body?.note,
        credentials,
      }),
    );
  });

  router.post('/requests/:requestId/fail', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await desk.finish({
        idOrTrackingNumber: req.params.requestId,
        outcome: 'fail',
        message: req.body.reason,
        credentials,
      }),
    );
  });

  router.post('/requests/:requestId/comments', async (req, res) => {
    const credentials = await userCredentials(req);
    const comment = await requests.comment({
      idOrTrackingNumber: req.params.requestId,
      body: req.body.body,
      visibility: req.body.visibility,
      credentials,
    });
    res.status(201).json(comment);
  });

  router.get('/approvals', async (req, res) => {
    const credentials = await userCredentials(req);
    const body: ListRequestsResponse = await approvals.listAwaitingDecision({
      credentials,
      cursor: req.query.cursor,
      limit: req.query.limit ? Number(req.query.limit) : undefined,
    });
    res.json(body);
  });

  router.get('/approvals/history', async (req, res) => {
    const credentials = await userCredentials(req);
    const body: ListRequestsResponse = await approvals.listMyDecisions({
      credentials,
      cursor: req.query.cursor,
      limit: req.query.limit ? Number(req.query.limit) : undefined,
    });
    res.json(body);
  });

  router.get('/grants', async (req, res) => {
    const credentials = await userCredentials(req);
    const body: ListGrantsResponse = {
      items: await grants.list({
        credentials,
        holderRef: req.query.holderRef,
        offeringRef: req.query.offeringRef,
        states: req.query.state,
      }),
    };
    res.json(body);
  });

  router.post('/grants', async (req, res) => {
    const credentials = await userCredentials(req);
    const { grant, created } = await grants.record({
      ...req.body,
      credentials,
    });
    res.status(created ? 201 : 200).json(grant);
  });

  router.post('/offerings/:namespace/:name/swap', async (req, res) => {
    const credentials = await userCredentials(req);
    res.status(202).json(
      await swaps.startSwap({
        offeringRef: stringifyEntityRef({
          kind: OFFERING_KIND,
          namespace: req.params.namespace,
          name: req.params.name,
        }),
        toOfferingRef: req.body.toOfferingRef,
        credentials,
      }),
    );
  });

  router.get('/swaps/:swapId', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(await swaps.getSwap({ swapId: req.params.swapId, credentials }));
  });

  router.get('/departures', async (req, res) => {
    const credentials = await userCredentials(req);
    const body: ListDeparturesResponse = {
      items: await swaps.listDepartures({ credentials }),
    };
    res.json(body);
  });

  router.post('/grants/:grantId/extend', async (req, res) => {
    const credentials = await userCredentials(req);
    res.status(201).json(
      await grants.extend({
        grantId: req.params.grantId,
        reason: req.body?.reason,
        credentials,
      }),
    );
  });

  router.post('/grants/:grantId/revoke', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await grants.revoke({
        grantId: req.params.grantId,
        reason: req.body?.reason,
        credentials,
      }),
    );
  });

  router.get('/access/:kind/:namespace/:name', async (req, res) => {
    const credentials = await userCredentials(req);
    const body: EntityAccess = await entityAccess.entityAccess({
      entityRef: stringifyEntityRef(req.params),
      credentials,
    });
    res.json(body);
  });

  router.get('/delegations', async (req, res) => {
    const credentials = await userCredentials(req);
    const body: ListDelegationsResponse = {
      items: await approvals.listDelegations({ credentials }),
    };
    res.json(body);
  });

  router.post('/delegations', async (req, res) => {
    const credentials = await userCredentials(req);
    const delegation = await approvals.addDelegation({
      delegateRef: req.body.delegateRef,
      startsAt: req.body.startsAt,
      endsAt: req.body.endsAt,
      reason: req.body.reason,
      credentials,
    });
    res.status(201).json(delegation);
  });

  router.delete('/delegations/:delegationId', async (req, res) => {
    const credentials = await userCredentials(req);
    await approvals.removeDelegation({
      id: req.params.delegationId,
      credentials,
    });
    res.status(204).end();
  });

  router.get('/reviews/lines', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await reviews.listLines({
        campaignId: req.query.campaignId,
        offeringRef: req.query.offeringRef,
        targetRef: req.query.targetRef,
        holder: req.query.holder,
        cursor: req.query.cursor,
        limit: req.query.limit ? Number(req.query.limit) : undefined,
        credentials,
      }),
    );
  });

  router.post('/reviews/decisions', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await reviews.decide({
        lineIds: req.body.lineIds,
        decision: req.body.decision as ReviewDecision,
        reason: req.body.reason,
        credentials,
      }),
    );
  });

  router.get('/reviews/campaigns', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await reviews.listCampaigns({
        state: req.query.state,
        cursor: req.query.cursor,
        limit: req.query.limit ? Number(req.query.limit) : undefined,
        credentials,
      }),
    );
  });

  router.post('/reviews/campaigns', async (req, res) => {
    const credentials = await userCredentials(req);
    res.status(201).json(
      await reviews.start({
        scope: req.body.scope,
        deadline: req.body.deadline,
        title: req.body.title,
        credentials,
      }),
    );
  });

  router.get('/reviews/campaigns/:campaignId', async (req, res) => {
    const credentials = await userCredentials(req);
    res.json(
      await reviews.getCampaign({
        campaignId: req.params.campaignId,
        credentials,
      }),
    );
  });

  router.get('/reviews/campaigns/:campaignId/report', async (req, res) => {
    const credentials = await userCredentials(req);
    const report = await reviews.report({
      campaignId: req.params.campaignId,
      credentials,
    });
    if (req.query.format === 'csv') {
      // The typed router knows the JSON body only; CSV is the same report.
      (res as express.Response)
        .type('text/csv')
        .attachment(`access-review-${report.campaign.id}.csv`)
        .send(reportToCsv(report));
      return;
    }
    res.json(report);
  });

  router.post('/gate/checks', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    if (credentials.principal.subject !== SCAFFOLDER_SUBJECT) {
      throw new NotAllowedError('Only the scaffolder asks the gate');
    }
    const body: GateCheckResult = await gate.check({
      taskId: req.body.taskId,
      initiator: toInitiator(req.body.initiator),
    });
    res.json(body);
  });

  return router;
}

function toInitiator(initiator: {
  type: 'service' | 'user' | 'none';
  subject?: string;
  userEntityRef?: string;
}): GateInitiator {
  if (initiator.type === 'service' && initiator.subject) {
    return { type: 'service', subject: initiator.subject };
  }
  if (initiator.type === 'user' && initiator.userEntityRef) {
    return { type: 'user', userEntityRef: initiator.userEntityRef };
  }
  return { type: 'none' };
}

function offeringRef(params: { namespace: string; name: string }): string {
  return stringifyEntityRef({
    kind: OFFERING_KIND,
    namespace: params.namespace,
    name: params.name,
  });
}
