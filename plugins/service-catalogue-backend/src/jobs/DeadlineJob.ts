import {
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { durationFromConfig } from './durations';
import { DeadlineWatcher } from '../time/DeadlineWatcher';

/**
 * On one replica at a time, every `serviceCatalogue.deadlines.frequency`
 * (a minute by default), acts on approval deadlines and SLA warnings and
 * breaches (see {@link DeadlineWatcher}).
 *
 * @internal
 */
export class DeadlineJob {
  static create(options: {
    config: RootConfigService;
    scheduler: SchedulerService;
    watcher: DeadlineWatcher;
  }): DeadlineJob {
    return new DeadlineJob(options.config, options.scheduler, options.watcher);
  }

  private constructor(
    private readonly config: RootConfigService,
    private readonly scheduler: SchedulerService,
    private readonly watcher: DeadlineWatcher,
  ) {}

  async start(): Promise<void> {
    await this.scheduler.scheduleTask({
      id: 'service-catalogue-deadlines',
      scope: 'global',
      frequency: durationFromConfig(this.config, 'deadlines.frequency', {
        minutes: 1,
      }),
      timeout: { minutes: 5 },
      fn: () => this.watcher.run(new Date()),
    });
  }
}
