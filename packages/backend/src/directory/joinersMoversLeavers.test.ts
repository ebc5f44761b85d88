import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  LoggerService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleLdap from '@backstage/plugin-catalog-backend-module-ldap';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import catalogModuleServiceCatalogue from '@service-catalogue/plugin-catalog-backend-module-service-catalogue';
import scaffolderModuleServiceCatalogue from '@service-catalogue/plugin-scaffolder-backend-module-service-catalogue';
import serviceCataloguePlugin from '@service-catalogue/plugin-service-catalogue-backend';
import { Grant } from '@service-catalogue/plugin-service-catalogue-common';
import { Attribute, Change, Client, NoSuchObjectError } from 'ldapts';
import { resolve as resolvePath } from 'node:path';
import request from 'supertest';
import { catalogModuleDirectoryManagers } from './catalogModuleDirectoryManagers';
import { userInfoFromCatalog } from '../__testUtils__/services';

// Joiners, movers and leavers end to end, against the directory that
// `bash scripts/ldap.sh start` serves (examples/ldap/acme.ldif): the real
// catalog reads it through the LDAP provider, the service catalogue's
// reconciliation raises and ends birthright grants, and the real scaffolder
// runs the offering's templates, which change a group of the same directory.
// Every job runs every second or so, on the real scheduler.

jest.setTimeout(120_000);

const ldap = {
  url: process.env.SC_LDAP_URL,
  bindDn: process.env.SC_LDAP_BIND_DN ?? 'cn=admin,dc=acme,dc=example',
  bindPassword: process.env.SC_LDAP_PASSWORD ?? 'admin',
};
const people = 'ou=people,dc=acme,dc=example';
const groups = 'ou=groups,dc=acme,dc=example';
const placeholder = 'cn=nobody,dc=acme,dc=example';
const person = (uid: string) => `uid=${uid},${people}`;
const group = (cn: string) => `cn=${cn},${groups}`;

// The test's own directory-only group, which the test-vpn templates change;
// other packages' tests use vpn-users at the same time.
const vpnGroup = group('jml-vpn-users');
const networkTeam = group('network-team');
// Who joins and leaves; they are not in acme.ldif.
const zoe = person('zoe');
const yuri = person('yuri');

const api = '/api/service-catalogue';
const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

/**
 * `describe` when SC_LDAP_URL names a directory, `describe.skip` when it does
 * not; with SC_REQUIRE_LDAP=1 a missing directory fails instead.
 */
function describeWithLdap(): jest.Describe {
  if (ldap.url) {
    return describe;
  }
  if (process.env.SC_REQUIRE_LDAP === '1') {
    throw new Error(
      'SC_REQUIRE_LDAP=1 but SC_LDAP_URL is not set: run `bash scripts/ldap.sh start` and set SC_LDAP_URL=ldap://127.0.0.1:3890',
    );
  }
  return describe.skip;
}

async function asAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url: ldap.url! });
  try {
    await client.bind(ldap.bindDn, ldap.bindPassword);
    return await fn(client);
  } finally {
    await client.unbind();
  }
}

async function membersOf(groupDn: string): Promise<string[]> {
  const { searchEntries } = await asAdmin(client =>
    client.search(groupDn, { scope: 'base', attributes: ['member'] }),
  );
  return [searchEntries[0].member]
    .flat()
    .map(dn => String(dn).toLocaleLowerCase('en-US'));
}

function memberChange(operation: 'add' | 'delete', memberDn: string) {
  return new Change({
    operation,
    modification: new Attribute({ type: 'member', values: [memberDn] }),
  });
}

/** A new member of the network team, whose manager is leo. */
async function join(uid: string, name: string) {
  await asAdmin(async client => {
    await client.add(person(uid), {
      objectClass: 'inetOrgPerson',
      uid,
      cn: name,
      sn: name.split(' ')[1],
      mail: `${uid}@acme.example`,
      manager: person('leo'),
    });
    await client.modify(networkTeam, memberChange('add', person(uid)));
  });
}

/**
 * Takes out what a run of this test adds to the directory, also after one
 * that stopped half-way: the memberof overlay's referential integrity takes
 * deleted people out of their groups.
 */
async function restoreDirectory() {
  await asAdmin(async client => {
    for (const dn of [zoe, yuri, vpnGroup]) {
      try {
        await client.del(dn);
      } catch (error) {
        if (!(error instanceof NoSuchObjectError)) {
          throw error;
        }
      }
    }
  });
}

/** Polls until `check` returns something, and says what it saw last if not. */
async function eventually<T>(
  what: string,
  check: () => Promise<{ done: T | undefined; saw: unknown }>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { done, saw } = await check();
    if (done !== undefined) {
      return done;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Gave up waiting for ${what}; last saw ${JSON.stringify(saw, null, 2)}`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * A logger that keeps what it is told, for the test to see the jobs run;
 * warnings and errors still reach the console.
 */
function recordingLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    error: (message, meta) => console.error(message, meta ?? ''),
    warn: (message, meta) => console.warn(message, meta ?? ''),
    info: message => {
      lines.push(message);
    },
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

function timed(scenario: string) {
  const started = Date.now();
  return () =>
    console.log(`${scenario}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

describeWithLdap()('joiners, movers and leavers from the directory', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const logLines: string[] = [];
  /** How many reconciliation runs finished so far. */
  const reconciliations = () =>
    logLines.filter(line => line.startsWith('Reconciled access:')).length;

  const grantsOf = async (name: string) =>
    (await request(server).get(`${api}/grants`).set('Authorization', as(name)))
      .body.items as Grant[];

  const testVpnGrantOf = (name: string, state: string) =>
    eventually(`a ${state} test-vpn grant of ${name}`, async () => {
      const grants = await grantsOf(name);
      return {
        done: grants.find(
          g =>
            g.offeringRef === 'offering:default/test-vpn' && g.state === state,
        ),
        saw: grants,
      };
    });

  beforeAll(async () => {
    await restoreDirectory();
    await asAdmin(client =>
      client.add(vpnGroup, {
        objectClass: 'groupOfNames',
        cn: 'jml-vpn-users',
        businessCategory: 'access',
        member: placeholder,
      }),
    );

    const ldapProvider = {
      target: ldap.url,
      bind: { dn: ldap.bindDn, secret: ldap.bindPassword },
      users: { dn: people, options: { filter: '(uid=*)' } },
      // As in app-config.ldap.yaml: the access groups are not teams.
      groups: {
        dn: groups,
        options: {
          filter:
            '(&(objectClass=groupOfNames)(businessCategory=*)(!(businessCategory=access)))',
        },
        map: { type: 'businessCategory' },
      },
      schedule: { frequency: { seconds: 1 }, timeout: { seconds: 30 } },
    };

    ({ server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleLdap,
        catalogModuleDirectoryManagers,
        catalogModuleScaffolderEntityModel,
        catalogModuleServiceCatalogue,
        scaffolderPlugin,
        scaffolderModuleServiceCatalogue,
        serviceCataloguePlugin,
        schedulerServiceFactory,
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => recordingLogger(logLines),
        }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['User', 'Group', 'Offering', 'Template'] }],
              locations: [
                {
                  type: 'file',
                  target: resolvePath(
                    __dirname,
                    '__fixtures__/joiners-movers-leavers.yaml',
                  ),
                },
              ],
              providers: { ldapOrg: { test: ldapProvider } },
            },
            serviceCatalogue: {
              categories: [{ id: 'access', title: 'Access' }],
              desk: { groups: ['group:default/service-desk'] },
              fulfilment: { frequency: { milliseconds: 500 } },
              reconciliation: { frequency: { seconds: 1 } },
              ldap: {
                url: ldap.url,
                bindDn: ldap.bindDn,
                bindPassword: ldap.bindPassword,
                groupsBaseDn: groups,
                peopleBaseDn: people,
                placeholderMemberDn: placeholder,
              },
            },
          },
        }),
        userInfoFromCatalog,
        mockServices.permissions.mock({
          async authorize(requests) {
            return requests.map(({ permission }) => ({
              result:
                permission.name === 'service-catalogue.administer'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            }));
          },
          async authorizeConditional(requests) {
            return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
          },
        }).factory,
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send: async () => {} }),
        }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: async () => {} }),
        }),
      ],
    }));

    // The network team's own birthrights come first: the rest of the test
    // starts from a settled catalogue.
    const settled = timed('settle (catalog read, leo and peggy provisioned)');
    await testVpnGrantOf('leo', 'active');
    await testVpnGrantOf('peggy', 'active');
    settled();
  });

  afterAll(async () => {
    await restoreDirectory();
  });

  it('gives a joiner of the network team its birthright, provisioned into the directory', async () => {
    const done = timed('joiner');
    await join('zoe', 'Zoe Zimmermann');

    const grant = await testVpnGrantOf('zoe', 'active');
    expect(grant).toMatchObject({
      holderRef: 'user:default/zoe',
      birthrightGroupRef: 'group:default/network-team',
    });
    expect(await membersOf(vpnGroup)).toContain(zoe);

    const entity = await request(server)
      .get('/api/catalog/entities/by-name/user/default/zoe')
      .set('Authorization', as('zoe'));
    expect(entity.body.metadata.annotations).toMatchObject({
      'service-catalogue.io/manager': 'user:default/leo',
    });
    done();
  });

  it('takes the birthright away from a mover who left the team, in the directory too', async () => {
    const done = timed('mover');
    await asAdmin(client =>
      client.modify(networkTeam, memberChange('delete', zoe)),
    );

    const ended = await testVpnGrantOf('zoe', 'ended');
    expect(ended).toMatchObject({
      birthrightGroupRef: 'group:default/network-team',
      endReason: 'moved',
      revokeTaskId: expect.any(String),
    });
    expect(await membersOf(vpnGroup)).not.toContain(zoe);
    done();
  });

  it('takes everything from a leaver, cancels what they wait for, and reports it to the desk', async () => {
    let done = timed('leaver: joins first');
    await join('yuri', 'Yuri Yilmaz');
    const grant = await testVpnGrantOf('yuri', 'active');
    expect(await membersOf(vpnGroup)).toContain(yuri);

    const submitted = await request(server)
      .post(`${api}/requests`)
      .set('Authorization', as('yuri'))
      .send({
        offeringRef: 'offering:default/lab-access',
        formValues: { reason: 'testing the new switches' },
      });
    expect(submitted.status).toBe(201);
    // His manager, from the directory, is asked.
    expect(submitted.body).toMatchObject({
      state: 'PENDING_APPROVAL',
      stages: [expect.objectContaining({ approvers: ['user:default/leo'] })],
    });
    done();

    done = timed('leaver');
    await asAdmin(client => client.del(yuri));

    const ended = await testVpnGrantOf('yuri', 'ended');
    expect(ended).toMatchObject({
      id: grant.id,
      endReason: 'left',
      revokeTaskId: expect.any(String),
    });
    expect(await membersOf(vpnGroup)).not.toContain(yuri);

    const cancelled = await request(server)
      .get(`${api}/requests/${submitted.body.trackingNumber}`)
      .set('Authorization', as('ken'));
    expect(cancelled.body.request.state).toBe('CANCELLED');

    const departures = await request(server)
      .get(`${api}/departures`)
      .set('Authorization', as('ken'));
    expect(departures.status).toBe(200);
    expect(departures.body.items).toEqual([
      expect.objectContaining({
        userRef: 'user:default/yuri',
        reason: 'missing',
        revokedGrants: [
          expect.objectContaining({
            grantId: grant.id,
            offeringRef: 'offering:default/test-vpn',
          }),
        ],
        cancelledRequests: [
          expect.objectContaining({
            trackingNumber: submitted.body.trackingNumber,
          }),
        ],
      }),
    ]);
    const byOthers = await request(server)
      .get(`${api}/departures`)
      .set('Authorization', as('peggy'));
    expect(byOthers.status).toBe(403);
    done();
  });

  it('changes nothing on further runs', async () => {
    const done = timed('further runs');
    const snapshot = async () => {
      const everyone = ['leo', 'peggy', 'zoe', 'yuri'];
      const state: Record<string, unknown> = {};
      for (const name of everyone) {
        const requests = await request(server)
          .get(`${api}/requests`)
          .set('Authorization', as(name));
        state[name] = {
          requests: requests.body.items.map(
            (r: Record<string, unknown>) => `${r.trackingNumber} ${r.state}`,
          ),
          grants: (await grantsOf(name)).map(
            g => `${g.offeringRef} ${g.state} ${g.endReason ?? ''}`,
          ),
        };
      }
      const departures = await request(server)
        .get(`${api}/departures`)
        .set('Authorization', as('ken'));
      state.departures = departures.body.items.length;
      state.directory = (await membersOf(vpnGroup)).sort();
      return state;
    };

    const before = await snapshot();
    // Two more runs of the reconciliation: the second began after the
    // snapshot, so at least one whole run saw the settled state. The
    // fulfilment and the directory read run more often still.
    const runsBefore = reconciliations();
    await eventually('two more reconciliation runs', async () => ({
      done: reconciliations() >= runsBefore + 2 ? true : undefined,
      saw: { runsBefore, runs: reconciliations() },
    }));
    expect(await snapshot()).toEqual(before);
    expect(before.directory).toEqual(
      [placeholder, person('leo'), person('peggy')].sort(),
    );
    done();
  });
});
