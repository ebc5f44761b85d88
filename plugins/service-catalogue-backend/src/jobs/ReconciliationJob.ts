import {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { EventsService } from '@backstage/plugin-events-node';
import { USER_CHANGED_TOPIC } from '@service-catalogue/plugin-service-catalogue-common';
import { Reconciler } from '../grants/Reconciler';
import { Debounce } from './Debounce';
import { durationFromConfig } from './durations';

const TASK_ID = 'service-catalogue-reconciliation';

/**
 * Brings access in line with the catalog every
 * `serviceCatalogue.reconciliation.frequency` (5 minutes by default):
 * birthrights for joiners, movers and leavers, and swaps. Also runs soon
 * when asked, such as for a new swap, and after the catalog says users'
 * groups changed.
 *
 * @internal
 */
export class ReconciliationJob {
  static fromConfig(
    config: Config,
    options: {
      scheduler: SchedulerService;
      logger: LoggerService;
      events: EventsService;
      lifecycle: LifecycleService;
      reconciler: Reconciler;
    },
  ): ReconciliationJob {
    return new ReconciliationJob(config, options);
  }

  // A directory sync changes many users at once: a burst makes one run.
  private readonly soon = Debounce.create({
    delayMs: 2_000,
    action: () => this.runSoon(),
  });

  private constructor(
    private readonly config: Config,
    private readonly deps: {
      scheduler: SchedulerService;
      logger: LoggerService;
      events: EventsService;
      lifecycle: LifecycleService;
      reconciler: Reconciler;
    },
  ) {}

  async start(): Promise<void> {
    await this.deps.scheduler.scheduleTask({
      id: TASK_ID,
      // Global: one replica at a time; each step looks at the present
      // state before it acts, so runs never repeat each other's work.
      scope: 'global',
      frequency: durationFromConfig(this.config, 'reconciliation.frequency', {
        minutes: 5,
      }),
      timeout: { minutes: 30 },
      fn: () => this.run(),
    });
    // The catalog module says when a user's groups change.
    await this.deps.events.subscribe({
      id: TASK_ID,
      topics: [USER_CHANGED_TOPIC],
      onEvent: async () => this.soon.call(),
    });
    this.deps.lifecycle.addShutdownHook(() => this.soon.cancel());
  }

  /** Asks for a run soon; a run already under way leaves it to the next. */
  async runSoon(): Promise<void> {
    await this.deps.scheduler.triggerTask(TASK_ID).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const report = await this.deps.reconciler.run();
    this.deps.logger.info(
      `Reconciled access: ${report.granted.length} birthright requests, ${report.moved.length} ended for movers, ${report.flagged.length} flagged, ${report.departures.length} departures, ${report.swapped} swapped`,
    );
  }
}
