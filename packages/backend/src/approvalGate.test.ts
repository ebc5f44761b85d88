import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { JsonObject, JsonValue } from '@backstage/types';
import catalogModuleServiceCatalogue from '@service-catalogue/plugin-catalog-backend-module-service-catalogue';
import scaffolderModuleServiceCatalogue from '@service-catalogue/plugin-scaffolder-backend-module-service-catalogue';
import serviceCataloguePlugin from '@service-catalogue/plugin-service-catalogue-backend';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { findGateProblem } from '@service-catalogue/plugin-service-catalogue-common';
import request from 'supertest';
import { parse } from 'yaml';
import {
  demoAccessListsPlugin,
  scaffolderModuleDemoAccessLists,
} from './demo/demoAccessLists';
import {
  recordingAuditor,
  recordingNotifications,
  userInfoFromCatalog,
} from './__testUtils__/services';

jest.setTimeout(180_000);

// The approval gate with nothing but the gate itself: the real catalog with
// the example organisation, offerings and templates, the real scaffolder
// with the demo's access lists, and a permission policy that allows
// everything. Whoever calls the scaffolder's own API with an offering's
// template gets nothing; only a task the service catalogue starts for an
// approved request gets through.

const examples = resolvePath(__dirname, '../../../examples');
const scaffolderApi = '/api/scaffolder';
const api = '/api/service-catalogue';
const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);
// What the service catalogue backend itself sends the scaffolder.
const asServiceCatalogue = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('plugin:service-catalogue'),
  targetPluginId: 'scaffolder',
});

type Template = {
  metadata: { name: string };
  spec: {
    type: string;
    owner: string;
    parameters: Array<{
      required?: string[];
      properties: Record<string, JsonObject>;
    }>;
    steps: Array<{ id: string; action: string }>;
  };
};

/** The example templates the service catalogue runs, from `folder`. */
async function offeringTemplates(folder = 'templates'): Promise<Template[]> {
  const dir = join(examples, folder);
  const templates: Template[] = [];
  for (const file of await readdir(dir)) {
    const template = parse(await readFile(join(dir, file), 'utf8'));
    if (template.spec.type === 'service-catalogue') {
      templates.push(template);
    }
  }
  return templates;
}

describe('the example offering templates', () => {
  it.each(['templates', 'ldap/templates'])(
    'in examples/%s all run the gate first and nothing after a failure',
    async folder => {
      const templates = await offeringTemplates(folder);
      expect(templates.length).toBeGreaterThan(0);
      for (const template of templates) {
        expect([
          template.metadata.name,
          findGateProblem(template as any),
        ]).toEqual([template.metadata.name, undefined]);
      }
    },
  );

  it.each(['templates', 'ldap/templates'])(
    'in examples/%s that revoke take every reason a grant can end for',
    async folder => {
      const reasons = [
        'revoked',
        'expired',
        'given-up',
        'left',
        'moved',
        'swapped',
        'reviewed',
      ];
      const enums = (await offeringTemplates(folder)).flatMap(template => {
        const reason = template.spec.parameters
          .map(step => step.properties.reason)
          .find(Boolean);
        return Array.isArray(reason?.enum)
          ? [[template.metadata.name, reason!.enum]]
          : [];
      });
      expect(enums).toEqual(
        enums.map(([name]) => [name, expect.arrayContaining(reasons)]),
      );
    },
  );
});

/** Values a template's form accepts, for `forUser`. */
function valuesFor(template: Template, forUser: string): JsonObject {
  const values: JsonObject = { forUser };
  for (const step of template.spec.parameters) {
    for (const name of step.required ?? []) {
      values[name] = sampleOf(step.properties[name]);
    }
  }
  return values;
}

function sampleOf(schema: JsonObject): JsonValue {
  if (schema.default !== undefined) {
    return schema.default;
  }
  if (Array.isArray(schema.enum)) {
    return schema.enum[0];
  }
  if (schema.type === 'array') {
    return [sampleOf(schema.items as JsonObject)];
  }
  if (schema.format === 'date') {
    return '2027-01-15';
  }
  // Fits the patterns of the examples (a login, a host name).
  return 'acme-bot';
}

describe('the approval gate, without any permission policy', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let accessLists: string;
  const auditor = recordingAuditor();
  const { audits } = auditor;
  const notifications = recordingNotifications();

  /** The demo access lists as they are on disk. */
  async function snapshot(): Promise<Record<string, string>> {
    const lists: Record<string, string> = {};
    for (const file of await readdir(accessLists).catch(() => [])) {
      lists[file] = await readFile(join(accessLists, file), 'utf8');
    }
    return lists;
  }

  async function finished(taskId: string) {
    for (;;) {
      const task = await request(server)
        .get(`${scaffolderApi}/v2/tasks/${taskId}`)
        .set('Authorization', asServiceCatalogue);
      if (!['open', 'processing'].includes(task.body.status)) {
        const events = await request(server)
          .get(`${scaffolderApi}/v2/tasks/${taskId}/events`)
          .set('Authorization', asServiceCatalogue);
        // The steps that began; those after a failed one are only skipped.
        const stepsRun = (
          events.body as Array<{ body: { stepId?: string; status?: string } }>
        )
          .filter(e => e.body.stepId && e.body.status === 'processing')
          .map(e => e.body.stepId);
        return { task: task.body, events: events.body, stepsRun };
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  async function eventually<T>(
    what: string,
    check: () => Promise<T | undefined>,
  ): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const result = await check();
      if (result !== undefined) {
        return result;
      }
      if (Date.now() > deadline) {
        throw new Error(`Gave up waiting for ${what}`);
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  const refusalsFor = (taskId: string) =>
    audits.filter(
      a =>
        a.plugin === 'service-catalogue' &&
        a.options.eventId === 'gate-check' &&
        a.options.meta?.taskId === taskId &&
        a.outcome === 'fail',
    );

  beforeAll(async () => {
    accessLists = await mkdtemp(join(tmpdir(), 'sc-gate-'));
    ({ server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        catalogModuleServiceCatalogue,
        scaffolderPlugin,
        scaffolderModuleServiceCatalogue,
        scaffolderModuleDemoAccessLists,
        demoAccessListsPlugin,
        serviceCataloguePlugin,
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                {
                  allow: [
                    'User',
                    'Group',
                    'System',
                    'Resource',
                    'Offering',
                    'Template',
                    'Location',
                  ],
                },
              ],
              locations: [{ type: 'file', target: join(examples, 'all.yaml') }],
            },
            demo: { accessLists: { directory: accessLists } },
            serviceCatalogue: {
              categories: [
                { id: 'access', title: 'Access' },
                { id: 'access/network', parent: 'access', title: 'Network' },
                { id: 'access/code', parent: 'access', title: 'Code' },
                { id: 'access/data', parent: 'access', title: 'Data' },
                { id: 'access/teams', parent: 'access', title: 'Teams' },
                { id: 'software', title: 'Software' },
                { id: 'hardware', title: 'Hardware' },
                { id: 'infrastructure', title: 'Infrastructure' },
                { id: 'accounts', title: 'Accounts' },
              ],
              desk: { groups: ['group:default/service-desk'] },
              fulfilment: { frequency: { milliseconds: 300 } },
            },
          },
        }),
        userInfoFromCatalog,
        // No policy: everyone may do everything the plugins allow.
        mockServices.permissions.mock({
          async authorize(requests) {
            return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
          },
          async authorizeConditional(requests) {
            return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
          },
        }).factory,
        auditor.factory,
        ...notifications.factories,
      ],
    }));
    // The catalog has read the example offerings and templates.
    await eventually('the example catalogue', async () => {
      const res = await request(server)
        .get(`${api}/offerings`)
        .set('Authorization', as('grace'));
      return res.body.items?.some(
        (o: { name: string }) => o.name === 'vpn-access',
      )
        ? true
        : undefined;
    });
    const templatesRead = async () => {
      const res = await request(server)
        .get('/api/catalog/entities/by-query')
        .query({ filter: 'kind=template,spec.type=service-catalogue' })
        .set('Authorization', as('grace'));
      return res.body.items?.length === (await offeringTemplates()).length
        ? true
        : undefined;
    };
    await eventually('the example templates', templatesRead);
  });

  afterAll(async () => {
    await rm(accessLists, { recursive: true, force: true });
  });

  it('stops at the gate every task a user creates from an offering template, for themselves or for someone else', async () => {
    const templates = await offeringTemplates();
    expect(templates.length).toBeGreaterThanOrEqual(10);
    const before = await snapshot();

    for (const template of templates) {
      expect(template.spec.steps[0].action).toBe('service-catalogue:gate');
      for (const forUser of ['user:default/grace', 'user:default/nina']) {
        const created = await request(server)
          .post(`${scaffolderApi}/v2/tasks`)
          .set('Authorization', as('grace'))
          .send({
            templateRef: `template:default/${template.metadata.name}`,
            values: valuesFor(template, forUser),
          });
        expect(created.status).toBe(201);

        const { task, stepsRun, events } = await finished(created.body.id);
        expect(task.status).toBe('failed');
        // Nothing after the gate ran.
        expect(stepsRun).toEqual(['gate']);
        expect(JSON.stringify(events)).toMatch(
          /only the service catalogue may run this template.*user:default\/grace/,
        );
        expect(refusalsFor(created.body.id)).toEqual([
          expect.objectContaining({
            options: expect.objectContaining({
              severityLevel: 'high',
              meta: expect.objectContaining({
                initiator: 'user:default/grace',
              }),
            }),
            error: expect.stringMatching(/only the service catalogue/),
          }),
        ]);
      }
    }

    expect(await snapshot()).toEqual(before);
    // The owners of the offerings heard of it.
    expect(notifications.sent).toEqual(
      expect.arrayContaining([
        {
          recipients: {
            type: 'entity',
            entityRef: ['group:default/network-team'],
          },
          title: expect.stringMatching(
            /gate stopped a task of template:default\/vpn-access/,
          ),
        },
      ]),
    );
  });

  it('lets through the task it starts for an approved request, once, and refuses the same task with another forUser or a replayed ticket', async () => {
    const before = await snapshot();
    const submitted = await request(server)
      .post(`${api}/requests`)
      .set('Authorization', as('grace'))
      .send({
        offeringRef: 'offering:default/vpn-access',
        formValues: {
          device: 'laptop',
          tunnel: 'split',
          justification: 'Working from home',
        },
      });
    expect(submitted.status).toBe(201);
    const { trackingNumber } = submitted.body;
    // Nothing is provisioned before the approvals.
    expect(await snapshot()).toEqual(before);

    for (const approver of ['frank', 'leo']) {
      const decided = await request(server)
        .post(`${api}/requests/${trackingNumber}/decisions`)
        .set('Authorization', as(approver))
        .send({ decision: 'approve', comment: 'ok' });
      expect(decided.status).toBe(200);
    }

    const done = await eventually(`${trackingNumber} done`, async () => {
      const res = await request(server)
        .get(`${api}/requests/${trackingNumber}`)
        .set('Authorization', as('grace'));
      return res.body.request?.state === 'DONE' ? res.body.request : undefined;
    });
    const { task, stepsRun } = await finished(done.scaffolderTaskId);
    expect(task.status).toBe('completed');
    expect(stepsRun[0]).toBe('gate');
    expect(JSON.parse((await snapshot())['corp-vpn.json'])).toContain(
      'user:default/grace',
    );
    const afterApproval = await snapshot();

    // The backend's own credentials, the stored ticket, another person.
    const values = task.spec.parameters as JsonObject;
    const changed = await request(server)
      .post(`${scaffolderApi}/v2/tasks`)
      .set('Authorization', asServiceCatalogue)
      .send({
        templateRef: 'template:default/vpn-access',
        values: { ...values, forUser: 'user:default/nina' },
      });
    expect(changed.status).toBe(201);
    const changedRun = await finished(changed.body.id);
    expect(changedRun.task.status).toBe('failed');
    expect(changedRun.stepsRun).toEqual(['gate']);
    expect(refusalsFor(changed.body.id)[0].error).toMatch(
      /values differ from those stored for .*\(forUser\)/,
    );

    // The very same task again: its request is done and its ticket spent.
    const replayed = await request(server)
      .post(`${scaffolderApi}/v2/tasks`)
      .set('Authorization', asServiceCatalogue)
      .send({ templateRef: 'template:default/vpn-access', values });
    const replayedRun = await finished(replayed.body.id);
    expect(replayedRun.task.status).toBe('failed');
    expect(replayedRun.stepsRun).toEqual(['gate']);
    expect(refusalsFor(replayed.body.id)[0].error).toMatch(
      /is DONE, not being provisioned/,
    );

    // Another template with the request's ticket: its values are not the
    // request's.
    const otherTemplate = await request(server)
      .post(`${scaffolderApi}/v2/tasks`)
      .set('Authorization', asServiceCatalogue)
      .send({
        templateRef: 'template:default/vpn-access-revoke',
        values: {
          forUser: values.forUser,
          serviceCatalogue: values.serviceCatalogue,
        },
      });
    const otherRun = await finished(otherTemplate.body.id);
    expect(otherRun.task.status).toBe('failed');
    expect(otherRun.stepsRun).toEqual(['gate']);
    expect(refusalsFor(otherTemplate.body.id)[0].error).toMatch(
      /values differ from those stored for .*\(device, justification, tunnel\)/,
    );

    expect(await snapshot()).toEqual(afterApproval);
  });

  it('refuses a revoke template run by a user while the grant is active, and revokes through the gate when an owner revokes', async () => {
    const grants = await request(server)
      .get(`${api}/grants`)
      .set('Authorization', as('grace'));
    const vpn = grants.body.items.find(
      (g: { offeringRef: string; state: string }) =>
        g.offeringRef === 'offering:default/vpn-access' && g.state === 'active',
    );
    expect(vpn).toBeDefined();
    const before = await snapshot();

    // Leo owns the VPN, but not the scaffolder's way around the catalogue.
    const direct = await request(server)
      .post(`${scaffolderApi}/v2/tasks`)
      .set('Authorization', as('leo'))
      .send({
        templateRef: 'template:default/vpn-access-revoke',
        values: { forUser: 'user:default/grace', reason: 'revoked' },
      });
    expect((await finished(direct.body.id)).stepsRun).toEqual(['gate']);
    expect(await snapshot()).toEqual(before);

    const revoked = await request(server)
      .post(`${api}/grants/${vpn.id}/revoke`)
      .set('Authorization', as('leo'))
      .send({ reason: 'No longer needed' });
    expect(revoked.status).toBe(200);
    const ended = await eventually('the grant ended', async () => {
      const res = await request(server)
        .get(`${api}/grants`)
        .set('Authorization', as('grace'));
      const grant = res.body.items.find((g: { id: string }) => g.id === vpn.id);
      return grant?.state === 'ended' ? grant : undefined;
    });
    const { task, stepsRun } = await finished(ended.revokeTaskId);
    expect(task.status).toBe('completed');
    expect(stepsRun[0]).toBe('gate');
    expect(JSON.parse((await snapshot())['corp-vpn.json'])).not.toContain(
      'user:default/grace',
    );
  });

  it('revokes through the gate what a reviewer revokes in an access review, and leaves what they keep', async () => {
    // Grace and Nina get the VPN the ordinary way: approved, then
    // provisioned by its template through the gate.
    const activeVpnOf = async (holder: string) => {
      const res = await request(server)
        .get(`${api}/grants`)
        .set('Authorization', as(holder));
      return res.body.items.some(
        (g: { offeringRef: string; state: string }) =>
          g.offeringRef === 'offering:default/vpn-access' &&
          g.state === 'active',
      )
        ? true
        : undefined;
    };
    for (const holder of ['grace', 'nina']) {
      const submitted = await request(server)
        .post(`${api}/requests`)
        .set('Authorization', as(holder))
        .send({
          offeringRef: 'offering:default/vpn-access',
          formValues: {
            device: 'laptop',
            tunnel: 'split',
            justification: 'Working from home',
          },
        });
      expect(submitted.status).toBe(201);
      // Their managers, then the VPN's owner.
      for (const approver of [holder === 'grace' ? 'frank' : 'oscar', 'leo']) {
        const decided = await request(server)
          .post(`${api}/requests/${submitted.body.trackingNumber}/decisions`)
          .set('Authorization', as(approver))
          .send({ decision: 'approve', comment: 'ok' });
        expect(decided.status).toBe(200);
      }
      await eventually(`${holder}'s VPN`, () => activeVpnOf(holder));
    }
    const onTheList = async () =>
      JSON.parse((await snapshot())['corp-vpn.json']) as string[];
    expect(await onTheList()).toEqual(
      expect.arrayContaining(['user:default/grace', 'user:default/nina']),
    );

    // Leo owns the VPN and opens a review of it; Peggy, on his team,
    // reviews it.
    const opened = await request(server)
      .post(`${api}/reviews/campaigns`)
      .set('Authorization', as('leo'))
      .send({
        scope: { kind: 'offering', offeringRef: 'offering:default/vpn-access' },
      });
    expect(opened.status).toBe(201);
    const lines = await request(server)
      .get(`${api}/reviews/lines`)
      .query({ campaignId: opened.body.id })
      .set('Authorization', as('peggy'));
    const lineOf = (holder: string) =>
      lines.body.items.find(
        (l: { holderRef: string }) => l.holderRef === `user:default/${holder}`,
      );
    expect(lineOf('grace')).toBeDefined();
    expect(lineOf('nina')).toBeDefined();

    const kept = await request(server)
      .post(`${api}/reviews/decisions`)
      .set('Authorization', as('peggy'))
      .send({ lineIds: [lineOf('nina').id], decision: 'keep' });
    expect(kept.body.results[0].line.decision).toBe('keep');
    const revoked = await request(server)
      .post(`${api}/reviews/decisions`)
      .set('Authorization', as('peggy'))
      .send({
        lineIds: [lineOf('grace').id],
        decision: 'revoke',
        reason: 'No longer works remotely',
      });
    expect(revoked.body.results[0].line).toMatchObject({
      decision: 'revoke',
      decidedByRef: 'user:default/peggy',
    });

    const ended = await eventually('the reviewed grant ended', async () => {
      const res = await request(server)
        .get(`${api}/grants`)
        .set('Authorization', as('grace'));
      const grant = res.body.items.find(
        (g: { id: string }) => g.id === lineOf('grace').grantId,
      );
      return grant?.state === 'ended' ? grant : undefined;
    });
    expect(ended).toMatchObject({
      endReason: 'reviewed',
      endedByRef: 'user:default/peggy',
    });
    const { task, stepsRun } = await finished(ended.revokeTaskId);
    expect(task.status).toBe('completed');
    expect(stepsRun[0]).toBe('gate');
    expect(task.spec.parameters).toMatchObject({
      forUser: 'user:default/grace',
      reason: 'reviewed',
    });
    expect(await onTheList()).not.toContain('user:default/grace');
    expect(await onTheList()).toContain('user:default/nina');

    const report = await request(server)
      .get(`${api}/reviews/campaigns/${opened.body.id}/report`)
      .set('Authorization', as('leo'));
    expect(
      report.body.lines
        .filter((l: { decision?: string }) => l.decision)
        .map(
          (l: { holderRef: string; decision: string; grantState: string }) => [
            l.holderRef,
            l.decision,
            l.grantState,
          ],
        )
        .sort(),
    ).toEqual([
      ['user:default/grace', 'revoke', 'ended'],
      ['user:default/nina', 'keep', 'active'],
    ]);
  });
});
