import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import benchInsertPlugin from './index';

jest.setTimeout(60_000);

describe('benchInsertPlugin', () => {
  const databases = TestDatabases.create();

  it.each(databases.eachSupportedId())(
    'stores one row per authenticated call, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          benchInsertPlugin,
          mockServices.database.factory({ knex }),
        ],
      });

      await request(server)
        .post('/api/bench-insert/inserts')
        .send({ device: 'laptop' })
        .expect(401);

      const created = await request(server)
        .post('/api/bench-insert/inserts')
        .set('Authorization', mockCredentials.user.header('user:default/grace'))
        .send({ device: 'laptop' })
        .expect(201);

      const rows = await knex('bench_inserts').select();
      expect(rows).toEqual([
        expect.objectContaining({
          id: created.body.id,
          user_ref: 'user:default/grace',
          body: '{"device":"laptop"}',
        }),
      ]);
    },
  );

  it('refuses a body that is not an object', async () => {
    const { server } = await startTestBackend({
      features: [benchInsertPlugin],
    });
    await request(server)
      .post('/api/bench-insert/inserts')
      .set('Authorization', mockCredentials.user.header())
      .set('Content-Type', 'application/json')
      .send('"text"')
      .expect(400);
  });
});
