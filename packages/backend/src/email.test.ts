import { createServiceFactory } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleServiceCatalogue from '@service-catalogue/plugin-catalog-backend-module-service-catalogue';
import scaffolderModuleServiceCatalogue from '@service-catalogue/plugin-scaffolder-backend-module-service-catalogue';
import serviceCataloguePlugin from '@service-catalogue/plugin-service-catalogue-backend';
import { AddressInfo } from 'node:net';
import { join, resolve as resolvePath } from 'node:path';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import { notificationsEmailWhenConfigured } from './notifications/emailWhenConfigured';
import { authWithActors, userInfoFromCatalog } from './__testUtils__/services';

jest.setTimeout(180_000);

// The demo's notifications by email: the real notifications backend with
// @backstage/plugin-notifications-backend-module-email, added by the demo's
// loader once app-config names a transport, delivering over SMTP to a mail
// server of the test's own on 127.0.0.1. People get the mails at the
// addresses their User entities carry, with links into the portal.

const examples = resolvePath(__dirname, '../../../examples');
const api = '/api/service-catalogue';
const appBaseUrl = 'http://portal.acme.example';
const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

/** An SMTP server on a free port of 127.0.0.1 that keeps what it receives. */
async function startMailServer() {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(mail => {
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    mails,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

function backendFeatures(data: Record<string, unknown>) {
  return [
    catalogPlugin,
    catalogModuleScaffolderEntityModel,
    catalogModuleServiceCatalogue,
    scaffolderPlugin,
    scaffolderModuleServiceCatalogue,
    serviceCataloguePlugin,
    notificationsPlugin,
    notificationsEmailWhenConfigured,
    // Live page updates are not what this test is about, and the signals
    // backend needs a server with WebSockets that the test backend lacks.
    createServiceFactory({
      service: signalsServiceRef,
      deps: {},
      factory: () => ({ publish: async () => {} }),
    }),
    authWithActors,
    schedulerServiceFactory,
    userInfoFromCatalog,
    mockServices.rootConfig.factory({
      data: {
        app: { baseUrl: appBaseUrl },
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
          locations: [
            { type: 'file', target: join(examples, 'all.yaml') },
            {
              type: 'file',
              target: join(__dirname, '__fixtures__/escalating-offering.yaml'),
            },
          ],
        },
        serviceCatalogue: {
          deadlines: { frequency: { seconds: 1 } },
          categories: [
            { id: 'hardware', title: 'Hardware' },
            { id: 'hardware/laptops', parent: 'hardware', title: 'Laptops' },
          ],
          desk: { groups: ['group:default/service-desk'] },
        },
        ...data,
      },
    }),
  ];
}

async function offeringsReached(
  server: Awaited<ReturnType<typeof startTestBackend>>['server'],
) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await request(server)
      .get(`${api}/offerings`)
      .set('Authorization', as('grace'));
    if (
      ['new-laptop', 'after-hours-access'].every(name =>
        res.body.items?.some((o: { name: string }) => o.name === name),
      )
    ) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error('The example offerings never reached the catalog');
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

async function submitLaptopRequest(
  server: Awaited<ReturnType<typeof startTestBackend>>['server'],
): Promise<string> {
  const submitted = await request(server)
    .post(`${api}/requests`)
    .set('Authorization', as('grace'))
    .send({
      offeringRef: 'offering:default/new-laptop',
      formValues: { model: 'standard-14', keyboard: 'uk', reason: 'broken' },
    });
  expect(submitted.status).toBe(201);
  return submitted.body.trackingNumber;
}

describe('notifications by email in the demo', () => {
  let mailServer: Awaited<ReturnType<typeof startMailServer>>;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    mailServer = await startMailServer();
    ({ server } = await startTestBackend({
      features: backendFeatures({
        notifications: {
          processors: {
            email: {
              transportConfig: {
                transport: 'smtp',
                hostname: '127.0.0.1',
                port: mailServer.port,
                secure: false,
              },
              sender: 'service-catalogue@acme.example',
            },
          },
        },
      }),
    }));
    await offeringsReached(server);
  });

  afterAll(async () => {
    await mailServer?.close();
  });

  /** The mails to an address, once at least `count` of them arrived. */
  async function mailsTo(address: string, count = 1): Promise<ParsedMail[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const to = mailServer.mails.filter(mail =>
        [mail.to]
          .flat()
          .some(list => list?.value.some(a => a.address === address)),
      );
      if (to.length >= count) {
        return to;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${count} mail(s) to ${address} never arrived; got ${mailServer.mails
            .map(mail => mail.subject)
            .join(', ')}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  it('mails the approver that a decision is needed and the requester the outcome, each with a link into the portal', async () => {
    const trackingNumber = await submitLaptopRequest(server);

    const [ask] = (await mailsTo('frank@acme.example')).filter(mail =>
      mail.subject?.includes(trackingNumber),
    );
    expect(ask.subject).toBe(`Approval needed: ${trackingNumber} New laptop`);
    expect(ask.from?.value[0].address).toBe('service-catalogue@acme.example');
    expect(ask.html).toContain(`${appBaseUrl}/service-catalogue/approvals`);

    const decided = await request(server)
      .post(`${api}/requests/${trackingNumber}/decisions`)
      .set('Authorization', as('frank'))
      .send({ decision: 'approve', comment: 'Enjoy' });
    expect(decided.status).toBe(200);

    const toGrace = await mailsTo('grace@acme.example', 2);
    expect(toGrace.map(mail => mail.subject)).toEqual(
      expect.arrayContaining([
        `${trackingNumber} submitted: New laptop`,
        `${trackingNumber} approved by user:default/frank`,
      ]),
    );
    const approved = toGrace.find(mail => mail.subject?.includes('approved'))!;
    expect(approved.html).toContain(
      `${appBaseUrl}/service-catalogue/requests/${trackingNumber}`,
    );
    expect(approved.text).toContain('Enjoy');

    // Nobody else hears of grace's laptop.
    const others = mailServer.mails.filter(
      mail =>
        mail.subject?.includes(trackingNumber) &&
        ![mail.to]
          .flat()
          .some(list =>
            list?.value.some(a =>
              ['frank@acme.example', 'grace@acme.example'].includes(
                a.address ?? '',
              ),
            ),
          ),
    );
    expect(others.map(mail => mail.subject)).toEqual([]);
  });

  it("mails the escalation approver a link to the request once the stage's deadline passes", async () => {
    const submitted = await request(server)
      .post(`${api}/requests`)
      .set('Authorization', as('grace'))
      .send({
        offeringRef: 'offering:default/after-hours-access',
        formValues: { reason: 'Release night' },
      });
    expect(submitted.status).toBe(201);
    const { trackingNumber } = submitted.body;

    const [escalation] = (await mailsTo('bob@acme.example')).filter(mail =>
      mail.subject?.includes(trackingNumber),
    );
    expect(escalation.subject).toBe(
      `Escalated to you: ${trackingNumber} After-hours building access`,
    );
    expect(escalation.html).toContain(
      `${appBaseUrl}/service-catalogue/requests/${trackingNumber}`,
    );

    // The mail is true: bob may now decide the stage.
    const decided = await request(server)
      .post(`${api}/requests/${trackingNumber}/decisions`)
      .set('Authorization', as('bob'))
      .send({ decision: 'approve' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      trackingNumber,
      state: 'APPROVED',
      stages: [
        {
          approvers: expect.arrayContaining(['user:default/bob']),
          decisions: [
            expect.objectContaining({
              approverRef: 'user:default/bob',
              decision: 'approve',
            }),
          ],
        },
      ],
    });
  });
});

describe('the demo without a mail transport', () => {
  it('starts without the email module and keeps notifications in the app', async () => {
    const { server } = await startTestBackend({
      features: backendFeatures({}),
    });
    await offeringsReached(server);
    const trackingNumber = await submitLaptopRequest(server);

    const deadline = Date.now() + 30_000;
    let titles: string[] = [];
    while (!titles.includes(`Approval needed: ${trackingNumber} New laptop`)) {
      if (Date.now() > deadline) {
        throw new Error(`frank was never notified; he has ${titles}`);
      }
      await new Promise(resolve => setTimeout(resolve, 100));
      const notifications = await request(server)
        .get('/api/notifications/notifications')
        .set('Authorization', as('frank'));
      expect(notifications.status).toBe(200);
      titles = notifications.body.notifications.map(
        (n: { payload: { title: string } }) => n.payload.title,
      );
    }
  });
});
