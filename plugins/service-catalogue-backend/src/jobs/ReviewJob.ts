import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Duration } from 'luxon';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { CampaignOpener } from '../reviews/CampaignOpener';
import { ReviewDeadlines } from '../reviews/ReviewDeadlines';
import { SYSTEM_ACTOR_REF } from '../systemActor';
import { durationFromConfig } from './durations';

/**
 * Every `serviceCatalogue.reviews.frequency` (a minute by default), opens
 * the access reviews that offerings' `spec.review` make due, reminds
 * reviewers `serviceCatalogue.reviews.reminderBefore` (3 days by default)
 * before a deadline, and closes the campaigns whose deadline passed. A
 * global task: one replica at a time runs it, and each step is claimed in
 * the database besides, so that it happens once in any case.
 *
 * @internal
 */
export class ReviewJob {
  static fromConfig(
    config: Config,
    options: {
      scheduler: SchedulerService;
      auth: AuthService;
      logger: LoggerService;
      offerings: OfferingCatalogue;
      opener: CampaignOpener;
      deadlines: ReviewDeadlines;
    },
  ): ReviewJob {
    return new ReviewJob(
      options,
      durationFromConfig(config, 'reviews.frequency', { minutes: 1 }),
      Duration.fromObject(
        durationFromConfig(config, 'reviews.reminderBefore', { days: 3 }),
      ).toMillis(),
    );
  }

  private constructor(
    private readonly deps: {
      scheduler: SchedulerService;
      auth: AuthService;
      logger: LoggerService;
      offerings: OfferingCatalogue;
      opener: CampaignOpener;
      deadlines: ReviewDeadlines;
    },
    private readonly frequency: ReturnType<typeof durationFromConfig>,
    private readonly reminderBeforeMs: number,
  ) {}

  async start(): Promise<void> {
    await this.deps.scheduler.scheduleTask({
      id: 'service-catalogue-reviews',
      scope: 'global',
      frequency: this.frequency,
      timeout: { minutes: 10 },
      fn: () => this.run(new Date()),
    });
  }

  async run(now: Date): Promise<void> {
    const offerings = await this.deps.offerings.listReviewedOfferingEntities({
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    await this.deps.opener.openDue(offerings, now, SYSTEM_ACTOR_REF);
    await this.deps.deadlines.remind(now, this.reminderBeforeMs);
    await this.deps.deadlines.closeDue(now);
  }
}
