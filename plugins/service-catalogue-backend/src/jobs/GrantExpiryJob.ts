import { SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Duration } from 'luxon';
import { GrantService } from '../grants/GrantService';
import { durationFromConfig } from './durations';

/**
 * Every minute, ends the grants whose time is up and reminds holders,
 * once, `serviceCatalogue.grants.reminderBefore` (7 days by default) before
 * theirs ends.
 *
 * @internal
 */
export class GrantExpiryJob {
  static fromConfig(
    config: Config,
    options: { scheduler: SchedulerService; grants: GrantService },
  ): GrantExpiryJob {
    const reminderBefore = durationFromConfig(config, 'grants.reminderBefore', {
      days: 7,
    });
    return new GrantExpiryJob(
      options.scheduler,
      options.grants,
      Duration.fromObject(reminderBefore).toMillis(),
    );
  }

  private constructor(
    private readonly scheduler: SchedulerService,
    private readonly grants: GrantService,
    private readonly reminderBeforeMs: number,
  ) {}

  async start(): Promise<void> {
    await this.scheduler.scheduleTask({
      id: 'service-catalogue-grant-expiry',
      scope: 'global',
      frequency: { minutes: 1 },
      timeout: { minutes: 5 },
      fn: () => this.run(new Date()),
    });
  }

  async run(now: Date): Promise<void> {
    await this.grants.expireDue(now);
    await this.grants.remind(now, this.reminderBeforeMs);
  }
}
