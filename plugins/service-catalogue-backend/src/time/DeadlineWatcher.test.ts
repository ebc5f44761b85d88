import { ConfigReader } from '@backstage/config';
import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { DatabaseGrantStore } from '../database/DatabaseGrantStore';
import { DatabaseRequestStore } from '../database/DatabaseRequestStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { NewRequest, NewRequestStage } from '../database/RequestStore';
import { RequestLifecycle } from '../requests/RequestLifecycle';
import { RequestNotifier } from '../requests/RequestNotifier';
import { DeadlineWatcher } from './DeadlineWatcher';
import { SlaPolicies } from './SlaPolicies';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const policies = SlaPolicies.fromConfig(
  new ConfigReader({
    serviceCatalogue: {
      calendars: [
        {
          id: 'office',
          timeZone: 'Europe/Paris',
          workingHours: { start: '09:00', end: '17:00' },
        },
      ],
      sla: [
        {
          id: 'round-the-clock',
          title: 'Round the clock',
          responseTarget: 'PT1H',
          resolutionTarget: 'PT4H',
          warnAt: 0.5,
          notify: ['user:default/nina'],
          escalateTo: ['group:default/it-managers'],
        },
        {
          id: 'office-hours',
          title: 'Office hours',
          resolutionTarget: 'PT2H',
          calendar: 'office',
        },
      ],
    },
  }),
);

const stage = (extra: Partial<NewRequestStage> = {}): NewRequestStage => ({
  index: 0,
  approverSpec: ['manager'],
  approvers: ['user:default/frank'],
  source: 'resolved',
  policy: 'any',
  required: 1,
  ...extra,
});

const newRequest = (overrides: Partial<NewRequest> = {}): NewRequest => ({
  offeringRef: 'offering:default/vpn-access',
  offeringTitle: 'VPN access',
  offeringOwnerRef: 'group:default/network-team',
  requesterRef: 'user:default/grace',
  submittedByRef: 'user:default/grace',
  formValues: {},
  stages: [stage()],
  fulfilment: 'manual',
  ...overrides,
});

const t0 = new Date('2026-12-01T09:00:00Z');
const after = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe('DeadlineWatcher.fromConfig', () => {
  const deps = {
    logger: mockServices.logger.mock(),
    deskGroups: [],
  } as unknown as Parameters<typeof DeadlineWatcher.fromConfig>[1];
  const withReminderAt = (reminderAt: number) =>
    new ConfigReader({ serviceCatalogue: { approvals: { reminderAt } } });

  it.each([0, 1, 1.5, -0.25])('stops at start-up on reminderAt %s', value => {
    expect(() =>
      DeadlineWatcher.fromConfig(withReminderAt(value), deps),
    ).toThrow(
      `serviceCatalogue.approvals.reminderAt: ${value} must be a fraction`,
    );
  });

  it('takes a fraction, or one half by default', () => {
    expect(
      DeadlineWatcher.fromConfig(withReminderAt(0.8), deps),
    ).toBeInstanceOf(DeadlineWatcher);
    expect(
      DeadlineWatcher.fromConfig(new ConfigReader({}), deps),
    ).toBeInstanceOf(DeadlineWatcher);
  });
});

describe.each(databases.eachSupportedId())(
  'deadlines on %s',
  (databaseId: TestDatabaseId) => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      const clock = { now: t0 };
      const sent: Array<{ to: string[]; title: string; severity: string }> = [];
      const audited: string[] = [];
      const auditor = {
        createEvent: async (options: { eventId: string }) => {
          audited.push(options.eventId);
          return { success: async () => {}, fail: async () => {} };
        },
      };
      // Each replica has its own stores and services on the same database.
      const replica = async () => {
        const store = await DatabaseRequestStore.create({ database });
        const lifecycle = RequestLifecycle.create({
          requests: store,
          grants: await DatabaseGrantStore.create({ database }),
          clock: () => clock.now,
        });
        const notifier = RequestNotifier.create({
          notifications: {
            send: async ({ recipients, payload }: any) => {
              sent.push({
                to: recipients.entityRef,
                title: payload.title,
                severity: payload.severity,
              });
            },
          } as any,
          signals: { publish: async () => {} } as any,
          logger: mockServices.logger.mock(),
        });
        const watcher = DeadlineWatcher.create({
          store,
          lifecycle,
          notifier,
          auditor: auditor as any,
          logger: mockServices.logger.mock(),
          deskGroups: ['group:default/service-desk'],
          reminderAt: 0.5,
        });
        return { store, lifecycle, watcher };
      };
      const [one, two] = [await replica(), await replica()];
      const race = (minutes: number) => {
        clock.now = after(minutes);
        return Promise.all([
          one.watcher.run(clock.now),
          two.watcher.run(clock.now),
        ]);
      };
      const titles = (prefix: string) =>
        sent.filter(s => s.title.startsWith(prefix));
      return { ...one, clock, sent, audited, race, titles };
    }

    it('warns and escalates a response and a resolution breach once each, also with two replicas racing, and records the missed SLA', async () => {
      const { lifecycle, store, clock, race, titles, audited } = await setup();
      const { request } = await lifecycle.createRequest(
        newRequest({ slaPolicy: policies.find('round-the-clock')! }),
      );
      expect(request.sla).toMatchObject({
        policyId: 'round-the-clock',
        responseDueAt: after(60).toISOString(),
        resolutionDueAt: after(240).toISOString(),
      });
      expect(request.slaDueAt).toBe(after(240).toISOString());

      await race(29);
      expect(titles('SLA')).toEqual([]);

      await race(31);
      await race(32);
      expect(titles('SLA warning')).toEqual([
        {
          // The approver who must respond, the owners and the policy's
          // watchers; not yet its escalation.
          to: [
            'user:default/frank',
            'group:default/network-team',
            'user:default/nina',
          ],
          title: `SLA warning: ${request.trackingNumber} VPN access`,
          severity: 'normal',
        },
      ]);

      await race(61);
      await race(62);
      expect(titles('SLA breached')).toEqual([
        {
          to: [
            'user:default/frank',
            'group:default/network-team',
            'user:default/nina',
            'group:default/it-managers',
          ],
          title: `SLA breached: ${request.trackingNumber} VPN access`,
          severity: 'high',
        },
      ]);

      // Warned at half of the resolution target.
      await race(121);
      expect(titles('SLA warning')).toHaveLength(2);

      clock.now = after(130);
      await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/frank',
        decision: 'approve',
      });
      await race(241);
      await race(242);
      expect(titles('SLA breached')).toHaveLength(2);
      expect(titles('SLA breached')[1].to).toEqual([
        'group:default/service-desk',
        'group:default/network-team',
        'user:default/nina',
        'group:default/it-managers',
      ]);

      clock.now = after(280);
      await lifecycle.assign({
        requestId: request.id,
        assigneeRef: 'user:default/ken',
        actorRef: 'user:default/ken',
      });
      clock.now = after(300);
      const { request: done } = await lifecycle.transition({
        requestId: request.id,
        action: 'complete',
        actor: 'fulfiller',
        actorRef: 'user:default/ken',
      });
      expect(done.sla).toMatchObject({
        respondedAt: after(130).toISOString(),
        responseBreachedAt: after(61).toISOString(),
        resolutionBreachedAt: after(241).toISOString(),
        endedAt: after(300).toISOString(),
        met: false,
        businessMinutes: 300,
      });
      const events = await store.listEvents(request.id);
      expect(
        events
          .filter(e => e.type.startsWith('sla'))
          .map(e => [e.type, e.data?.target]),
      ).toEqual([
        ['sla-warn', 'response'],
        ['sla-breach', 'response'],
        ['sla-warn', 'resolution'],
        ['sla-breach', 'resolution'],
      ]);
      expect(audited.filter(id => id.startsWith('request-sla'))).toEqual([
        'request-sla-warn',
        'request-sla-breach',
        'request-sla-warn',
        'request-sla-breach',
      ]);
    });

    it('counts due times and the time taken in business hours, and records an SLA met', async () => {
      const { lifecycle, watcher, clock, titles } = await setup();
      // Friday 16:00 in Paris: one working hour left that day.
      clock.now = new Date('2026-11-27T15:00:00Z');
      const { request } = await lifecycle.createRequest(
        newRequest({
          stages: [],
          slaPolicy: policies.find('office-hours')!,
        }),
      );
      expect(request.slaDueAt).toBe('2026-11-30T09:00:00.000Z');
      // On Saturday the clock stands still: nothing is near its due time.
      clock.now = new Date('2026-11-28T12:00:00Z');
      await watcher.run(clock.now);
      expect(titles('SLA')).toEqual([]);

      clock.now = new Date('2026-11-30T08:00:00Z');
      await lifecycle.assign({
        requestId: request.id,
        assigneeRef: 'user:default/ken',
        actorRef: 'user:default/ken',
      });
      clock.now = new Date('2026-11-30T08:30:00Z');
      const { request: done } = await lifecycle.transition({
        requestId: request.id,
        action: 'complete',
        actor: 'fulfiller',
        actorRef: 'user:default/ken',
      });
      expect(done.sla).toMatchObject({ met: true, businessMinutes: 90 });
    });

    it('reminds the approvers once, escalates a stage that times out, and lets the escalation approver decide', async () => {
      const { lifecycle, store, race, titles, audited, clock } = await setup();
      const { request } = await lifecycle.createRequest(
        newRequest({
          stages: [
            stage({
              timeout: 'PT2H',
              onTimeout: 'escalate',
              escalateTo: ['user:default/carol'],
            }),
          ],
        }),
      );
      expect(request.stages[0]).toMatchObject({
        openedAt: t0.toISOString(),
        deadlineAt: after(120).toISOString(),
      });

      await race(59);
      expect(titles('Reminder')).toEqual([]);
      await race(61);
      await race(62);
      expect(titles('Reminder')).toEqual([
        {
          to: ['user:default/frank'],
          title: `Reminder: ${request.trackingNumber} VPN access waits for your decision`,
          severity: 'normal',
        },
      ]);

      await race(120);
      await race(121);
      expect(titles('Escalated')).toEqual([
        {
          to: ['user:default/carol'],
          title: `Escalated to you: ${request.trackingNumber} VPN access`,
          severity: 'high',
        },
      ]);
      const escalated = (await store.getRequest(request.id))!;
      expect(escalated.state).toBe('PENDING_APPROVAL');
      expect(escalated.stages[0].approvers).toEqual([
        'user:default/carol',
        'user:default/frank',
      ]);
      expect(escalated.stages[0].timedOutAt).toBe(after(120).toISOString());

      clock.now = after(130);
      const { outcome, request: decided } = await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/carol',
        decidedByRef: 'user:default/carol',
        decision: 'approve',
      });
      expect(outcome).toBe('approved');
      expect(decided.state).toBe('APPROVED');
      const events = await store.listEvents(request.id);
      expect(events.map(e => e.type)).toEqual([
        'submit',
        'route',
        'stage-remind',
        'stage-escalate',
        'decide',
        'approve',
      ]);
      expect(events[3].data).toMatchObject({
        stageIndex: 0,
        added: ['user:default/carol'],
      });
      expect(audited).toEqual([
        'request-stage-remind',
        'request-stage-timeout',
      ]);
    });

    it('lets the escalation approver settle a stage that needed all its approvers', async () => {
      const { lifecycle, store, race, clock } = await setup();
      const escalating = () =>
        lifecycle.createRequest(
          newRequest({
            stages: [
              stage({
                approvers: ['user:default/frank', 'user:default/leo'],
                policy: 'all',
                required: 2,
                timeout: 'PT2H',
                onTimeout: 'escalate',
                escalateTo: ['user:default/carol'],
              }),
            ],
          }),
        );
      const approved = (await escalating()).request;
      const rejected = (await escalating()).request;
      await race(120);

      clock.now = after(130);
      const decide = (requestId: string, decision: 'approve' | 'reject') =>
        lifecycle.decide({
          requestId,
          approverRef: 'user:default/carol',
          decidedByRef: 'user:default/carol',
          decision,
        });
      expect((await decide(approved.id, 'approve')).outcome).toBe('approved');
      expect((await decide(rejected.id, 'reject')).outcome).toBe('rejected');
      expect((await store.getRequest(approved.id))!.state).toBe('APPROVED');
      expect((await store.getRequest(rejected.id))!.state).toBe('REJECTED');
    });

    it('still needs every approver of an all stage before it times out', async () => {
      const { lifecycle } = await setup();
      const { request } = await lifecycle.createRequest(
        newRequest({
          stages: [
            stage({
              approvers: ['user:default/carol', 'user:default/frank'],
              policy: 'all',
              required: 2,
              timeout: 'PT2H',
              onTimeout: 'escalate',
              escalateTo: ['user:default/carol'],
            }),
          ],
        }),
      );
      const { outcome } = await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/carol',
        decidedByRef: 'user:default/carol',
        decision: 'approve',
      });
      expect(outcome).toBe('recorded');
    });

    it('tells escalateTo people who already approve the stage that it waits for them', async () => {
      const { lifecycle, race, titles } = await setup();
      const { request } = await lifecycle.createRequest(
        newRequest({
          stages: [
            stage({
              timeout: 'PT2H',
              onTimeout: 'escalate',
              escalateTo: ['user:default/frank'],
            }),
          ],
        }),
      );
      await race(120);
      expect(titles('Escalated')).toEqual([
        {
          to: ['user:default/frank'],
          title: `Escalated to you: ${request.trackingNumber} VPN access`,
          severity: 'high',
        },
      ]);
    });

    it('times out the next stage from when it opened, not from submission', async () => {
      const { lifecycle, clock } = await setup();
      const { request } = await lifecycle.createRequest(
        newRequest({
          stages: [
            stage(),
            stage({
              index: 1,
              approvers: ['user:default/leo'],
              timeout: 'PT1H',
              onTimeout: 'reject',
            }),
          ],
        }),
      );
      expect(request.stages[1].deadlineAt).toBeUndefined();
      clock.now = after(300);
      const { request: next } = await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/frank',
        decision: 'approve',
      });
      expect(next.stages[1]).toMatchObject({
        status: 'active',
        openedAt: after(300).toISOString(),
        deadlineAt: after(360).toISOString(),
      });
    });

    it('gives one outcome when a stage times out with reject while its approver decides in the same instant', async () => {
      const { lifecycle, store, clock, sent } = await setup();
      for (let i = 0; i < 6; i++) {
        clock.now = t0;
        const { request } = await lifecycle.createRequest(
          newRequest({
            stages: [stage({ timeout: 'PT1H', onTimeout: 'reject' })],
          }),
        );
        clock.now = after(60);
        const decide = () =>
          lifecycle.decide({
            requestId: request.id,
            approverRef: 'user:default/frank',
            decidedByRef: 'user:default/frank',
            decision: 'approve',
          });
        const timeOut = () =>
          lifecycle.timeOutStage({
            requestId: request.id,
            stageIndex: 0,
            now: clock.now,
          });
        // Alternate who starts first, so both orders are seen.
        const [a, b] = await Promise.allSettled(
          i % 2 ? [decide(), timeOut()] : [timeOut(), decide()],
        );
        const [decision, timeout] = i % 2 ? [a, b] : [b, a];

        const final = (await store.getRequest(request.id))!;
        const events = await store.listEvents(request.id);
        const outcome = {
          state: final.state,
          decisionLanded: decision.status === 'fulfilled',
          timeoutActed:
            timeout.status === 'fulfilled' && timeout.value !== undefined,
          decisions: final.stages[0].decisions.length,
          timedOut: final.stages[0].timedOutAt !== undefined,
          moves: events
            .filter(e => e.type === 'approve' || e.type === 'reject')
            .map(e => [e.type, e.actorRef, e.data?.reason ?? null]),
        };
        expect([
          {
            state: 'APPROVED',
            decisionLanded: true,
            timeoutActed: false,
            decisions: 1,
            timedOut: false,
            moves: [['approve', 'user:default/frank', null]],
          },
          {
            state: 'REJECTED',
            decisionLanded: false,
            timeoutActed: true,
            decisions: 0,
            timedOut: true,
            moves: [
              [
                'reject',
                'plugin:service-catalogue',
                'Stage 1 had no decision within PT1H',
              ],
            ],
          },
        ]).toContainEqual(outcome);
      }
      expect(sent).toEqual([]);
    });

    it('lists the requests past a due time, and sorts by due time with those without one last', async () => {
      const { lifecycle, store, clock } = await setup();
      const policy = policies.find('round-the-clock')!;
      const plain = await lifecycle.createRequest(newRequest());
      const early = await lifecycle.createRequest(
        newRequest({ slaPolicy: policy }),
      );
      clock.now = after(30);
      const late = await lifecycle.createRequest(
        newRequest({ slaPolicy: policy }),
      );
      // The second one has been answered: only its resolution counts.
      clock.now = after(70);
      await lifecycle.decide({
        requestId: late.request.id,
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/frank',
        decision: 'approve',
      });
      const ids = async (query: object) =>
        (await store.listRequests({ order: 'oldest', ...query })).items.map(
          r => r.id,
        );
      // At 70 minutes only the first one missed its response target.
      expect(await ids({ breached: true, now: after(70) })).toEqual([
        early.request.id,
      ]);
      expect(await ids({ breached: false, now: after(70) })).toEqual([
        plain.request.id,
        late.request.id,
      ]);
      // Submitted at 30 minutes, the second one is due at 4h30.
      expect(await ids({ breached: true, now: after(269) })).toHaveLength(1);
      expect(await ids({ breached: true, now: after(271) })).toEqual([
        early.request.id,
        late.request.id,
      ]);
      expect(await ids({ order: 'due' })).toEqual([
        early.request.id,
        late.request.id,
        plain.request.id,
      ]);
    });

    it('counts a late response as breached while the request is still open', async () => {
      const { lifecycle, store, clock } = await setup();
      const policy = policies.find('round-the-clock')!;
      const { request } = await lifecycle.createRequest(
        newRequest({ slaPolicy: policy }),
      );
      // Answered at 70 minutes, ten after its response was due, before the
      // job ran; its resolution is due at 4h.
      clock.now = after(70);
      await lifecycle.decide({
        requestId: request.id,
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/frank',
        decision: 'approve',
      });
      const ids = async (breached: boolean) =>
        (await store.listRequests({ breached, now: after(80) })).items.map(
          r => r.id,
        );
      expect(await ids(true)).toEqual([request.id]);
      expect(await ids(false)).toEqual([]);
    });

    it('sorts by the due time the Due column shows: the response while it is awaited', async () => {
      const { lifecycle, store, clock } = await setup();
      const policy = policies.find('round-the-clock')!;
      // Answered at once: due at 4h for its resolution.
      const answered = await lifecycle.createRequest(
        newRequest({ slaPolicy: policy }),
      );
      clock.now = after(10);
      await lifecycle.decide({
        requestId: answered.request.id,
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/frank',
        decision: 'approve',
      });
      // Submitted an hour later and not answered: its response is due at 2h,
      // though its resolution is due at 5h.
      clock.now = after(60);
      const waiting = await lifecycle.createRequest(
        newRequest({ slaPolicy: policy }),
      );
      const { items } = await store.listRequests({ order: 'due' });
      expect(items.map(r => r.id)).toEqual([
        waiting.request.id,
        answered.request.id,
      ]);
    });
  },
);
