import { AuditorServiceCreateEventOptions } from '@backstage/backend-plugin-api';
import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import {
  GateInitiator,
  TaskMarker,
  findRequestTransition,
} from '@service-catalogue/plugin-service-catalogue-common';
import { DatabaseGateTicketStore } from '../database/DatabaseGateTicketStore';
import { DatabaseGrantStore } from '../database/DatabaseGrantStore';
import { DatabaseRequestStore } from '../database/DatabaseRequestStore';
import { NewRequest } from '../database/RequestStore';
import { TaskDescription } from '../fulfilment/ScaffolderTasks';
import { RequestNotifier } from '../requests/RequestNotifier';
import { GateKeeper } from './GateKeeper';
import { applyDatabaseMigrations } from '../database/migrations';
import { RequestLifecycle } from '../requests/RequestLifecycle';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const ourselves: GateInitiator = {
  type: 'service',
  subject: 'plugin:service-catalogue',
};
const VPN = 'template:default/vpn-access';
const VPN_REVOKE = 'template:default/vpn-access-revoke';

const vpn = (overrides: Partial<NewRequest> = {}): NewRequest => ({
  offeringRef: 'offering:default/vpn-access',
  offeringTitle: 'VPN access',
  offeringOwnerRef: 'group:default/network-team',
  requesterRef: 'user:default/grace',
  submittedByRef: 'user:default/grace',
  formValues: { tunnel: 'split', forUser: 'user:default/grace' },
  stages: [],
  fulfilment: 'automatic',
  templateRef: VPN,
  ...overrides,
});

describe.each(databases.eachSupportedId())(
  'GateKeeper on %s',
  (databaseId: TestDatabaseId) => {
    async function setUp() {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      const requests = await DatabaseRequestStore.create({ database });
      const grants = await DatabaseGrantStore.create({ database });
      const lifecycle = RequestLifecycle.create({
        requests: requests,
        grants: grants,
      });
      const tickets = await DatabaseGateTicketStore.create({ database });
      const tasks = new Map<string, TaskDescription>();
      const audits: Array<{
        options: AuditorServiceCreateEventOptions;
        outcome?: string;
        error?: string;
      }> = [];
      const sent: Array<{ recipients: unknown; title: string }> = [];
      const gate = GateKeeper.create({
        tickets,
        requests,
        grants,
        tasks: {
          describe: async (taskId: string) => tasks.get(taskId)!,
        } as any,
        catalog: catalogServiceMock({
          entities: [
            {
              apiVersion: 'service-catalogue.io/v1alpha1',
              kind: 'Offering',
              metadata: { name: 'vpn-access', namespace: 'default' },
              spec: { owner: 'network-team', template: VPN },
            },
            {
              apiVersion: 'service-catalogue.io/v1alpha1',
              kind: 'Offering',
              metadata: { name: 'vpn-access-legacy', namespace: 'default' },
              // Names its template by name alone.
              spec: { owner: 'it-managers', template: 'vpn-access' },
            },
          ],
        }),
        auth: mockServices.auth(),
        auditor: {
          async createEvent(options) {
            const audit: (typeof audits)[number] = { options };
            audits.push(audit);
            return {
              async success() {
                audit.outcome = 'success';
              },
              async fail({ error }) {
                audit.outcome = 'fail';
                audit.error = error.message;
              },
            };
          },
        },
        notifier: RequestNotifier.create({
          notifications: {
            send: async (n: any) => {
              sent.push({ recipients: n.recipients, title: n.payload.title });
            },
          } as any,
          signals: { publish: async () => {} } as any,
          logger: mockServices.logger.mock(),
        }),
        logger: mockServices.logger.mock(),
      });

      /** An automatic request claimed for provisioning, with its ticket. */
      async function provisioning(overrides: Partial<NewRequest> = {}) {
        const { request } = await lifecycle.createRequest(vpn(overrides));
        const [claim] = await requests.claimFulfilment({
          worker: 'w',
          leaseMs: 60_000,
          limit: 1,
          start: findRequestTransition({
            from: 'APPROVED',
            action: 'start',
            actor: 'system',
          })!,
        });
        const issued = await tickets.issue({
          purpose: 'provision',
          subjectId: request.id,
          run: claim.run,
          templateRef: VPN,
        });
        const marker: TaskMarker = {
          purpose: 'provision',
          requestId: request.id,
          trackingNumber: request.trackingNumber,
          run: claim.run,
          ticket: (issued as { ticket: string }).ticket,
        };
        return { request: claim.request, marker };
      }

      let taskCount = 0;
      /** A task as the scaffolder stored it, and the gate asked about it. */
      async function check(
        values: JsonObject,
        options: {
          initiator?: GateInitiator;
          templateRef?: string;
          createdBy?: string;
        } = {},
      ) {
        const taskId = `task-${++taskCount}`;
        tasks.set(taskId, {
          templateRef: options.templateRef ?? VPN,
          values,
          ...(options.createdBy ? { createdBy: options.createdBy } : {}),
        });
        return {
          taskId,
          result: await gate.check({
            taskId,
            initiator: options.initiator ?? ourselves,
          }),
        };
      }
      return {
        lifecycle,
        knex,
        requests,
        grants,
        tickets,
        audits,
        sent,
        provisioning,
        check,
      };
    }

    it('lets through the task the backend started for a request in progress, with its stored values, and audits it', async () => {
      const { provisioning, check, audits, sent } = await setUp();
      const { request, marker } = await provisioning();

      const { taskId, result } = await check({
        ...request.formValues,
        serviceCatalogue: marker,
      });

      expect(result).toEqual({
        allowed: true,
        purpose: 'provision',
        trackingNumber: request.trackingNumber,
        forUser: 'user:default/grace',
      });
      expect(audits).toEqual([
        expect.objectContaining({
          options: expect.objectContaining({
            eventId: 'gate-check',
            meta: { taskId, initiator: 'plugin:service-catalogue' },
          }),
          outcome: 'success',
        }),
      ]);
      expect(sent).toEqual([]);
    });

    it.each([
      [
        'a user',
        { type: 'user', userEntityRef: 'user:default/grace' },
        /created by user:default\/grace/,
      ],
      [
        'another plugin',
        { type: 'service', subject: 'plugin:catalog' },
        /created by plugin:catalog/,
      ],
      ['nobody', { type: 'none' }, /created by nobody signed in/],
    ] as const)(
      'refuses a task created by %s, even with a valid ticket, and tells the owners',
      async (_who, initiator, reason) => {
        const { provisioning, check, audits, sent, tickets } = await setUp();
        const { request, marker } = await provisioning();

        const { result } = await check(
          { ...request.formValues, serviceCatalogue: marker },
          { initiator },
        );

        expect(result).toEqual({
          allowed: false,
          reason: expect.stringMatching(reason),
        });
        expect(audits[0]).toMatchObject({
          outcome: 'fail',
          error: expect.stringMatching(/only the service catalogue/),
        });
        expect(sent).toEqual([
          {
            recipients: {
              type: 'entity',
              entityRef: [
                'group:default/network-team',
                'group:default/it-managers',
              ],
            },
            title: `The gate stopped a task of ${VPN}`,
          },
        ]);
        // The ticket is still there for the backend's own task.
        expect(
          await tickets.pass({
            purpose: 'provision',
            subjectId: request.id,
            run: marker.run,
            ticket: marker.ticket,
            taskId: 'the-real-one',
            templateRef: VPN,
          }),
        ).toBe('passed');
      },
    );

    it('refuses a task the scaffolder says a user created, whatever initiator it is told', async () => {
      const { provisioning, check, sent } = await setUp();
      const { request, marker } = await provisioning();

      const { result } = await check(
        { ...request.formValues, serviceCatalogue: marker },
        { createdBy: 'user:default/grace' },
      );
      expect(result).toEqual({
        allowed: false,
        reason: expect.stringContaining('created by user:default/grace'),
      });
      expect(sent).toHaveLength(1);
    });

    it('audits, but raises no alarm about, its own task that a later ticket replaced', async () => {
      const { provisioning, check, audits, sent, tickets } = await setUp();
      const { request, marker } = await provisioning();
      // A worker died after creating the task; the next one issued anew.
      await tickets.issue({
        purpose: 'provision',
        subjectId: request.id,
        run: marker.run,
        templateRef: VPN,
      });

      const { result } = await check({
        ...request.formValues,
        serviceCatalogue: marker,
      });
      expect(result).toMatchObject({
        allowed: false,
        reason: expect.stringContaining('not the current one'),
      });
      expect(audits).toEqual([expect.objectContaining({ outcome: 'fail' })]);
      expect(sent).toEqual([]);
    });

    it('refuses a task of its own with another forUser or another value, naming them', async () => {
      const { provisioning, check } = await setUp();
      const { request, marker } = await provisioning();

      const forNina = await check({
        ...request.formValues,
        forUser: 'user:default/nina',
        serviceCatalogue: marker,
      });
      expect(forNina.result).toEqual({
        allowed: false,
        reason: `its values differ from those stored for ${request.trackingNumber} (forUser)`,
      });

      const extra = await check({
        ...request.formValues,
        tunnel: 'full',
        admin: true,
        serviceCatalogue: marker,
      });
      expect(extra.result).toMatchObject({
        allowed: false,
        reason: expect.stringContaining('(admin, tunnel)'),
      });
    });

    it('refuses a task without a ticket, with a guessed one, on another template, or after another task passed', async () => {
      const { provisioning, check } = await setUp();
      const { request, marker } = await provisioning();
      const values = { ...request.formValues };

      expect((await check(values)).result).toMatchObject({
        allowed: false,
        reason: 'the task carries no service catalogue ticket',
      });
      expect(
        (
          await check({
            ...values,
            serviceCatalogue: { ...marker, ticket: 'x' },
          })
        ).result,
      ).toMatchObject({
        allowed: false,
        reason: expect.stringContaining('ticket is not the current one'),
      });
      expect(
        (
          await check(
            { ...values, serviceCatalogue: marker },
            { templateRef: 'template:default/github-org-membership' },
          )
        ).result,
      ).toMatchObject({
        allowed: false,
        reason: expect.stringContaining('is not fulfilled by'),
      });
      expect(
        (await check({ ...values, serviceCatalogue: marker })).result,
      ).toMatchObject({ allowed: true });
      expect(
        (await check({ ...values, serviceCatalogue: marker })).result,
      ).toMatchObject({
        allowed: false,
        reason: expect.stringContaining('another task already ran'),
      });
    });

    it('refuses to provision a request that is not approved, whatever ticket it carries', async () => {
      const { lifecycle, tickets, check } = await setUp();
      const { request } = await lifecycle.createRequest(
        vpn({
          stages: [
            {
              index: 0,
              approverSpec: ['owner'],
              approvers: ['user:default/leo'],
              source: 'resolved',
              policy: 'any',
              required: 1,
            },
          ],
        }),
      );
      expect(request.state).toBe('PENDING_APPROVAL');
      const issued = await tickets.issue({
        purpose: 'provision',
        subjectId: request.id,
        run: 1,
        templateRef: VPN,
      });

      const { result } = await check({
        ...request.formValues,
        serviceCatalogue: {
          purpose: 'provision',
          requestId: request.id,
          trackingNumber: request.trackingNumber,
          run: 1,
          ticket: (issued as { ticket: string }).ticket,
        },
      });
      expect(result).toEqual({
        allowed: false,
        reason: `${request.trackingNumber} is PENDING_APPROVAL, not being provisioned`,
      });
    });

    it('lets a revoke task through only for a grant being revoked, for its holder', async () => {
      const { lifecycle, grants, tickets, check } = await setUp();
      const { request } = await lifecycle.createRequest(
        vpn({
          fulfilment: 'manual',
          templateRef: undefined,
          grant: { duration: 'P30D', revokeTemplateRef: VPN_REVOKE },
        }),
      );
      await lifecycle.transition({
        requestId: request.id,
        action: 'complete',
        actor: 'fulfiller',
        actorRef: 'user:default/nina',
      });
      const [grant] = await grants.listGrants({
        holderRef: 'user:default/grace',
      });
      const marker = async (run: number): Promise<TaskMarker> => ({
        purpose: 'revoke',
        requestId: request.id,
        trackingNumber: request.trackingNumber,
        grantId: grant.id,
        run,
        ticket: (
          (await tickets.issue({
            purpose: 'revoke',
            subjectId: grant.id,
            run,
            templateRef: VPN_REVOKE,
          })) as { ticket: string }
        ).ticket,
      });

      // Still active: nobody asked for it to end.
      const early = await check(
        {
          forUser: 'user:default/grace',
          reason: 'revoked',
          serviceCatalogue: await marker(1),
        },
        { templateRef: VPN_REVOKE },
      );
      expect(early.result).toEqual({
        allowed: false,
        reason: `its values differ from those stored for ${request.trackingNumber} (reason)`,
      });

      await grants.revokeGrant({
        grantId: grant.id,
        reason: 'revoked',
        actorRef: 'user:default/leo',
      });
      const [claim] = await grants.claimRevocations({
        worker: 'w',
        leaseMs: 60_000,
        limit: 1,
      });
      const current = await marker(claim.run);
      const someoneElse = await check(
        {
          forUser: 'user:default/leo',
          reason: 'revoked',
          serviceCatalogue: current,
        },
        { templateRef: VPN_REVOKE },
      );
      expect(someoneElse.result).toMatchObject({
        allowed: false,
        reason: expect.stringContaining('(forUser)'),
      });
      const holder = await check(
        {
          forUser: 'user:default/grace',
          reason: 'revoked',
          serviceCatalogue: current,
        },
        { templateRef: VPN_REVOKE },
      );
      expect(holder.result).toEqual({
        allowed: true,
        purpose: 'revoke',
        trackingNumber: request.trackingNumber,
        forUser: 'user:default/grace',
      });
    });
  },
);
