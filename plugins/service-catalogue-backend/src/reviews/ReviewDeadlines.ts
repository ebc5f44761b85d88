import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { ReviewCampaign } from '@service-catalogue/plugin-service-catalogue-common';
import { ReviewStore } from '../database/ReviewStore';
import { RequestNotifier } from '../requests/RequestNotifier';
import { SYSTEM_ACTOR_REF } from '../systemActor';
import { ReviewDecisions } from './ReviewDecisions';

/** Lines decided at the deadline per transaction. */
const CLOSE_BATCH = 200;

/**
 * The clock of open campaigns: reviewers are reminded once, some time
 * before the deadline; at the deadline each undecided line follows its
 * offering's rule, decided by the backend, and the campaign closes. Claims
 * and versions make each step happen once however many replicas run it.
 *
 * @internal
 */
export class ReviewDeadlines {
  static create(options: {
    reviews: ReviewStore;
    decisions: ReviewDecisions;
    notifier: RequestNotifier;
    auditor: AuditorService;
    logger: LoggerService;
  }): ReviewDeadlines {
    return new ReviewDeadlines(
      options.reviews,
      options.decisions,
      options.notifier,
      options.auditor,
      options.logger,
    );
  }

  private constructor(
    private readonly reviews: ReviewStore,
    private readonly decisions: ReviewDecisions,
    private readonly notifier: RequestNotifier,
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
  ) {}

  /** Reminds, once, the reviewers of campaigns whose deadline is near. */
  async remind(now: Date, beforeMs: number): Promise<ReviewCampaign[]> {
    const due = await this.reviews.claimReminders({ now, beforeMs });
    for (const { campaign, reviewerRefs } of due) {
      await this.reviews.transaction(tx =>
        this.reviews.addEvent(tx, campaign.id, {
          type: 'reminded',
          at: now.toISOString(),
          actorRef: SYSTEM_ACTOR_REF,
          message: `Reminded ${reviewerRefs.length} ${
            reviewerRefs.length === 1 ? 'reviewer' : 'reviewers'
          } of ${campaign.progress.undecided} undecided ${
            campaign.progress.undecided === 1 ? 'line' : 'lines'
          }`,
        }),
      );
      await this.audit('review-remind', campaign, { reviewerRefs });
      await this.notifier.send({
        to: reviewerRefs,
        title: `Access review due soon: ${campaign.title}`,
        description: `Decide the access you review by ${campaign.deadlineAt}; what nobody decides follows the offering's rule.`,
        // The page opens filtered to this campaign's lines.
        link: `/service-catalogue/reviews?campaignId=${encodeURIComponent(
          campaign.id,
        )}`,
        topic: 'service-catalogue-review',
        scope: campaign.id,
        about: `review ${campaign.id}`,
      });
    }
    return due.map(d => d.campaign);
  }

  /**
   * Closes the campaigns whose deadline passed: their undecided lines get
   * the offering's rule a batch per transaction, so that a large campaign
   * neither holds its locks for long nor loses all its work to one failure,
   * and the transaction that finds none left closes it, once: the campaign
   * lock makes workers take turns.
   */
  async closeDue(now: Date): Promise<ReviewCampaign[]> {
    const closed: ReviewCampaign[] = [];
    for (const id of await this.reviews.listDue(now)) {
      try {
        for (;;) {
          const batch = await this.reviews.transaction(async tx => {
            const campaign = await this.reviews.lockCampaign(tx, id);
            if (!campaign || campaign.state !== 'open') {
              return undefined;
            }
            const lines = await this.reviews.lockUndecidedLines(
              tx,
              id,
              CLOSE_BATCH,
            );
            const revoked: string[] = [];
            for (const line of lines) {
              const outcome = await this.decisions.record(tx, line, {
                decision: line.onUndecided,
                actorRef: SYSTEM_ACTOR_REF,
                automatic: true,
                now,
              });
              if (outcome === 'revoked') {
                revoked.push(line.id);
              }
            }
            if (lines.length > 0) {
              return { revoked, closed: undefined };
            }
            const counts = await this.reviews.countAutomatic(tx, id);
            await this.reviews.closeCampaign(tx, campaign, now);
            await this.reviews.addEvent(tx, id, {
              type: 'closed',
              at: now.toISOString(),
              actorRef: SYSTEM_ACTOR_REF,
              message: `Closed at the deadline; ${counts.automatic} undecided ${
                counts.automatic === 1 ? 'line' : 'lines'
              } followed the offering's rule, ${counts.revoked} revoked`,
            });
            return { revoked, closed: counts };
          });
          if (!batch) {
            break;
          }
          await this.tellHolders(batch.revoked);
          if (batch.closed) {
            const campaign = (await this.reviews.getCampaign(id))!;
            await this.audit('review-close', campaign, batch.closed);
            closed.push(campaign);
            break;
          }
        }
      } catch (error) {
        this.logger.error(`Could not close access review ${id}: ${error}`);
      }
    }
    return closed;
  }

  /**
   * Holders whose access the deadline ended at once hear of it now; a
   * revoke template's run tells them when it ran.
   */
  private async tellHolders(lineIds: string[]): Promise<void> {
    for (const line of await this.reviews.getLines(lineIds)) {
      if (line.grantState !== 'ended') {
        continue;
      }
      await this.notifier.send({
        to: [line.holderRef],
        title: `Your access ended: ${line.offeringTitle}`,
        description:
          'Nobody confirmed it in an access review by its deadline, so it went as the offering says.',
        link: '/service-catalogue/access',
        topic: 'service-catalogue-grant',
        scope: line.grantId,
        about: `grant ${line.grantId}`,
      });
    }
  }

  private async audit(
    eventId: string,
    campaign: ReviewCampaign,
    meta: Record<string, string[] | number>,
  ): Promise<void> {
    const event = await this.auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      meta: { campaignId: campaign.id, actorRef: SYSTEM_ACTOR_REF },
    });
    await event.success({ meta });
  }
}
