import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleServiceCatalogue from '@service-catalogue/plugin-catalog-backend-module-service-catalogue';
import scaffolderModuleServiceCatalogue from '@service-catalogue/plugin-scaffolder-backend-module-service-catalogue';
import serviceCataloguePlugin from '@service-catalogue/plugin-service-catalogue-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { join, resolve as resolvePath } from 'node:path';
import request from 'supertest';
import { permissionModuleDemoPolicy } from './demo/demoPermissionPolicy';
import {
  authWithActors,
  recordingAuditor,
  recordingNotifications,
  userInfoFromCatalog,
} from './__testUtils__/services';

jest.setTimeout(180_000);

// An AI assistant, through the official MCP client over Streamable HTTP,
// against the real catalog with the example organisation and offerings, the
// real permission backend with the demo's policy, the real scaffolder and
// the MCP actions backend serving the service catalogue's actions. Each
// person's assistant carries that person's token, as an MCP client does
// once its user signed in; it can do what they can do in the UI, no more.

const examples = resolvePath(__dirname, '../../../examples');
const api = '/api/service-catalogue';
const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

type ToolResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: any;
};

describe('AI assistants through the MCP actions backend', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const clients: Client[] = [];
  const auditor = recordingAuditor();

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        catalogModuleServiceCatalogue,
        scaffolderPlugin,
        scaffolderModuleServiceCatalogue,
        serviceCataloguePlugin,
        mcpActionsPlugin,
        permissionPlugin,
        permissionModuleDemoPolicy,
        permissionsServiceFactory,
        authWithActors,
        schedulerServiceFactory,
        userInfoFromCatalog,
        mockServices.rootConfig.factory({
          data: {
            backend: { actions: { pluginSources: ['service-catalogue'] } },
            permission: { enabled: true },
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
            demo: {
              permission: { adminGroups: ['group:default/it-managers'] },
            },
            serviceCatalogue: {
              categories: [
                { id: 'access', title: 'Access' },
                { id: 'access/network', parent: 'access', title: 'Network' },
                { id: 'hardware', title: 'Hardware' },
                {
                  id: 'hardware/laptops',
                  parent: 'hardware',
                  title: 'Laptops',
                },
              ],
              desk: { groups: ['group:default/service-desk'] },
            },
          },
        }),
        auditor.factory,
        ...recordingNotifications().factories,
      ],
    }));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await request(server)
        .get(`${api}/offerings`)
        .set('Authorization', as('grace'));
      if (
        res.body.items?.some((o: { name: string }) => o.name === 'new-laptop')
      ) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error('The example offerings never reached the catalog');
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map(client => client.close()));
  });

  /** An MCP client for someone, with their token as their assistant sends it. */
  async function assistantOf(authorization: string): Promise<Client> {
    const client = new Client({ name: 'test-assistant', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://localhost:${server.port()}/api/mcp-actions/v1`),
        { requestInit: { headers: { Authorization: authorization } } },
      ),
    );
    clients.push(client);
    return client;
  }

  async function call(
    client: Client,
    tool: string,
    args: Record<string, unknown>,
  ): Promise<ToolResult> {
    return (await client.callTool({
      name: `service-catalogue.${tool}`,
      arguments: args,
    })) as ToolResult;
  }

  /** A tool call that must succeed; its structured output. */
  async function output(
    client: Client,
    tool: string,
    args: Record<string, unknown> = {},
  ): Promise<any> {
    const result = await call(client, tool, args);
    expect([tool, result.isError ?? false, result.content[0]?.text]).toEqual([
      tool,
      false,
      expect.anything(),
    ]);
    return result.structuredContent;
  }

  /** A tool call that must be refused; the error the assistant is told. */
  async function refusal(
    client: Client,
    tool: string,
    args: Record<string, unknown> = {},
  ): Promise<string> {
    const result = await call(client, tool, args);
    expect([tool, result.isError]).toEqual([tool, true]);
    return result.content[0].text!;
  }

  /** The request as its requester's UI shows it, to see nothing moved. */
  async function stateOf(trackingNumber: string) {
    const res = await request(server)
      .get(`${api}/requests/${trackingNumber}`)
      .set('Authorization', as('grace'));
    expect(res.status).toBe(200);
    const { state, version, stages } = res.body.request;
    return { state, version, stages, comments: res.body.comments.length };
  }

  async function myRequestCount(name: string): Promise<number> {
    const res = await request(server)
      .get(`${api}/requests`)
      .set('Authorization', as(name));
    expect(res.status).toBe(200);
    return res.body.totalCount;
  }

  it('lists the service catalogue tools with hints that say what each does', async () => {
    const grace = await assistantOf(as('grace'));
    const { tools } = await grace.listTools();
    const hints = Object.fromEntries(
      tools.map(tool => [
        tool.name,
        [
          tool.annotations?.readOnlyHint,
          tool.annotations?.destructiveHint,
          tool.annotations?.idempotentHint,
        ],
      ]),
    );
    expect(hints).toEqual({
      'service-catalogue.find-offerings': [true, false, true],
      'service-catalogue.describe-offering': [true, false, true],
      'service-catalogue.submit-request': [false, false, false],
      'service-catalogue.get-request': [true, false, true],
      'service-catalogue.list-my-requests': [true, false, true],
      'service-catalogue.cancel-request': [false, true, true],
      'service-catalogue.list-requests-awaiting-my-decision': [
        true,
        false,
        true,
      ],
      'service-catalogue.decide-request': [false, true, false],
      'service-catalogue.list-my-access': [true, false, true],
      'service-catalogue.request-grant-extension': [false, false, false],
      'service-catalogue.list-review-lines': [true, false, true],
      'service-catalogue.decide-review-lines': [false, true, false],
    });
    const submit = tools.find(t => t.name.endsWith('submit-request'))!;
    expect(submit.inputSchema).toMatchObject({
      type: 'object',
      required: ['offeringRef', 'formValues'],
    });
  });

  it('lets a requester ask and their manager approve, with nobody else able to read or decide, and shows the request in the lists like any other', async () => {
    const grace = await assistantOf(as('grace'));
    const frank = await assistantOf(as('frank'));
    const nina = await assistantOf(as('nina'));

    // "I need a new laptop."
    const { offerings } = await output(grace, 'find-offerings', {
      text: 'laptop',
      category: 'hardware',
    });
    expect(offerings.map((o: { entityRef: string }) => o.entityRef)).toEqual([
      'offering:default/new-laptop',
    ]);
    const described = await output(grace, 'describe-offering', {
      offeringRef: 'offering:default/new-laptop',
    });
    expect(described).toMatchObject({
      form: { required: ['model', 'keyboard', 'reason'] },
      mayRequest: { forSelf: true, forOthers: false },
      approvalStages: [{ approvers: ['user:default/frank'], policy: 'any' }],
      sla: 'standard',
      estimatedDelay: 'P5D',
    });
    expect(JSON.stringify(described.form)).not.toMatch(/ui:/);

    const before = await myRequestCount('grace');
    const { request: submitted } = await output(grace, 'submit-request', {
      offeringRef: 'offering:default/new-laptop',
      formValues: { model: 'standard-14', keyboard: 'uk', reason: 'broken' },
    });
    expect(submitted).toMatchObject({
      state: 'PENDING_APPROVAL',
      requesterRef: 'user:default/grace',
      submittedByRef: 'user:default/grace',
      stages: [{ approvers: ['user:default/frank'] }],
    });
    const tracking: string = submitted.trackingNumber;
    expect(await myRequestCount('grace')).toBe(before + 1);
    const pending = await stateOf(tracking);

    // The requester cannot approve her own request, nor can a stranger;
    // the stranger is not even told it exists.
    expect(
      await refusal(grace, 'decide-request', {
        request: tracking,
        decision: 'approve',
      }),
    ).toBe(`NotAllowedError: You cannot approve your own request ${tracking}`);
    expect(
      await refusal(nina, 'decide-request', {
        request: tracking,
        decision: 'approve',
      }),
    ).toMatch(/^NotFoundError: /);
    expect(await refusal(nina, 'get-request', { request: tracking })).toMatch(
      /^NotFoundError: /,
    );
    expect(
      await refusal(nina, 'get-request', { request: submitted.id }),
    ).toMatch(/^NotFoundError: /);
    expect(
      await refusal(nina, 'cancel-request', { request: tracking }),
    ).toMatch(/^NotFoundError: /);
    expect(await output(nina, 'list-my-requests')).toMatchObject({
      totalCount: 0,
    });
    expect(
      (await output(nina, 'list-requests-awaiting-my-decision')).items,
    ).toEqual([]);
    // Nor may the approver cancel what someone else asked for.
    expect(
      await refusal(frank, 'cancel-request', { request: tracking }),
    ).toMatch(/^NotAllowedError: /);
    expect(await stateOf(tracking)).toEqual(pending);

    // An internal note of the approver's is not for the requester's eyes,
    // whichever way she reads the request.
    const note = await request(server)
      .post(`${api}/requests/${tracking}/comments`)
      .set('Authorization', as('frank'))
      .send({ body: 'Third laptop this year', visibility: 'internal' });
    expect(note.status).toBe(201);
    expect(
      (await output(frank, 'get-request', { request: tracking })).comments,
    ).toEqual([expect.objectContaining({ body: 'Third laptop this year' })]);
    const seenByGrace = await output(grace, 'get-request', {
      request: tracking,
    });
    expect(seenByGrace).toMatchObject({ seesInternal: false, comments: [] });
    expect(JSON.stringify(seenByGrace)).not.toMatch(/Third laptop/);

    // "What is waiting for me?" "Approve it."
    const waiting = await output(frank, 'list-requests-awaiting-my-decision');
    expect(waiting.items.map((r: any) => r.trackingNumber)).toContain(tracking);
    const { request: decided } = await output(frank, 'decide-request', {
      request: tracking,
      decision: 'approve',
      comment: 'Go ahead',
      stageIndex: 0,
    });
    // Fulfilled by hand: it now waits in the service desk's queue.
    expect(decided.state).toBe('APPROVED');
    expect(decided.stages[0].decisions).toEqual([
      expect.objectContaining({
        approverRef: 'user:default/frank',
        decidedByRef: 'user:default/frank',
        decision: 'approve',
        comment: 'Go ahead',
      }),
    ]);

    // The request is where the UI's lists look for it.
    const mine = await request(server)
      .get(`${api}/requests`)
      .set('Authorization', as('grace'));
    expect(mine.body.items.map((r: any) => r.trackingNumber)).toContain(
      tracking,
    );
    const history = await request(server)
      .get(`${api}/approvals/history`)
      .set('Authorization', as('frank'));
    expect(history.body.items.map((r: any) => r.trackingNumber)).toContain(
      tracking,
    );
    const queue = await request(server)
      .get(`${api}/queue`)
      .set('Authorization', as('judy'));
    expect(queue.body.items.map((r: any) => r.trackingNumber)).toContain(
      tracking,
    );
    expect(
      (await output(grace, 'list-my-requests')).items.map(
        (r: any) => r.trackingNumber,
      ),
    ).toContain(tracking);
  });

  it('validates the form as the UI does and raises no request for others unless the offering lets the caller', async () => {
    const grace = await assistantOf(as('grace'));
    const before = await myRequestCount('grace');

    expect(
      await refusal(grace, 'submit-request', {
        offeringRef: 'offering:default/new-laptop',
        formValues: {
          model: 'standard-14',
          keyboard: 'uk',
          reason: 'broken',
          sendTo: 'my flat',
        },
      }),
    ).toMatch(/^InputError: .*sendTo: the form has no such field/);
    expect(
      await refusal(grace, 'submit-request', {
        offeringRef: 'offering:default/new-laptop',
        formValues: { model: 'gaming-rig', keyboard: 'uk', reason: 'broken' },
      }),
    ).toMatch(/^InputError: /);
    // new-laptop is self-service: only for oneself.
    expect(
      await refusal(grace, 'submit-request', {
        offeringRef: 'offering:default/new-laptop',
        formValues: { model: 'standard-14', keyboard: 'uk', reason: 'broken' },
        forUser: 'user:default/nina',
      }),
    ).toMatch(/^NotAllowedError: /);
    // orders-db-read is only for the data team's audience.
    expect(
      await refusal(grace, 'describe-offering', {
        offeringRef: 'offering:default/orders-db-read',
      }),
    ).toMatch(/^NotFoundError: /);

    expect(await myRequestCount('grace')).toBe(before);
    expect(await myRequestCount('nina')).toBe(0);
  });

  it("lists a person's own access and asks for more time only on their own grants", async () => {
    // The network team records VPN access it gave grace outside a request.
    const recorded = await request(server)
      .post(`${api}/grants`)
      .set('Authorization', as('leo'))
      .send({
        offeringRef: 'offering:default/vpn-access',
        holderRef: 'user:default/grace',
      });
    expect(recorded.status).toBe(201);
    const grantId: string = recorded.body.id;
    const grace = await assistantOf(as('grace'));
    const nina = await assistantOf(as('nina'));

    const { items: graces } = await output(grace, 'list-my-access');
    expect(graces).toEqual([
      expect.objectContaining({
        id: grantId,
        holderRef: 'user:default/grace',
        offeringRef: 'offering:default/vpn-access',
        state: 'active',
        expiresAt: expect.any(String),
      }),
    ]);
    // Asking about someone else's access answers with one's own.
    expect(
      (
        await output(nina, 'list-my-access', {
          holderRef: 'user:default/grace',
        })
      ).items,
    ).toEqual([]);

    const ninasBefore = await myRequestCount('nina');
    expect(await refusal(nina, 'request-grant-extension', { grantId })).toMatch(
      /^NotFoundError: /,
    );
    expect(await myRequestCount('nina')).toBe(ninasBefore);
    expect((await output(grace, 'list-my-access')).items[0]).not.toHaveProperty(
      'pendingExtension',
    );

    const { request: extension } = await output(
      grace,
      'request-grant-extension',
      { grantId, reason: 'On call through March' },
    );
    expect(extension).toMatchObject({
      state: 'PENDING_APPROVAL',
      requesterRef: 'user:default/grace',
      extendsGrantId: grantId,
      stages: [{ approvers: ['user:default/frank'] }, expect.anything()],
    });
    expect((await output(grace, 'list-my-access')).items[0]).toMatchObject({
      pendingExtension: { trackingNumber: extension.trackingNumber },
    });
  });

  it('refuses a caller with no person behind it for everything done for or read for a person', async () => {
    const robot = await assistantOf(
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('external:robot'),
        targetPluginId: 'mcp-actions',
      }),
    );
    const grace = await assistantOf(as('grace'));
    const { request: submitted } = await output(grace, 'submit-request', {
      offeringRef: 'offering:default/new-laptop',
      formValues: {
        model: 'standard-14',
        keyboard: 'us',
        reason: 'lost-or-stolen',
      },
    });
    const before = await stateOf(submitted.trackingNumber);
    const count = await myRequestCount('grace');

    for (const [tool, args] of [
      ['describe-offering', { offeringRef: 'offering:default/new-laptop' }],
      [
        'submit-request',
        {
          offeringRef: 'offering:default/new-laptop',
          formValues: {
            model: 'standard-14',
            keyboard: 'us',
            reason: 'broken',
          },
          forUser: 'user:default/grace',
        },
      ],
      ['get-request', { request: submitted.trackingNumber }],
      ['list-my-requests', {}],
      ['cancel-request', { request: submitted.trackingNumber }],
      ['list-requests-awaiting-my-decision', {}],
      [
        'decide-request',
        { request: submitted.trackingNumber, decision: 'approve' },
      ],
      ['list-my-access', {}],
      ['request-grant-extension', { grantId: 'any' }],
      ['list-review-lines', {}],
      ['decide-review-lines', { lineIds: ['any'], decision: 'keep' }],
    ] as const) {
      expect([tool, await refusal(robot, tool, args)]).toEqual([
        tool,
        expect.stringMatching(/^NotAllowedError: .*signed-in person/),
      ]);
    }
    // Finding offerings reads no one's data; a service may, as over REST.
    expect(
      (await output(robot, 'find-offerings', { text: 'laptop' })).offerings,
    ).toContainEqual(
      expect.objectContaining({ entityRef: 'offering:default/new-laptop' }),
    );

    expect(await stateOf(submitted.trackingNumber)).toEqual(before);
    expect(await myRequestCount('grace')).toBe(count);
  });
});

describe('an adopter who keeps decisions in the portal', () => {
  it('hides decide-request from assistants with the actions filter: it is neither listed nor run', async () => {
    const { server } = await startTestBackend({
      features: [
        serviceCataloguePlugin,
        mcpActionsPlugin,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              actions: {
                pluginSources: ['service-catalogue'],
                filter: {
                  exclude: [{ id: 'service-catalogue:decide-request' }],
                },
              },
            },
            serviceCatalogue: {
              categories: [{ id: 'access', title: 'Access' }],
            },
          },
        }),
        ...recordingNotifications().factories,
      ],
    });
    const client = new Client({ name: 'test-assistant', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://localhost:${server.port()}/api/mcp-actions/v1`),
        { requestInit: { headers: { Authorization: as('frank') } } },
      ),
    );
    try {
      const { tools } = await client.listTools();
      const names = tools.map(tool => tool.name);
      expect(names).toContain(
        'service-catalogue.list-requests-awaiting-my-decision',
      );
      expect(names).not.toContain('service-catalogue.decide-request');
      const result = (await client.callTool({
        name: 'service-catalogue.decide-request',
        arguments: { request: 'REQ-000001', decision: 'approve' },
      })) as ToolResult;
      expect(result).toMatchObject({
        isError: true,
        content: [
          {
            text: expect.stringMatching(/^NotFoundError: Action .* not found/),
          },
        ],
      });
    } finally {
      await client.close();
    }
  });
});
