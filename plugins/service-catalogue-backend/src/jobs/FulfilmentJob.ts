import { SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { FulfilmentWorker } from '../fulfilment/FulfilmentWorker';
import { durationFromConfig } from './durations';

/**
 * Starts the provisioning tasks of approved automatic requests and follows
 * them to the end, with the revocations of grants, every
 * `serviceCatalogue.fulfilment.frequency` (10 seconds by default).
 *
 * @internal
 */
export class FulfilmentJob {
  static fromConfig(
    config: Config,
    options: { scheduler: SchedulerService; worker: FulfilmentWorker },
  ): FulfilmentJob {
    return new FulfilmentJob(config, options.scheduler, options.worker);
  }

  private constructor(
    private readonly config: Config,
    private readonly scheduler: SchedulerService,
    private readonly worker: FulfilmentWorker,
  ) {}

  async start(): Promise<void> {
    await this.scheduler.scheduleTask({
      id: 'service-catalogue-fulfilment',
      // Global: one replica at a time follows the tasks; the claims keep
      // starting them exactly once even if two ever overlap.
      scope: 'global',
      frequency: durationFromConfig(this.config, 'fulfilment.frequency', {
        seconds: 10,
      }),
      timeout: { minutes: 5 },
      fn: () => this.worker.run(),
    });
  }
}
