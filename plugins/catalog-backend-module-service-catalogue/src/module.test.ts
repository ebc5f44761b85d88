import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleUnprocessedEntities from '@backstage/plugin-catalog-backend-module-unprocessed';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath, resolve as resolvePath } from 'node:path';
import request from 'supertest';
import { catalogModuleServiceCatalogue } from './module';

// Each test starts a real catalog on a real database and waits for it to
// process entities; on a loaded machine that outlasts Jest's default.
jest.setTimeout(60_000);

const fixture = resolvePath(__dirname, '__fixtures__/offerings.yaml');

const brokenOffering: Entity = {
  apiVersion: 'service-catalogue.io/v1alpha1',
  kind: 'Offering',
  metadata: { name: 'broken-offering' },
  spec: {
    owner: 'group:default/network-team',
    category: 'access/network',
    estimatedDelay: '4 hours',
  },
};

// Processing and stitching run on background loops; a deadline rather than a
// fixed sleep keeps the test fast when they are fast and patient when not.
async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  deadlineMs = 60_000,
): Promise<T> {
  const giveUpAt = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > giveUpAt) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

// The catalog stores offerings like any entity; run against every database
// the suite can reach (SQLite always, PostgreSQL when its connection string
// is set, as scripts/test.sh does).
const databases = TestDatabases.create();

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) {
    rmSync(folder, { recursive: true, force: true });
  }
});

describe.each(databases.eachSupportedId())(
  'catalogModuleServiceCatalogue on %s',
  (databaseId: TestDatabaseId) => {
    async function start(
      options: { location?: string; processingIntervalSeconds?: number } = {},
    ) {
      const { server } = await startTestBackend({
        features: [
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
          catalogPlugin,
          catalogModuleUnprocessedEntities,
          catalogModuleServiceCatalogue,
          mockServices.rootConfig.factory({
            data: {
              catalog: {
                rules: [
                  { allow: ['Offering', 'Group', 'Resource', 'Location'] },
                ],
                locations: [
                  { type: 'file', target: options.location ?? fixture },
                ],
                ...(options.processingIntervalSeconds
                  ? {
                      processingInterval: {
                        seconds: options.processingIntervalSeconds,
                      },
                    }
                  : {}),
              },
            },
          }),
        ],
      });
      return server;
    }

    const auth = mockCredentials.user.header();

    it('rejects a broken offering at validate-entity, naming the field', async () => {
      const server = await start();

      const res = await request(server)
        .post('/api/catalog/validate-entity')
        .set('Authorization', auth)
        .send({
          entity: brokenOffering,
          location: 'url:https://example.com/x.yaml',
        });

      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          name: 'InputError',
          message: expect.stringContaining('/spec/estimatedDelay'),
        }),
      ]);
    });

    it('accepts a valid offering at validate-entity', async () => {
      const server = await start();

      const res = await request(server)
        .post('/api/catalog/validate-entity')
        .set('Authorization', auth)
        .send({
          entity: {
            ...brokenOffering,
            metadata: { name: 'vpn-access' },
            spec: { ...brokenOffering.spec, estimatedDelay: 'PT4H' },
          },
          location: 'url:https://example.com/x.yaml',
        });

      expect(res.status).toBe(200);
    });

    it('stores valid offerings with their relations and records why broken ones are not', async () => {
      const server = await start();

      // Stitching can publish an entity before its relations are in place.
      const entityWithRelation = (
        ref: string,
        type: string,
        targetRef: string,
      ) =>
        eventually(async () => {
          const [kind, rest] = ref.split(':');
          const res = await request(server)
            .get(`/api/catalog/entities/by-name/${kind}/${rest}`)
            .set('Authorization', auth);
          const entity: Entity | undefined =
            res.status === 200 ? res.body : undefined;
          const related = entity?.relations?.some(
            r => r.type === type && r.targetRef === targetRef,
          );
          return related ? entity : undefined;
        }, `${ref} to be stored with ${type} ${targetRef}`);

      const offering = await entityWithRelation(
        'offering:default/vpn-access',
        'ownedBy',
        'group:default/network-team',
      );
      expect(offering.relations).toEqual(
        expect.arrayContaining([
          { type: 'ownedBy', targetRef: 'group:default/network-team' },
          { type: 'offersAccessTo', targetRef: 'resource:default/corp-vpn' },
        ]),
      );
      await entityWithRelation(
        'group:default/network-team',
        'ownerOf',
        'offering:default/vpn-access',
      );
      await entityWithRelation(
        'resource:default/corp-vpn',
        'hasOffering',
        'offering:default/vpn-access',
      );

      // An entity that never validated has no stitched row, so the catalog's
      // own API cannot show it; its errors live only in the refresh state,
      // which the unprocessed module lists as "pending" (not "failed", which
      // needs a stitched row). Its rows come back with a null entity_ref, hence
      // the match on the raw entity.
      const stored = await request(server)
        .get('/api/catalog/entities/by-name/offering/default/broken-offering')
        .set('Authorization', auth);
      expect(stored.status).toBe(404);

      const pending = await eventually(async () => {
        const res = await request(server)
          .get('/api/catalog/entities/unprocessed/pending')
          .set('Authorization', auth);
        const rows: Array<{ unprocessed_entity: Entity; errors?: unknown[] }> =
          res.body.entities ?? [];
        return rows.find(
          row =>
            row.unprocessed_entity.metadata.name === 'broken-offering' &&
            row.errors?.length,
        );
      }, 'the broken offering to carry its processing error');

      expect(pending.errors).toEqual([
        expect.objectContaining({
          name: 'InputError',
          message: expect.stringContaining('/spec/estimatedDelay'),
        }),
      ]);
    }, 90_000);

    it('keeps an offering that breaks later and shows the error on it, naming the field', async () => {
      const folder = mkdtempSync(joinPath(tmpdir(), 'offering-'));
      folders.push(folder);
      const location = joinPath(folder, 'offerings.yaml');
      const valid = readFileSync(fixture, 'utf8')
        .split('\n---\n')
        .filter(doc => !doc.includes('broken-offering'))
        .join('\n---\n');
      writeFileSync(location, valid);
      const server = await start({ location, processingIntervalSeconds: 1 });

      const read = async () => {
        const res = await request(server)
          .get('/api/catalog/entities/by-name/offering/default/vpn-access')
          .set('Authorization', auth);
        return res.status === 200 ? (res.body as AlphaEntity) : undefined;
      };
      await eventually(read, 'the valid offering to be stored');

      // Someone commits a typo: the owner becomes a list.
      writeFileSync(
        location,
        valid.replace(
          'owner: group:default/network-team\n  category',
          'owner: [network-team]\n  category',
        ),
      );

      const broken = await eventually(async () => {
        const entity = await read();
        return entity?.status?.items?.length ? entity : undefined;
      }, 'the processing error to show on the entity');

      // The last valid version stays, so requests in flight keep working.
      expect(broken.spec?.owner).toBe('group:default/network-team');
      expect(broken.status?.items).toEqual([
        expect.objectContaining({
          type: 'backstage.io/catalog-processing',
          level: 'error',
          message: expect.stringContaining('/spec/owner'),
        }),
      ]);
    }, 90_000);
  },
);
