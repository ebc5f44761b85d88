import { JsonObject } from '@backstage/types';
import { RequestAction, RequestState } from './stateMachine';
import {
  CommentVisibility,
  RequestApprovalStage,
  RequestComment,
  RequestEvent,
  ServiceRequest,
} from './types';

/**
 * Body of `POST /requests`.
 *
 * @public
 */
export interface SubmitRequestBody {
  /** Entity ref of the offering, such as `offering:default/vpn-access`. */
  offeringRef: string;
  /**
   * Entity ref of the colleague the request is for, where the offering's
   * request mode allows it. Defaults to the caller.
   */
  forUser?: string;
  formValues: JsonObject;
}

/**
 * Query of `GET /requests`.
 *
 * @public
 */
export interface ListRequestsQuery {
  state?: RequestState[];
  /** The tracking number, or part of the offering's title or ref. */
  search?: string;
  limit?: number;
  offset?: number;
  /** The `nextCursor` of the previous page, instead of an offset. */
  cursor?: string;
}

/**
 * Response of `GET /requests`, `GET /approvals` and `GET /approvals/history`.
 *
 * @public
 */
export interface ListRequestsResponse {
  items: ServiceRequest[];
  totalCount: number;
  /**
   * On lists paged by cursor, while more follow: what asks for the next
   * page.
   */
  nextCursor?: string;
  /**
   * On lists paged by cursor: true when more requests match than
   * `totalCount`, where the backend stopped counting.
   */
  totalCountCapped?: boolean;
}

/**
 * Query of `GET /approvals` and `GET /approvals/history`: a page by
 * cursor, as the list's `nextCursor` gave it; the first page without.
 *
 * @public
 */
export interface ListApprovalsQuery {
  cursor?: string;
  limit?: number;
}

/**
 * Response of `GET /requests/{requestId}`: a request as the caller may see
 * it.
 *
 * @public
 */
export interface RequestDetails {
  request: ServiceRequest;
  comments: RequestComment[];
  events: RequestEvent[];
  /**
   * What the caller may do now, from the state machine and their role:
   * `assign` (take or give a manual request) is the desk's.
   */
  actions: Array<RequestAction | 'comment' | 'assign'>;
  /** Whether the caller sees, and may write, internal comments. */
  seesInternal: boolean;
}

/**
 * One line of the log of a request's provisioning task.
 *
 * @public
 */
export interface TaskLogLine {
  at: string;
  /** The template step that wrote it, if a step did. */
  stepId?: string;
  /** The step's status when it wrote it: processing, completed, failed… */
  status?: string;
  message: string;
}

/**
 * Body of `GET /requests/{requestId}/task-log`: the log of the scaffolder
 * task that provisions the request, for everyone who may read the request.
 *
 * @public
 */
export interface RequestTaskLog {
  taskId: string;
  lines: TaskLogLine[];
}

/**
 * Body of `POST /requests/{requestId}/decisions`.
 *
 * @public
 */
export interface DecideRequestBody {
  decision: 'approve' | 'reject';
  comment?: string;
  /**
   * The stage the caller saw, from zero. When the request has moved past it
   * the backend refuses the decision (409) rather than apply it to a stage
   * the caller never looked at.
   */
  stageIndex?: number;
}

/**
 * Body of `POST /requests/{requestId}/comments`.
 *
 * @public
 */
export interface AddCommentBody {
  body: string;
  visibility: CommentVisibility;
}

/**
 * An approval stage as routing resolves it, before anyone decided.
 *
 * @public
 */
export type AnticipatedStage = Omit<
  RequestApprovalStage,
  'decisions' | 'status'
>;

/**
 * Response of `GET /offerings/{namespace}/{name}/approvers`.
 *
 * @public
 */
export interface AnticipatedApprovers {
  requesterRef: string;
  stages: AnticipatedStage[];
}

/**
 * Response of `GET /offerings/{namespace}/{name}/request-options`: whom the
 * caller may request the offering for, under its request mode.
 *
 * @public
 */
export interface RequestOptions {
  /** For themselves. */
  forSelf: boolean;
  /** For a colleague (`forUser`): their reports or anyone, by mode. */
  forOthers: boolean;
  /** Why the caller may not request it at all, when they may not. */
  explanation?: string;
}

/**
 * An approver lets a delegate decide for them during a period.
 *
 * @public
 */
export interface ApprovalDelegation {
  id: string;
  approverRef: string;
  delegateRef: string;
  startsAt: string;
  endsAt: string;
  reason?: string;
}

/**
 * Body of `POST /delegations`.
 *
 * @public
 */
export interface CreateDelegationBody {
  delegateRef: string;
  startsAt: string;
  endsAt: string;
  reason?: string;
}

/**
 * Response of `GET /delegations`.
 *
 * @public
 */
export interface ListDelegationsResponse {
  items: ApprovalDelegation[];
}

/**
 * The signal channel on which the backend tells open pages that a request
 * changed; the message is a {@link RequestChangedSignal}.
 *
 * @public
 */
export const REQUEST_SIGNAL_CHANNEL = 'service-catalogue:requests';

/**
 * The message of {@link REQUEST_SIGNAL_CHANNEL}.
 *
 * @public
 */
export interface RequestChangedSignal {
  requestId: string;
  trackingNumber: string;
  state: RequestState;
  version: number;
}

/**
 * The events topic on which the catalog module says that a user's groups
 * changed, or that they were marked as gone; the backend reconciles their
 * access soon after rather than at its next scheduled run. The payload is a
 * {@link UserChangedEvent}.
 *
 * @public
 */
export const USER_CHANGED_TOPIC = 'service-catalogue.user-changed';

/**
 * The payload of {@link USER_CHANGED_TOPIC}.
 *
 * @public
 */
export interface UserChangedEvent {
  entityRef: string;
}
