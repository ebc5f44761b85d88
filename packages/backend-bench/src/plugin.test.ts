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
          // Without a token the call has no principal, as in production.
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
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

  it('refuses a body that is not a JSON object', async () => {
    const { server } = await startTestBackend({
      features: [benchInsertPlugin],
    });
    const response = await request(server)
      .post('/api/bench-insert/inserts')
      .set('Authorization', mockCredentials.user.header())
      .set('Content-Type', 'application/json')
      .send('["laptop"]');
    expect(response.status).toBe(400);
  });
});
