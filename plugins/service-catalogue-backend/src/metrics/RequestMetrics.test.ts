import { ConfigReader } from '@backstage/config';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  DataPoint,
  Histogram,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { DatabaseGrantStore } from '../database/DatabaseGrantStore';
import { DatabaseRequestStore } from '../database/DatabaseRequestStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { NewRequest } from '../database/RequestStore';
import { RequestLifecycle } from '../requests/RequestLifecycle';
import { SlaPolicies } from '../time/SlaPolicies';
import { RequestMetrics } from './RequestMetrics';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

// Reads what the instruments hold whenever the test asks, as a Prometheus
// scrape would.
class PullReader extends MetricReader {
  protected async onShutdown() {}
  protected async onForceFlush() {}
}

const policy = SlaPolicies.fromConfig(
  new ConfigReader({
    serviceCatalogue: {
      sla: [
        {
          id: 'priority',
          title: 'Priority',
          responseTarget: 'PT30M',
          resolutionTarget: 'PT4H',
        },
      ],
    },
  }),
).find('priority')!;

const newRequest = (overrides: Partial<NewRequest> = {}): NewRequest => ({
  offeringRef: 'offering:default/laptop',
  offeringTitle: 'New laptop',
  offeringOwnerRef: 'group:default/it',
  requesterRef: 'user:default/grace',
  submittedByRef: 'user:default/grace',
  formValues: {},
  stages: [
    {
      index: 0,
      approverSpec: ['manager'],
      approvers: ['user:default/frank', 'user:default/leo'],
      source: 'resolved',
      policy: 'any',
      required: 1,
    },
  ],
  fulfilment: 'manual',
  ...overrides,
});

const t0 = new Date('2026-12-01T09:00:00Z');
const after = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe.each(databases.eachSupportedId())(
  'request metrics on %s',
  (databaseId: TestDatabaseId) => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      const reader = new PullReader();
      const provider = new MeterProvider({ readers: [reader] });
      const metrics = RequestMetrics.create(
        provider.getMeter('backstage-plugin-service-catalogue'),
      );
      const clock = { now: t0 };
      // Two replicas on one database share nothing but the metrics
      // pipeline, as two backends scraped into one dashboard would.
      const replica = async () =>
        RequestLifecycle.create({
          requests: await DatabaseRequestStore.create({ database }),
          grants: await DatabaseGrantStore.create({ database }),
          clock: () => clock.now,
          metrics,
        });
      const [one, two] = [await replica(), await replica()];

      async function points(name: string) {
        const { resourceMetrics } = await reader.collect();
        const metric = resourceMetrics.scopeMetrics
          .flatMap(scope => scope.metrics)
          .find(m => m.descriptor.name === name);
        return (metric?.dataPoints ?? []) as DataPoint<unknown>[];
      }
      async function count(name: string, attributes: object = {}) {
        return (await points(name))
          .filter(p => matches(p.attributes, attributes))
          .reduce((sum, p) => sum + (p.value as number), 0);
      }
      return { one, two, clock, points, count };
    }

    function matches(actual: object, wanted: object) {
      return Object.entries(wanted).every(
        ([key, value]) => (actual as Record<string, unknown>)[key] === value,
      );
    }

    it('counts a request submitted, approved once with two approvers racing, and fulfilled, with its time to deliver', async () => {
      const { one, two, clock, points, count } = await setup();
      const { request } = await one.createRequest(newRequest());
      expect(
        await count('service_catalogue.requests.submitted', {
          fulfilment: 'manual',
        }),
      ).toBe(1);

      clock.now = after(10);
      const outcomes = await Promise.allSettled([
        one.decide({
          requestId: request.id,
          approverRef: 'user:default/frank',
          decidedByRef: 'user:default/frank',
          decision: 'approve',
        }),
        two.decide({
          requestId: request.id,
          approverRef: 'user:default/leo',
          decidedByRef: 'user:default/leo',
          decision: 'approve',
        }),
      ]);
      // One of them approved the request; the other found it decided.
      expect(outcomes.map(o => o.status).sort()).toEqual([
        'fulfilled',
        'rejected',
      ]);
      expect(
        await count('service_catalogue.requests.decided', {
          decision: 'approved',
          decided_by: 'approver',
        }),
      ).toBe(1);

      clock.now = after(30);
      await one.assign({
        requestId: request.id,
        assigneeRef: 'user:default/ken',
        actorRef: 'user:default/ken',
      });
      clock.now = after(90);
      await one.transition({
        requestId: request.id,
        action: 'complete',
        actor: 'fulfiller',
        actorRef: 'user:default/ken',
      });
      // Completing it again is refused and counts nothing.
      await expect(
        two.transition({
          requestId: request.id,
          action: 'complete',
          actor: 'fulfiller',
          actorRef: 'user:default/ken',
        }),
      ).rejects.toThrow(/DONE/);

      expect(await count('service_catalogue.requests.fulfilled')).toBe(1);
      const [delivery] = await points(
        'service_catalogue.requests.delivery.duration',
      );
      const histogram = delivery.value as Histogram;
      expect(delivery.attributes).toEqual({ fulfilment: 'manual' });
      expect(histogram.count).toBe(1);
      expect(histogram.sum).toBe(90 * 60);
      // Ninety minutes falls in the bucket from one hour up to four.
      const bucket = histogram.buckets.boundaries.findIndex(b => b >= 90 * 60);
      expect(histogram.buckets.boundaries[bucket]).toBe(4 * 3600);
      expect(histogram.buckets.counts[bucket]).toBe(1);
      expect(await count('service_catalogue.requests.failed')).toBe(0);
    });

    it('counts rejections by an approver and by a timeout apart, failures, and a breached SLA target once', async () => {
      const { one, two, clock, count } = await setup();

      const rejected = await one.createRequest(newRequest());
      await one.decide({
        requestId: rejected.request.id,
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/frank',
        decision: 'reject',
      });

      const timingOut = await one.createRequest(
        newRequest({
          stages: [
            {
              ...newRequest().stages[0],
              timeout: 'PT1H',
              onTimeout: 'reject',
            },
          ],
        }),
      );
      clock.now = after(61);
      await one.timeOutStage({
        requestId: timingOut.request.id,
        stageIndex: 0,
        now: clock.now,
      });

      const automatic = await one.createRequest(
        newRequest({
          stages: [],
          fulfilment: 'automatic',
          slaPolicy: policy,
        }),
      );
      await one.transition({
        requestId: automatic.request.id,
        action: 'fail',
        actor: 'system',
        actorRef: 'plugin:service-catalogue',
        data: { failure: { message: 'the template failed' } },
      });
      clock.now = after(61 + 241);
      await Promise.all(
        [one, two].map(lifecycle =>
          lifecycle.markSla({
            requestId: automatic.request.id,
            mark: 'resolution-breached',
            now: clock.now,
          }),
        ),
      );

      expect(
        await count('service_catalogue.requests.decided', {
          decision: 'rejected',
          decided_by: 'approver',
        }),
      ).toBe(1);
      expect(
        await count('service_catalogue.requests.decided', {
          decision: 'rejected',
          decided_by: 'timeout',
        }),
      ).toBe(1);
      expect(
        await count('service_catalogue.requests.decided', {
          decision: 'approved',
        }),
      ).toBe(0);
      expect(
        await count('service_catalogue.requests.failed', {
          fulfilment: 'automatic',
        }),
      ).toBe(1);
      expect(
        await count('service_catalogue.requests.sla_breached', {
          target: 'resolution',
          sla_policy: 'priority',
          fulfilment: 'automatic',
        }),
      ).toBe(1);
      expect(await count('service_catalogue.requests.submitted')).toBe(3);
      expect(await count('service_catalogue.requests.fulfilled')).toBe(0);
    });
  },
);
