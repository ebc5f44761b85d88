import {
  ReviewCampaign,
  ReviewLine,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * Whether a user may decide a review line now, and for whom: themselves
 * when they are one of its reviewers, a reviewer who delegated to them
 * otherwise, and `administrator` for a line nobody could be found to
 * review, when they administer the service catalogue. Never the line's
 * holder, whatever else they are: nobody reviews their own access. Not
 * once the deadline passed, though the job that decides what is left may
 * not have run yet: the offering's rule decides then.
 *
 * The decision, the list of lines waiting for a user and their tests ask
 * this one rule.
 *
 * @internal
 */
export function reviewerToDecideFor(options: {
  line: Pick<
    ReviewLine,
    'holderRef' | 'reviewerRefs' | 'decision' | 'deadlineAt'
  >;
  campaignState: ReviewCampaign['state'];
  now: Date;
  userRef: string;
  /** Reviewers who delegated to the user at this moment. */
  delegators: readonly string[];
  administrator: boolean;
}):
  | { may: true; decidedForRef?: string }
  | {
      may: false;
      why: 'own' | 'decided' | 'closed' | 'past-deadline' | 'not-reviewer';
    } {
  const { line, userRef } = options;
  if (line.holderRef === userRef) {
    return { may: false, why: 'own' };
  }
  if (options.campaignState !== 'open') {
    return { may: false, why: 'closed' };
  }
  if (line.decision) {
    return { may: false, why: 'decided' };
  }
  if (new Date(line.deadlineAt).getTime() <= options.now.getTime()) {
    return { may: false, why: 'past-deadline' };
  }
  if (line.reviewerRefs.includes(userRef)) {
    return { may: true };
  }
  const delegator = options.delegators.find(
    ref => ref !== line.holderRef && line.reviewerRefs.includes(ref),
  );
  if (delegator) {
    return { may: true, decidedForRef: delegator };
  }
  if (line.reviewerRefs.length === 0 && options.administrator) {
    return { may: true };
  }
  return { may: false, why: 'not-reviewer' };
}
