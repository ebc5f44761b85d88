import { SchedulerService } from '@backstage/backend-plugin-api';
import { DeadlineWatcher } from '../time/DeadlineWatcher';

/**
 * Every minute, on one replica at a time, acts on approval deadlines and
 * SLA warnings and breaches (see {@link DeadlineWatcher}).
 *
 * @internal
 */
export class DeadlineJob {
  static create(options: {
    scheduler: SchedulerService;
    watcher: DeadlineWatcher;
  }): DeadlineJob {
    return new DeadlineJob(options.scheduler, options.watcher);
  }

  private constructor(
    private readonly scheduler: SchedulerService,
    private readonly watcher: DeadlineWatcher,
  ) {}

  async start(): Promise<void> {
    await this.scheduler.scheduleTask({
      id: 'service-catalogue-deadlines',
      scope: 'global',
      frequency: { minutes: 1 },
      timeout: { minutes: 5 },
      fn: () => this.watcher.run(new Date()),
    });
  }
}
