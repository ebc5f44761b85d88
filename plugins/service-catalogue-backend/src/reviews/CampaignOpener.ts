import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import {
  GrantOrigin,
  OfferingEntityV1alpha1,
  ReviewCampaign,
  ReviewScope,
} from '@service-catalogue/plugin-service-catalogue-common';
import { DateTime, Duration } from 'luxon';
import { StoreTransaction } from '../database/RequestStore';
import {
  NewReviewLine,
  ReviewStore,
  SnapshotGrant,
} from '../database/ReviewStore';
import { offeringTitle, ownerOf } from '../requests/offeringSpec';
import { RequestNotifier } from '../requests/RequestNotifier';

/** How long a campaign stays open when nobody says. */
const DEFAULT_DEADLINE = 'P14D';
const MAX_DEADLINE = Duration.fromObject({ years: 1 });

/**
 * Who reviews one holder's grant of an offering.
 *
 * @internal
 */
export interface ReviewerResolver {
  resolveReviewers(options: {
    offering: OfferingEntityV1alpha1;
    holderRef: string;
  }): Promise<string[]>;
}

/**
 * Opens access review campaigns: takes the snapshot of the grants active
 * on the offerings it covers, resolves each line's reviewers, and writes
 * it all with its `opened` event in one transaction. A scheduled campaign
 * carries the key `<offeringRef>#<n>`, which the database lets exist once,
 * so that replicas running the job at the same instant open it once. An
 * offering is under one open campaign at a time, which the database
 * enforces: a keep in one campaign does not count in another, whose
 * deadline would revoke what was just kept.
 *
 * @internal
 */
export class CampaignOpener {
  static create(options: {
    reviews: ReviewStore;
    reviewers: ReviewerResolver;
    notifier: RequestNotifier;
    auditor: AuditorService;
    logger: LoggerService;
  }): CampaignOpener {
    return new CampaignOpener(
      options.reviews,
      options.reviewers,
      options.notifier,
      options.auditor,
      options.logger,
    );
  }

  private constructor(
    private readonly reviews: ReviewStore,
    private readonly reviewers: ReviewerResolver,
    private readonly notifier: RequestNotifier,
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
  ) {}

  /**
   * Opens the scheduled campaign of each offering whose review is due: the
   * last scheduled one opened `every` ago or more, or, before the first,
   * someone has held the offering for `every` or more. So a review added
   * to an offering looks at once at access held longer than its period, and
   * access given since waits for its period. One still under an open
   * campaign waits for it to close; one with no grant to review waits for
   * one.
   */
  async openDue(
    offerings: OfferingEntityV1alpha1[],
    now: Date,
    actorRef: string,
  ): Promise<ReviewCampaign[]> {
    const opened: ReviewCampaign[] = [];
    for (const offering of offerings) {
      const review = offering.spec.review;
      if (!review || !offering.spec.grant) {
        continue;
      }
      const every = Duration.fromISO(review.every);
      if (!every.isValid || every.toMillis() <= 0) {
        this.logger.warn(
          `${stringifyEntityRef(
            offering,
          )} spec.review.every is not a positive ISO 8601 duration: ${
            review.every
          }`,
        );
        continue;
      }
      const offeringRef = normalized(offering);
      const last = await this.reviews.lastScheduled(undefined, offeringRef);
      if (last && !isDue(last.openedAt, every, now)) {
        continue;
      }
      if (!last) {
        const oldest = await this.reviews.oldestActiveGrant(offeringRef);
        if (!oldest || !isDue(oldest, every, now)) {
          continue;
        }
      }
      if (
        (await this.reviews.openCampaignsOver(undefined, [offeringRef])).size
      ) {
        continue;
      }
      try {
        const campaign = await this.open({
          scope: { kind: 'offering', offeringRef },
          offerings: [offering],
          trigger: 'schedule',
          actorRef,
          now,
          scheduleKeyAfter: async tx => {
            const latest = await this.reviews.lastScheduled(tx, offeringRef);
            if (latest && !isDue(latest.openedAt, every, now)) {
              return undefined;
            }
            return `${offeringRef}#${sequenceOf(latest?.scheduleKey) + 1}`;
          },
        });
        if (campaign) {
          opened.push(campaign);
        }
      } catch (error) {
        this.logger.error(
          `Could not open the scheduled access review of ${offeringRef}: ${error}`,
        );
      }
    }
    return opened;
  }

  /**
   * Opens a campaign over these offerings; undefined when a scheduled one
   * turned out to be opened by another replica first, or its offering to be
   * under an open campaign. By hand, an offering under an open campaign is a
   * ConflictError; a group's offerings under one are left out.
   */
  async open(options: {
    scope: ReviewScope;
    offerings: OfferingEntityV1alpha1[];
    trigger: ReviewCampaign['trigger'];
    actorRef: string;
    now: Date;
    title?: string;
    deadline?: string;
    /** Scheduled campaigns: their key, read in the opening transaction. */
    scheduleKeyAfter?: (tx: StoreTransaction) => Promise<string | undefined>;
  }): Promise<ReviewCampaign | undefined> {
    const { scope, offerings, now } = options;
    const byRef = new Map(offerings.map(o => [normalized(o), o]));
    const deadlineText =
      options.deadline ??
      (offerings.length === 1
        ? offerings[0].spec.review?.deadline
        : undefined) ??
      DEFAULT_DEADLINE;
    const deadline = Duration.fromISO(deadlineText);
    if (!deadline.isValid || deadline.toMillis() <= 0) {
      throw new InputError(
        `deadline: ${deadlineText} is not a positive ISO 8601 duration`,
      );
    }
    // A campaign nobody can finish is no review; and a duration too long for
    // a date would fail in the database rather than here.
    const deadlineAt = DateTime.fromJSDate(now).plus(deadline);
    if (
      !deadlineAt.isValid ||
      deadlineAt > DateTime.fromJSDate(now).plus(MAX_DEADLINE)
    ) {
      throw new InputError(`deadline: ${deadlineText} is longer than a year`);
    }
    const title = options.title?.trim() || titleOf(scope, offerings, now);

    // Reviewers come from the catalog, which is not read inside the
    // transaction; grants that ended meanwhile are left out when it writes.
    const candidates = await this.reviews.transaction(tx =>
      this.reviews.activeGrants(tx, [...byRef.keys()]),
    );
    const reviewersOf = new Map<string, string[]>();
    for (const grant of candidates) {
      const key = `${grant.offeringRef} ${grant.holderRef}`;
      if (!reviewersOf.has(key)) {
        const reviewers = await this.reviewers.resolveReviewers({
          offering: byRef.get(grant.offeringRef)!,
          holderRef: grant.holderRef,
        });
        reviewersOf.set(
          key,
          reviewers.map(ref => ref.toLocaleLowerCase('en-US')),
        );
      }
    }

    const audit = await this.auditor.createEvent({
      eventId: 'review-open',
      severityLevel: 'medium',
      meta: { scope, trigger: options.trigger, actorRef: options.actorRef },
    });
    try {
      const opened = await this.reviews.transaction(async tx => {
        const scheduleKey = options.scheduleKeyAfter
          ? await options.scheduleKeyAfter(tx)
          : undefined;
        if (options.scheduleKeyAfter && !scheduleKey) {
          return undefined;
        }
        const underOpen = await this.reviews.openCampaignsOver(tx, [
          ...byRef.keys(),
        ]);
        if (underOpen.size > 0 && options.scheduleKeyAfter) {
          return undefined;
        }
        const covered = [...byRef.keys()].filter(ref => !underOpen.has(ref));
        if (covered.length === 0) {
          throw new ConflictError(
            `Already under an open access review: ${[...underOpen]
              .map(([ref, c]) => `${ref} in ${c.title} (${c.id})`)
              .join(', ')}`,
          );
        }
        const still = new Set(
          (await this.reviews.activeGrants(tx, covered)).map(g => g.grantId),
        );
        const lines: NewReviewLine[] = candidates
          .filter(grant => still.has(grant.grantId))
          .map(grant => ({
            grant,
            origin: originOf(grant),
            onUndecided:
              byRef.get(grant.offeringRef)!.spec.review?.onUndecided ??
              'revoke',
            reviewerRefs:
              reviewersOf.get(`${grant.offeringRef} ${grant.holderRef}`) ?? [],
          }));
        // A schedule has nobody to ask about nothing; it opens when there
        // is access to review. One opened by hand is kept, empty, as the
        // record that its owner looked.
        if (options.scheduleKeyAfter && lines.length === 0) {
          return undefined;
        }
        const id = await this.reviews.insertCampaign(
          tx,
          {
            title,
            scope,
            trigger: options.trigger,
            scheduleKey,
            openedByRef: options.actorRef,
            openedAt: now,
            deadlineAt: deadlineAt.toJSDate(),
            ownerRefs: [
              ...new Set(covered.map(ref => ownerOf(byRef.get(ref)!))),
            ].sort(),
            offeringRefs: covered,
            lines,
          },
          `Opened with ${lines.length} ${
            lines.length === 1 ? 'grant' : 'grants'
          } to review${
            underOpen.size > 0
              ? `; left out, already under an open review: ${[...underOpen]
                  .map(([ref, c]) => `${ref} in ${c.title} (${c.id})`)
                  .join(', ')}`
              : ''
          }`,
        );
        return { id, lines };
      });
      if (!opened) {
        await audit.success({ meta: { opened: false } });
        return undefined;
      }
      const campaign = (await this.reviews.getCampaign(opened.id))!;
      await audit.success({
        meta: { campaignId: campaign.id, lines: opened.lines.length },
      });
      await this.notifier.send({
        to: [...new Set(opened.lines.flatMap(l => l.reviewerRefs))],
        title: `Access review: ${campaign.title}`,
        description: `Keep or revoke the access you review by ${campaign.deadlineAt}.`,
        // The page opens filtered to this campaign's lines.
        link: `/service-catalogue/reviews?campaignId=${encodeURIComponent(
          campaign.id,
        )}`,
        topic: 'service-catalogue-review',
        scope: campaign.id,
        about: `review ${campaign.id}`,
      });
      return campaign;
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  }
}

/**
 * Why the holder had the access: a birthright of their group, access the
 * desk recorded, or a request.
 *
 * @internal
 */
export function originOf(grant: SnapshotGrant): GrantOrigin {
  if (grant.birthrightGroupRef) {
    return 'birthright';
  }
  return grant.recorded ? 'desk' : 'request';
}

function isDue(lastOpenedAt: Date, every: Duration, now: Date): boolean {
  return (
    DateTime.fromJSDate(lastOpenedAt).plus(every).toMillis() <= now.getTime()
  );
}

function sequenceOf(scheduleKey: string | undefined): number {
  const n = Number(scheduleKey?.slice(scheduleKey.lastIndexOf('#') + 1));
  return Number.isSafeInteger(n) ? n : 0;
}

function normalized(offering: OfferingEntityV1alpha1): string {
  return stringifyEntityRef(offering).toLocaleLowerCase('en-US');
}

function titleOf(
  scope: ReviewScope,
  offerings: OfferingEntityV1alpha1[],
  now: Date,
): string {
  const day = now.toISOString().slice(0, 10);
  return scope.kind === 'offering' && offerings.length === 1
    ? `${offeringTitle(offerings[0])} access review, ${day}`
    : `Access review of ${
        scope.kind === 'owner' ? scope.ownerRef : 'offerings'
      }, ${day}`;
}
