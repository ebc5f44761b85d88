import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  DecideReviewLinesBody,
  DecideReviewLinesResponse,
  ListReviewCampaignsQuery,
  ListReviewCampaignsResponse,
  ListReviewLinesQuery,
  ListReviewLinesResponse,
  ReviewCampaign,
  ReviewCampaignReport,
  ReviewLine,
  ReviewScope,
  StartReviewCampaignBody,
  serviceCatalogueAdministerPermission,
  serviceCatalogueReviewCreatePermission,
  serviceCatalogueReviewDecidePermission,
  serviceCatalogueReviewReadPermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { DelegationStore } from '../database/DelegationStore';
import { ReviewStore } from '../database/ReviewStore';
import { RequestAccess } from '../requests/access';
import { audited } from '../requests/audit';
import { Fulfillers } from '../requests/Fulfillers';
import { offeringTitle, ownerOf } from '../requests/offeringSpec';
import { normalizeRef, userRefOf } from '../requests/refs';
import { RequestNotifier } from '../requests/RequestNotifier';
import { UserCredentials } from '../requests/useCase';
import { CampaignOpener } from './CampaignOpener';
import { decodeReviewCursor, encodeReviewCursor } from './cursor';
import { GrantOutcome, ReviewDecisions } from './ReviewDecisions';
import { reviewerToDecideFor } from './whoMayReview';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
const MAX_LINES_PER_DECISION = 100;

/** What ReviewService works with. */
type ReviewServiceDeps = {
  reviews: ReviewStore;
  opener: CampaignOpener;
  decisions: ReviewDecisions;
  offerings: OfferingCatalogue;
  fulfillers: Fulfillers;
  access: RequestAccess;
  delegations: DelegationStore;
  notifier: RequestNotifier;
  auditor: AuditorService;
  logger: LoggerService;
};

/**
 * Access reviews as people use them: reviewers list and decide the lines
 * waiting for them; owners and administrators open campaigns by hand; they
 * and the desk read campaigns and their reports.
 *
 * @internal
 */
export class ReviewService {
  static create(deps: ReviewServiceDeps): ReviewService {
    return new ReviewService(deps);
  }

  private constructor(private readonly deps: ReviewServiceDeps) {}

  /** The lines the caller may decide now, by line id. */
  async listLines(
    query: ListReviewLinesQuery & { credentials: UserCredentials },
  ): Promise<ListReviewLinesResponse> {
    const { credentials } = query;
    await this.deps.access.require(
      serviceCatalogueReviewReadPermission,
      credentials,
    );
    const userRef = userRefOf(credentials);
    const key = decodeReviewCursor('review lines', query.cursor, 2, {
      firstIsDate: true,
    });
    const now = new Date();
    const delegators = await this.deps.delegations.listDelegatorsOf({
      delegateRef: userRef,
      at: now,
    });
    const page = await this.deps.reviews.listDecidableLines({
      now,
      reviewerRefs: [userRef, ...delegators],
      unreviewed: await this.administers(credentials),
      notHolderRef: userRef,
      campaignId: query.campaignId,
      offeringRef: query.offeringRef
        ? normalizeRef(query.offeringRef, {
            field: 'offeringRef',
            defaultKind: 'offering',
          })
        : undefined,
      targetRef: query.targetRef
        ? normalizeRef(query.targetRef, {
            field: 'targetRef',
            defaultKind: 'resource',
          })
        : undefined,
      holder: query.holder?.trim() || undefined,
      after: key && { deadlineAt: key[0], id: key[1] },
      limit: limitOf(query.limit),
    });
    return {
      items: page.items,
      ...(page.next
        ? {
            nextCursor: encodeReviewCursor('review lines', [
              page.next.deadlineAt,
              page.next.id,
            ]),
          }
        : {}),
    };
  }

  /**
   * One decision for up to 100 lines, each on its own: a line the caller
   * may not decide, or that was decided meanwhile, fails alone.
   */
  async decide(
    body: DecideReviewLinesBody & { credentials: UserCredentials },
  ): Promise<DecideReviewLinesResponse> {
    const { credentials } = body;
    const userRef = userRefOf(credentials);
    const reason = body.reason?.trim() || undefined;
    if (
      body.lineIds.length === 0 ||
      body.lineIds.length > MAX_LINES_PER_DECISION
    ) {
      throw new InputError(
        `lineIds: between 1 and ${MAX_LINES_PER_DECISION} lines at a time`,
      );
    }
    if (body.decision !== 'keep' && body.decision !== 'revoke') {
      throw new InputError('decision: keep or revoke');
    }
    if (body.decision === 'revoke' && !reason) {
      throw new InputError('reason: say why the access is revoked');
    }
    return audited(
      this.deps.auditor,
      {
        eventId: 'review-decide',
        meta: {
          lineIds: body.lineIds,
          decision: body.decision,
          actorRef: userRef,
        },
        outcome: response => ({
          decided: response.results.filter(r => 'line' in r).length,
          failed: response.results.filter(r => 'error' in r).length,
        }),
      },
      async () => {
        await this.deps.access.require(
          serviceCatalogueReviewDecidePermission,
          credentials,
        );
        const now = new Date();
        const delegators = await this.deps.delegations.listDelegatorsOf({
          delegateRef: userRef,
          at: now,
        });
        const administrator = await this.administers(credentials);
        const results: DecideReviewLinesResponse['results'] = [];
        for (const lineId of [...new Set(body.lineIds)]) {
          try {
            const line = await this.decideOne({
              lineId,
              decision: body.decision,
              reason,
              userRef,
              delegators,
              administrator,
            });
            results.push({ lineId, line });
          } catch (error) {
            results.push({ lineId, error: this.failureOf(lineId, error) });
          }
        }
        return { results };
      },
    );
  }

  async listCampaigns(
    query: ListReviewCampaignsQuery & { credentials: UserCredentials },
  ): Promise<ListReviewCampaignsResponse> {
    const { credentials } = query;
    await this.deps.access.require(
      serviceCatalogueReviewReadPermission,
      credentials,
    );
    const key = decodeReviewCursor('review campaigns', query.cursor, 2, {
      firstIsDate: true,
    });
    const ownerRefs = (await this.deps.fulfillers.forEveryone(credentials))
      ? undefined
      : [...(await this.deps.fulfillers.claimsOf(credentials))];
    const page = await this.deps.reviews.listCampaigns({
      ownerRefs,
      state: query.state,
      after: key ? { openedAt: key[0], id: key[1] } : undefined,
      limit: limitOf(query.limit),
    });
    return {
      items: page.items,
      ...(page.next
        ? {
            nextCursor: encodeReviewCursor('review campaigns', [
              page.next.openedAt,
              page.next.id,
            ]),
          }
        : {}),
    };
  }

  async getCampaign(options: {
    campaignId: string;
    credentials: UserCredentials;
  }): Promise<ReviewCampaign> {
    await this.deps.access.require(
      serviceCatalogueReviewReadPermission,
      options.credentials,
    );
    const campaign = await this.deps.reviews.getCampaign(options.campaignId);
    if (!campaign || !(await this.sees(campaign, options.credentials))) {
      throw new NotFoundError(`No review campaign ${options.campaignId}`);
    }
    return campaign;
  }

  async report(options: {
    campaignId: string;
    credentials: UserCredentials;
  }): Promise<ReviewCampaignReport> {
    const campaign = await this.getCampaign(options);
    return {
      campaign,
      lines: await this.deps.reviews.listCampaignLines(campaign.id),
      events: await this.deps.reviews.listEvents(campaign.id),
    };
  }

  /** Opens a campaign by hand, for an offering or what a group owns. */
  async start(
    body: StartReviewCampaignBody & { credentials: UserCredentials },
  ): Promise<ReviewCampaign> {
    const { credentials } = body;
    const userRef = userRefOf(credentials);
    await this.deps.access.require(
      serviceCatalogueReviewCreatePermission,
      credentials,
    );
    const { scope, offerings } = await this.scopeOf(body.scope, credentials);
    // Not the desk, which fulfils for every owner: a review is its owners'
    // to hold.
    const claims = (await this.administers(credentials))
      ? undefined
      : await this.deps.fulfillers.claimsOf(credentials);
    for (const ownerRef of new Set(offerings.map(o => ownerOf(o)))) {
      if (claims && !claims.has(ownerRef)) {
        throw new NotAllowedError(
          `Only the owners of what a campaign covers and administrators open it; ${ownerRef} owns some of it`,
        );
      }
    }
    const campaign = await this.deps.opener.open({
      scope,
      offerings,
      trigger: 'manual',
      actorRef: userRef,
      now: new Date(),
      title: body.title,
      deadline: body.deadline,
    });
    return campaign!;
  }

  private async scopeOf(scope: ReviewScope, credentials: UserCredentials) {
    if (scope.kind === 'offering') {
      const offeringRef = normalizeRef(scope.offeringRef, {
        field: 'scope.offeringRef',
        defaultKind: 'offering',
      });
      const offering = await this.deps.offerings.getOfferingEntity({
        entityRef: offeringRef,
        credentials,
        asFulfiller: true,
      });
      if (!offering.spec.grant) {
        throw new InputError(
          `${offeringTitle(
            offering,
          )} is a one-off service and leaves no grant to review`,
        );
      }
      return {
        scope: { kind: 'offering' as const, offeringRef },
        offerings: [offering],
      };
    }
    if (scope.kind === 'owner') {
      const ownerRef = normalizeRef(scope.ownerRef, {
        field: 'scope.ownerRef',
        defaultKind: 'group',
      });
      const offerings = (
        await this.deps.offerings.listOfferingEntities({ credentials })
      ).filter(o => o.spec.grant && ownerOf(o) === ownerRef);
      if (offerings.length === 0) {
        throw new InputError(
          `${ownerRef} owns no offering that leaves grants to review`,
        );
      }
      return { scope: { kind: 'owner' as const, ownerRef }, offerings };
    }
    throw new InputError('scope: an offering or an owner');
  }

  private async decideOne(options: {
    lineId: string;
    decision: ReviewLine['onUndecided'];
    reason?: string;
    userRef: string;
    delegators: string[];
    administrator: boolean;
  }): Promise<ReviewLine> {
    const { lineId, userRef } = options;
    const outcome: GrantOutcome = await this.deps.reviews.transaction(
      async tx => {
        const line = await this.deps.reviews.lockLine(tx, lineId);
        if (!line) {
          throw new NotFoundError(`No review line ${lineId}`);
        }
        const now = new Date();
        const may = reviewerToDecideFor({
          line,
          campaignState: line.campaignState,
          now,
          userRef,
          delegators: options.delegators,
          administrator: options.administrator,
        });
        if (!may.may) {
          throw refusal(may.why, line);
        }
        return this.deps.decisions.record(tx, line, {
          decision: options.decision,
          actorRef: userRef,
          decidedForRef: may.decidedForRef,
          reason: options.reason,
          automatic: false,
          now,
        });
      },
    );
    const decided = (await this.deps.reviews.getLine(lineId))!;
    if (outcome === 'revoked' && decided.grantState === 'ended') {
      await this.tellHolder(decided);
    }
    return decided;
  }

  /**
   * The holder hears of a revoke that ended their access at once; one that
   * runs a revoke template is told when it ran.
   */
  private async tellHolder(line: ReviewLine): Promise<void> {
    await this.deps.notifier.send({
      to: [line.holderRef],
      title: `Your access ended: ${line.offeringTitle}`,
      description: `An access review revoked it${
        line.reason ? `: ${line.reason}` : '.'
      }`,
      link: '/service-catalogue/access',
      topic: 'service-catalogue-grant',
      scope: line.grantId,
      about: `grant ${line.grantId}`,
    });
  }

  /**
   * A refusal says why; anything else, such as the database's own errors,
   * is logged and stays out of the response, whose text it would leak.
   */
  private failureOf(
    lineId: string,
    error: unknown,
  ): { name: string; message: string } {
    if (error instanceof CustomErrorBase) {
      return { name: error.name, message: error.message };
    }
    this.deps.logger.error(
      `Could not record the decision on review line ${lineId}`,
      error as Error,
    );
    return {
      name: 'Error',
      message: 'The decision could not be recorded; try again later',
    };
  }

  private async sees(
    campaign: ReviewCampaign,
    credentials: UserCredentials,
  ): Promise<boolean> {
    if (await this.deps.fulfillers.forEveryone(credentials)) {
      return true;
    }
    const claims = await this.deps.fulfillers.claimsOf(credentials);
    return campaign.ownerRefs.some(ref => claims.has(ref));
  }

  private administers(credentials: UserCredentials): Promise<boolean> {
    return this.deps.access.allowed(
      serviceCatalogueAdministerPermission,
      undefined,
      credentials,
    );
  }
}

function refusal(
  why: 'own' | 'decided' | 'closed' | 'past-deadline' | 'not-reviewer',
  line: ReviewLine,
): Error {
  switch (why) {
    case 'own':
      return new NotAllowedError(
        `Nobody reviews their own access: ${line.offeringTitle} of ${line.holderRef}`,
      );
    case 'decided':
      return new ConflictError(
        `${line.offeringTitle} of ${line.holderRef} was already decided: ${line.decision}`,
      );
    case 'closed':
      return new ConflictError(`The campaign ${line.campaignTitle} is closed`);
    case 'past-deadline':
      return new ConflictError(
        `The review closed at its deadline, ${line.deadlineAt}: ${line.offeringTitle} of ${line.holderRef} follows the offering's rule`,
      );
    default:
      return new NotAllowedError(
        `You do not review ${line.offeringTitle} of ${line.holderRef}`,
      );
  }
}

function limitOf(limit: number | undefined): number {
  if (limit === undefined) {
    return DEFAULT_LIMIT;
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InputError(`limit: between 1 and ${MAX_LIMIT}`);
  }
  return limit;
}
