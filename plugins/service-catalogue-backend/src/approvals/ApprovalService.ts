import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  ListRequestsResponse,
  ServiceRequest,
  serviceCatalogueRequestDecidePermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { Delegation, DelegationStore } from '../database/DelegationStore';
import { auditedOnRequest } from '../requests/audit';
import { decodeCursor, withNextCursor } from '../requests/cursor';
import { People } from '../requests/People';
import { normalizeRef, userRefOf } from '../requests/refs';
import {
  approverToDecideFor,
  currentStageOf,
  isOwnRequest,
} from './whoMayDecide';
import { UseCaseDeps, UserCredentials } from '../requests/useCase';

const AWAITING = 'approvals';
const DECIDED = 'approvals/history';
const DEFAULT_PAGE_SIZE = 50;

/** What ApprovalService works with. */
type ApprovalServiceDeps = UseCaseDeps & {
  delegations: DelegationStore;
  people: People;
};

/**
 * Approvals: what waits for the caller's decision, what they decided,
 * deciding, and handing one's decisions to a delegate for a while.
 *
 * @internal
 */
export class ApprovalService {
  static create(deps: ApprovalServiceDeps): ApprovalService {
    return new ApprovalService(deps);
  }

  private constructor(private readonly deps: ApprovalServiceDeps) {}

  /**
   * A page of the requests waiting for the caller's decision, also as a
   * delegate, oldest first: the read permission's conditions and the rule
   * of who decides are the query's, so the page is `limit` requests the
   * caller can act on, whatever else waits.
   */
  async listAwaitingDecision(options: {
    credentials: UserCredentials;
    cursor?: string;
    limit?: number;
  }): Promise<ListRequestsResponse> {
    const after = decodeCursor(AWAITING, options.cursor);
    const readable = await this.deps.access.readable(options.credentials);
    if (readable.result === 'none') {
      return { items: [], totalCount: 0 };
    }
    const userRef = userRefOf(options.credentials);
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const page = await this.deps.store.listAwaitingDecision({
      userRef,
      delegatorRefs: await this.delegatorsOf(userRef),
      readable: readable.result === 'some' ? readable.filter : undefined,
      afterSequence: after?.sequence,
      limit,
    });
    return withNextCursor(AWAITING, page);
  }

  /** A page of the requests the caller decided on, newest first. */
  async listMyDecisions(options: {
    credentials: UserCredentials;
    cursor?: string;
    limit?: number;
  }): Promise<ListRequestsResponse> {
    const before = decodeCursor(DECIDED, options.cursor);
    const readable = await this.deps.access.readable(options.credentials);
    if (readable.result === 'none') {
      return { items: [], totalCount: 0 };
    }
    const page = await this.deps.store.listDecidedBy({
      userRef: userRefOf(options.credentials),
      readable: readable.result === 'some' ? readable.filter : undefined,
      beforeSequence: before?.sequence,
      limit: options.limit ?? DEFAULT_PAGE_SIZE,
    });
    return withNextCursor(DECIDED, page);
  }

  async decide(options: {
    idOrTrackingNumber: string;
    decision: 'approve' | 'reject';
    comment?: string;
    /** The stage the caller saw; a decision never lands on a later one. */
    stageIndex?: number;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    return auditedOnRequest(
      this.deps.auditor,
      'request-decide',
      options,
      async userRef => {
        const request = await this.deps.viewer.readable(options);
        await this.deps.access.requireOn(
          serviceCatalogueRequestDecidePermission,
          request,
          options.credentials,
        );
        const approverRef = await this.actingApprover(
          request,
          userRef,
          options.stageIndex,
        );
        const { request: decided, outcome } = await this.deps.lifecycle.decide({
          requestId: request.id,
          approverRef,
          decidedByRef: userRef,
          decision: options.decision,
          comment: options.comment?.trim() || undefined,
          // Without a stage from the caller, the one they could read: a
          // repeated call must not approve a later stage they never saw.
          expectedStage: options.stageIndex ?? request.currentStage,
        });

        const by =
          approverRef === userRef
            ? userRef
            : `${userRef} on behalf of ${approverRef}`;
        const headline: Record<typeof outcome, string> = {
          recorded: `approved by ${by}; more approvals are needed`,
          'stage-approved': `stage ${
            (request.currentStage ?? 0) + 1
          } approved by ${by}`,
          approved: `approved by ${by}`,
          rejected: `rejected by ${by}`,
        };
        let extended: string | undefined;
        if (decided.extendsGrantId && decided.state === 'DONE') {
          extended =
            'Your access lasts longer now; My access shows its new end.';
        } else if (decided.extendsGrantId && decided.state === 'FAILED') {
          extended = decided.failure?.message;
        }
        this.deps.notifier.later(decided.trackingNumber, async notifier => {
          await notifier.tell(decided, {
            to: [decided.requesterRef, decided.submittedByRef],
            title: `${decided.trackingNumber} ${headline[outcome]}`,
            description:
              [options.comment?.trim(), extended].filter(Boolean).join(' ') ||
              undefined,
            severity: outcome === 'rejected' ? 'high' : 'normal',
          });
          if (outcome === 'stage-approved') {
            await notifier.askApprovers(decided);
          }
        });
        return decided;
      },
      { decision: options.decision },
    );
  }

  async addDelegation(options: {
    delegateRef: string;
    startsAt: string;
    endsAt: string;
    reason?: string;
    credentials: UserCredentials;
  }): Promise<Delegation> {
    const delegateRef = normalizeRef(options.delegateRef, {
      field: 'delegateRef',
      defaultKind: 'user',
    });
    await this.deps.people.knownUser(delegateRef, 'delegateRef');
    return this.deps.delegations.addDelegation({
      approverRef: userRefOf(options.credentials),
      delegateRef,
      startsAt: options.startsAt,
      endsAt: options.endsAt,
      reason: options.reason,
    });
  }

  listDelegations(options: { credentials: UserCredentials }) {
    return this.deps.delegations.listDelegations({
      approverRef: userRefOf(options.credentials),
    });
  }

  removeDelegation(options: { id: string; credentials: UserCredentials }) {
    return this.deps.delegations.removeDelegation({
      id: options.id,
      approverRef: userRefOf(options.credentials),
    });
  }

  private delegatorsOf(userRef: string): Promise<string[]> {
    return this.deps.delegations.listDelegatorsOf({
      delegateRef: userRef,
      at: new Date(),
    });
  }

  /**
   * The approver a user decides for, by {@link approverToDecideFor}. When
   * there is none: someone whose voice on the stage is already counted
   * goes on, for the decision itself to refuse with what happened; someone
   * who could decide a stage the request has left is told where it is now
   * (ConflictError); someone who never could, is refused.
   */
  private async actingApprover(
    request: ServiceRequest,
    userRef: string,
    stageIndex: number | undefined,
  ): Promise<string> {
    const stage = currentStageOf(request);
    if (!stage) {
      // The decision explains why nobody can decide any more.
      return userRef;
    }
    const ownRequest = isOwnRequest(request, userRef);
    const delegators = ownRequest ? [] : await this.delegatorsOf(userRef);
    const approverRef = approverToDecideFor({ request, userRef, delegators });
    if (approverRef) {
      return approverRef;
    }
    const counted = stage.approvers.includes(userRef)
      ? userRef
      : stage.approvers.find(
          approver =>
            delegators.includes(approver) &&
            !stage.decisions.some(d => d.approverRef === approver),
        );
    if (counted) {
      return counted;
    }
    const left = request.stages
      .filter(
        earlier =>
          earlier.index < stage.index &&
          (stageIndex === undefined || earlier.index === stageIndex) &&
          earlier.approvers.some(
            approver => approver === userRef || delegators.includes(approver),
          ),
      )
      .pop();
    if (left) {
      throw new ConflictError(
        `Stage ${left.index + 1} of ${
          request.trackingNumber
        } takes no more decisions; it is at stage ${stage.index + 1} now`,
      );
    }
    if (request.requesterRef === userRef) {
      throw new NotAllowedError(
        `You cannot approve your own request ${request.trackingNumber}`,
      );
    }
    if (request.submittedByRef === userRef) {
      throw new NotAllowedError(
        `You submitted ${request.trackingNumber} and cannot approve it`,
      );
    }
    throw new NotAllowedError(
      `You are not an approver of stage ${stage.index + 1} of ${
        request.trackingNumber
      }`,
    );
  }
}
