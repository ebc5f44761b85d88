import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ApprovalService } from '../approvals/ApprovalService';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { GrantService } from '../grants/GrantService';
import { RequestService } from '../requests/RequestService';
import { SubmissionService } from '../requests/SubmissionService';
import { ReviewService } from '../reviews/ReviewService';
import { registerApprovalActions } from './approvalActions';
import { registerGrantActions } from './grantActions';
import { registerOfferingActions } from './offeringActions';
import { registerRequestActions } from './requestActions';
import { registerReviewActions } from './reviewActions';

/**
 * Registers the service catalogue's actions on the actions registry, from
 * which `@backstage/plugin-mcp-actions-backend` serves them to AI
 * assistants. They call the use-case services the REST API calls, with the
 * credentials the actions service hands over, so an assistant can do what
 * its user can do in the UI and nothing more.
 *
 * @internal
 */
export function registerServiceCatalogueActions(options: {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  offerings: OfferingCatalogue;
  submissions: SubmissionService;
  requests: RequestService;
  approvals: ApprovalService;
  grants: GrantService;
  reviews: ReviewService;
}) {
  registerOfferingActions(options);
  registerRequestActions(options);
  registerApprovalActions(options);
  registerGrantActions(options);
  registerReviewActions(options);
}
