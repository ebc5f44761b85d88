import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { ResponseResolver, RestContext, RestRequest, rest } from 'msw';
import { setupServer } from 'msw/node';
import { ServiceCatalogueClient } from './ServiceCatalogueClient';

const baseUrl = 'http://localhost:7007/api/service-catalogue';

describe('ServiceCatalogueClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ServiceCatalogueClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: { fetch: (...args) => fetch(...args) },
  });

  it('lists categories', async () => {
    server.use(
      rest.get(`${baseUrl}/categories`, (_req, res, ctx) =>
        res(ctx.json({ items: [{ id: 'access', title: 'Access', order: 1 }] })),
      ),
    );

    await expect(client.getCategories()).resolves.toEqual({
      items: [{ id: 'access', title: 'Access', order: 1 }],
    });
  });

  it('lists offerings', async () => {
    server.use(
      rest.get(`${baseUrl}/offerings`, (_req, res, ctx) =>
        res(ctx.json({ items: [{ name: 'vpn-access' }] })),
      ),
    );

    await expect(client.getOfferings()).resolves.toEqual({
      items: [{ name: 'vpn-access' }],
    });
  });

  it('fetches one offering by namespace and name', async () => {
    const paths: string[] = [];
    server.use(
      rest.get(`${baseUrl}/offerings/:namespace/:name`, (req, res, ctx) => {
        paths.push(req.url.pathname);
        return res(ctx.json({ name: req.params.name }));
      }),
    );

    await expect(
      client.getOffering({ namespace: 'it', name: 'vpn-access' }),
    ).resolves.toEqual({ name: 'vpn-access' });
    expect(paths).toEqual(['/api/service-catalogue/offerings/it/vpn-access']);
  });

  it('sends requests through the fetch API', async () => {
    const fetchApi = { fetch: jest.fn(fetch) };
    server.use(
      rest.get(`${baseUrl}/offerings`, (_req, res, ctx) =>
        res(ctx.json({ items: [] })),
      ),
    );

    await new ServiceCatalogueClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
      fetchApi,
    }).getOfferings();

    expect(fetchApi.fetch).toHaveBeenCalledWith(`${baseUrl}/offerings`);
  });

  it('turns an error response into a ResponseError', async () => {
    server.use(
      rest.get(`${baseUrl}/offerings`, (_req, res, ctx) =>
        res(
          ctx.status(500),
          ctx.json({
            error: { name: 'Error', message: 'Catalog unreachable' },
            request: { method: 'GET', url: '/offerings' },
            response: { statusCode: 500 },
          }),
        ),
      ),
    );

    const error = await client.getOfferings().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(500);
    expect(error.body.error.message).toBe('Catalog unreachable');
  });

  it('rejects with a 404 for an unknown offering', async () => {
    server.use(
      rest.get(`${baseUrl}/offerings/:namespace/:name`, (_req, res, ctx) =>
        res(
          ctx.status(404),
          ctx.json({
            error: { name: 'NotFoundError', message: 'No such offering' },
            request: { method: 'GET', url: '/offerings/default/nope' },
            response: { statusCode: 404 },
          }),
        ),
      ),
    );

    await expect(
      client.getOffering({ namespace: 'default', name: 'nope' }),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 404 });
  });
  it('asks for the anticipated approvers, for a colleague too', async () => {
    const urls: string[] = [];
    server.use(
      rest.get(
        `${baseUrl}/offerings/:namespace/:name/approvers`,
        (req, res, ctx) => {
          urls.push(`${req.url.pathname}${req.url.search}`);
          return res(
            ctx.json({ requesterRef: 'user:default/ann', stages: [] }),
          );
        },
      ),
    );

    await client.getAnticipatedApprovers({ namespace: 'default', name: 'vpn' });
    await expect(
      client.getAnticipatedApprovers({
        namespace: 'default',
        name: 'vpn',
        forUser: 'user:default/bob',
      }),
    ).resolves.toEqual({ requesterRef: 'user:default/ann', stages: [] });
    expect(urls).toEqual([
      '/api/service-catalogue/offerings/default/vpn/approvers',
      '/api/service-catalogue/offerings/default/vpn/approvers?forUser=user%3Adefault%2Fbob',
    ]);
  });

  it('asks whom the user may request an offering for', async () => {
    server.use(
      rest.get(
        `${baseUrl}/offerings/:namespace/:name/request-options`,
        (req, res, ctx) =>
          res(
            ctx.json({
              forSelf: req.params.name === 'vpn',
              forOthers: false,
            }),
          ),
      ),
    );
    await expect(
      client.getRequestOptions({ namespace: 'default', name: 'vpn' }),
    ).resolves.toEqual({ forSelf: true, forOthers: false });
    await expect(
      client.getRequestOptions({ namespace: 'default', name: 'phone' }),
    ).resolves.toEqual({ forSelf: false, forOthers: false });
  });

  it('lists requests with repeated state filters, search and paging', async () => {
    let query: URLSearchParams | undefined;
    server.use(
      rest.get(`${baseUrl}/requests`, (req, res, ctx) => {
        query = req.url.searchParams;
        return res(ctx.json({ items: [], totalCount: 0 }));
      }),
    );

    await expect(
      client.listRequests({
        state: ['PENDING_APPROVAL', 'APPROVED'],
        search: 'REQ-000001',
        limit: 20,
        offset: 40,
      }),
    ).resolves.toEqual({ items: [], totalCount: 0 });
    expect(query?.getAll('state')).toEqual(['PENDING_APPROVAL', 'APPROVED']);
    expect(query?.get('search')).toBe('REQ-000001');
    expect(query?.get('limit')).toBe('20');
    expect(query?.get('offset')).toBe('40');

    await client.listRequests({ cursor: 'after-40', limit: 20 });
    expect(query?.get('cursor')).toBe('after-40');
    expect(query?.get('offset')).toBeNull();
  });

  it('lists requests without a query string when nothing is filtered', async () => {
    const searches: string[] = [];
    server.use(
      rest.get(`${baseUrl}/requests`, (req, res, ctx) => {
        searches.push(req.url.search);
        return res(ctx.json({ items: [], totalCount: 0 }));
      }),
    );

    await client.listRequests();
    expect(searches).toEqual(['']);
  });

  it('submits a request as JSON', async () => {
    const bodies: unknown[] = [];
    server.use(
      rest.post(`${baseUrl}/requests`, async (req, res, ctx) => {
        expect(req.headers.get('content-type')).toBe('application/json');
        bodies.push(await req.json());
        return res(
          ctx.status(201),
          ctx.json({ id: 'r1', trackingNumber: 'REQ-000001' }),
        );
      }),
    );

    await expect(
      client.submitRequest({
        offeringRef: 'offering:default/vpn-access',
        forUser: 'user:default/bob',
        formValues: { reason: 'on call' },
      }),
    ).resolves.toEqual({ id: 'r1', trackingNumber: 'REQ-000001' });
    expect(bodies).toEqual([
      {
        offeringRef: 'offering:default/vpn-access',
        forUser: 'user:default/bob',
        formValues: { reason: 'on call' },
      },
    ]);
  });

  it('fetches a request by tracking number, encoding the path', async () => {
    const paths: string[] = [];
    server.use(
      rest.get(`${baseUrl}/requests/:requestId`, (req, res, ctx) => {
        paths.push(req.url.pathname);
        return res(ctx.json({ actions: ['comment'] }));
      }),
      rest.get(`${baseUrl}/requests/:requestId/task-log`, (req, res, ctx) => {
        paths.push(req.url.pathname);
        return res(ctx.json({ taskId: 't1', lines: [] }));
      }),
    );

    await expect(client.getRequest('REQ-000001')).resolves.toEqual({
      actions: ['comment'],
    });
    await client.getRequest('a/b');
    await client.getRequestTaskLog('REQ-000001');
    expect(paths).toEqual([
      '/api/service-catalogue/requests/REQ-000001',
      '/api/service-catalogue/requests/a%2Fb',
      '/api/service-catalogue/requests/REQ-000001/task-log',
    ]);
  });

  it('posts decisions, cancellations and comments', async () => {
    const calls: Array<{ path: string; body: unknown }> = [];
    const record =
      (status: number): ResponseResolver<RestRequest, RestContext> =>
      async (req, res, ctx) => {
        calls.push({ path: req.url.pathname, body: await req.json() });
        return res(ctx.status(status), ctx.json({ ok: true }));
      };
    server.use(
      rest.post(`${baseUrl}/requests/:id/decisions`, record(200)),
      rest.post(`${baseUrl}/requests/:id/cancel`, record(200)),
      rest.post(`${baseUrl}/requests/:id/comments`, record(201)),
    );

    await client.decideRequest('REQ-000001', {
      decision: 'approve',
      comment: 'fine',
    });
    await client.cancelRequest('REQ-000002', { expectedVersion: 3 });
    await client.addComment('REQ-000003', {
      body: 'Any news?',
      visibility: 'external',
    });

    expect(calls).toEqual([
      {
        path: '/api/service-catalogue/requests/REQ-000001/decisions',
        body: { decision: 'approve', comment: 'fine' },
      },
      {
        path: '/api/service-catalogue/requests/REQ-000002/cancel',
        body: { expectedVersion: 3 },
      },
      {
        path: '/api/service-catalogue/requests/REQ-000003/comments',
        body: { body: 'Any news?', visibility: 'external' },
      },
    ]);
  });

  it('posts a retry without a body', async () => {
    const paths: string[] = [];
    server.use(
      rest.post(`${baseUrl}/requests/:id/retry`, (req, res, ctx) => {
        paths.push(req.url.pathname);
        return res(ctx.json({ state: 'IN_PROGRESS' }));
      }),
    );
    await expect(client.retryRequest('REQ-000004')).resolves.toEqual({
      state: 'IN_PROGRESS',
    });
    expect(paths).toEqual(['/api/service-catalogue/requests/REQ-000004/retry']);
  });

  it('lists the desk queue with its filters', async () => {
    const urls: string[] = [];
    server.use(
      rest.get(`${baseUrl}/queue`, (req, res, ctx) => {
        urls.push(`${req.url.pathname}${req.url.search}`);
        return res(ctx.json({ items: [], totalCount: 0 }));
      }),
    );

    await expect(client.listQueue()).resolves.toEqual({
      items: [],
      totalCount: 0,
    });
    await client.listQueue({
      state: ['APPROVED', 'IN_PROGRESS'],
      offering: 'offering:default/vpn-access',
      requester: 'user:default/ann',
      assignee: 'none',
    });
    expect(urls).toEqual([
      '/api/service-catalogue/queue',
      '/api/service-catalogue/queue?state=APPROVED&state=IN_PROGRESS&offering=offering%3Adefault%2Fvpn-access&requester=user%3Adefault%2Fann&assignee=none',
    ]);
  });

  it('asks for a report with its filters, leaving out the empty ones', async () => {
    const urls: string[] = [];
    server.use(
      rest.get(`${baseUrl}/reports/*`, (req, res, ctx) => {
        urls.push(`${req.url.pathname}${req.url.search}`);
        return res(ctx.json({ items: [], totalCount: 0 }));
      }),
    );

    await expect(client.getReport('sla/breaches')).resolves.toEqual({
      items: [],
      totalCount: 0,
    });
    await client.getReport('volume', {
      from: '2026-01-01',
      to: undefined,
      category: '',
      owner: 'group:default/network-team',
      bucket: 'week',
    });
    expect(urls).toEqual([
      '/api/service-catalogue/reports/sla/breaches',
      '/api/service-catalogue/reports/volume?from=2026-01-01&owner=group%3Adefault%2Fnetwork-team&bucket=week',
    ]);
  });

  it('asks for one page of the desk queue at a time', async () => {
    const urls: string[] = [];
    server.use(
      rest.get(`${baseUrl}/queue`, (req, res, ctx) => {
        urls.push(`${req.url.pathname}${req.url.search}`);
        return res(ctx.json({ items: [], totalCount: 230 }));
      }),
    );

    await expect(client.listQueue({ limit: 25, offset: 200 })).resolves.toEqual(
      { items: [], totalCount: 230 },
    );
    await client.listQueue({ assignee: 'none', limit: 25, offset: 0 });
    expect(urls).toEqual([
      '/api/service-catalogue/queue?limit=25&offset=200',
      '/api/service-catalogue/queue?assignee=none&limit=25&offset=0',
    ]);
  });

  it('posts assignments, completions and failures', async () => {
    const calls: Array<{ path: string; body: unknown }> = [];
    const record: ResponseResolver<RestRequest, RestContext> = async (
      req,
      res,
      ctx,
    ) => {
      calls.push({ path: req.url.pathname, body: await req.json() });
      return res(ctx.json({ state: 'IN_PROGRESS' }));
    };
    server.use(
      rest.post(`${baseUrl}/requests/:id/assign`, record),
      rest.post(`${baseUrl}/requests/:id/complete`, record),
      rest.post(`${baseUrl}/requests/:id/fail`, record),
    );

    await expect(client.assignRequest('REQ-000001')).resolves.toEqual({
      state: 'IN_PROGRESS',
    });
    await client.assignRequest('REQ-000001', {
      assigneeRef: 'user:default/bob',
      expectedVersion: 3,
    });
    await client.completeRequest('REQ-000002');
    await client.completeRequest('REQ-000002', { note: 'Laptop handed over' });
    await client.failRequest('REQ-000003', { reason: 'Out of stock' });

    expect(calls).toEqual([
      { path: '/api/service-catalogue/requests/REQ-000001/assign', body: {} },
      {
        path: '/api/service-catalogue/requests/REQ-000001/assign',
        body: { assigneeRef: 'user:default/bob', expectedVersion: 3 },
      },
      { path: '/api/service-catalogue/requests/REQ-000002/complete', body: {} },
      {
        path: '/api/service-catalogue/requests/REQ-000002/complete',
        body: { note: 'Laptop handed over' },
      },
      {
        path: '/api/service-catalogue/requests/REQ-000003/fail',
        body: { reason: 'Out of stock' },
      },
    ]);
  });

  it('turns a refused decision into a ResponseError with the reason', async () => {
    server.use(
      rest.post(`${baseUrl}/requests/:id/decisions`, (_req, res, ctx) =>
        res(
          ctx.status(409),
          ctx.json({
            error: { name: 'ConflictError', message: 'Already decided' },
            request: { method: 'POST', url: '/requests/REQ-000001/decisions' },
            response: { statusCode: 409 },
          }),
        ),
      ),
    );

    const error = await client
      .decideRequest('REQ-000001', { decision: 'reject' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.body.error.message).toBe('Already decided');
  });

  it('lists approvals waiting and decided', async () => {
    server.use(
      rest.get(`${baseUrl}/approvals`, (_req, res, ctx) =>
        res(ctx.json({ items: [{ id: 'waiting' }], totalCount: 1 })),
      ),
      rest.get(`${baseUrl}/approvals/history`, (_req, res, ctx) =>
        res(ctx.json({ items: [{ id: 'decided' }], totalCount: 1 })),
      ),
    );

    await expect(client.listAwaitingApproval()).resolves.toEqual({
      items: [{ id: 'waiting' }],
      totalCount: 1,
    });
    await expect(client.listDecided()).resolves.toEqual({
      items: [{ id: 'decided' }],
      totalCount: 1,
    });
  });

  it('asks for the next page of approvals with the cursor it was given', async () => {
    const asked: string[] = [];
    server.use(
      rest.get(`${baseUrl}/approvals`, (req, res, ctx) => {
        asked.push(req.url.search);
        return res(ctx.json({ items: [], totalCount: 0 }));
      }),
      rest.get(`${baseUrl}/approvals/history`, (req, res, ctx) => {
        asked.push(req.url.search);
        return res(ctx.json({ items: [], totalCount: 0 }));
      }),
    );
    await client.listAwaitingApproval({ cursor: 'abc=', limit: 25 });
    await client.listDecided({ cursor: 'next' });
    expect(asked).toEqual(['?cursor=abc%3D&limit=25', '?cursor=next']);
  });

  it('lists, creates and deletes delegations', async () => {
    const deleted: string[] = [];
    server.use(
      rest.get(`${baseUrl}/delegations`, (_req, res, ctx) =>
        res(ctx.json({ items: [] })),
      ),
      rest.post(`${baseUrl}/delegations`, async (req, res, ctx) =>
        res(
          ctx.status(201),
          ctx.json({ id: 'd1', ...(await req.json<object>()) }),
        ),
      ),
      rest.delete(`${baseUrl}/delegations/:id`, (req, res, ctx) => {
        deleted.push(req.params.id as string);
        return res(ctx.status(204));
      }),
    );

    await expect(client.listDelegations()).resolves.toEqual({ items: [] });
    await expect(
      client.createDelegation({
        delegateRef: 'user:default/bob',
        startsAt: '2025-01-01T00:00:00Z',
        endsAt: '2025-01-08T00:00:00Z',
      }),
    ).resolves.toMatchObject({ id: 'd1', delegateRef: 'user:default/bob' });
    await expect(client.deleteDelegation('d1')).resolves.toBeUndefined();
    expect(deleted).toEqual(['d1']);
  });

  it("lists the caller's grants", async () => {
    server.use(
      rest.get(`${baseUrl}/grants`, (_req, res, ctx) =>
        res(ctx.json({ items: [{ id: 'g1', state: 'active' }] })),
      ),
    );

    await expect(client.listMyGrants()).resolves.toEqual({
      items: [{ id: 'g1', state: 'active' }],
    });
  });

  it('revokes a grant with or without a reason, encoding the id', async () => {
    const calls: Array<{ path: string; body: unknown }> = [];
    server.use(
      rest.post(`${baseUrl}/grants/:grantId/revoke`, async (req, res, ctx) => {
        calls.push({ path: req.url.pathname, body: await req.json() });
        return res(ctx.json({ id: req.params.grantId, state: 'revoking' }));
      }),
    );

    await expect(
      client.revokeGrant('g1', { reason: 'Left the project' }),
    ).resolves.toEqual({ id: 'g1', state: 'revoking' });
    await client.revokeGrant('a/b');

    expect(calls).toEqual([
      {
        path: '/api/service-catalogue/grants/g1/revoke',
        body: { reason: 'Left the project' },
      },
      { path: '/api/service-catalogue/grants/a%2Fb/revoke', body: {} },
    ]);
  });

  it('turns a refused revocation into a ResponseError with the reason', async () => {
    server.use(
      rest.post(`${baseUrl}/grants/:grantId/revoke`, (_req, res, ctx) =>
        res(
          ctx.status(409),
          ctx.json({
            error: { name: 'ConflictError', message: 'Already ended' },
            request: { method: 'POST', url: '/grants/g1/revoke' },
            response: { statusCode: 409 },
          }),
        ),
      ),
    );

    const error = await client.revokeGrant('g1').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.body.error.message).toBe('Already ended');
  });

  it('asks for more time on a grant with or without a reason, encoding the id', async () => {
    const calls: Array<{ path: string; body: unknown }> = [];
    server.use(
      rest.post(`${baseUrl}/grants/:grantId/extend`, async (req, res, ctx) => {
        calls.push({ path: req.url.pathname, body: await req.json() });
        return res(
          ctx.status(201),
          ctx.json({
            id: 'r7',
            trackingNumber: 'REQ-000007',
            state: 'PENDING_APPROVAL',
            extendsGrantId: req.params.grantId,
          }),
        );
      }),
    );

    await expect(
      client.extendGrant({ grantId: 'g1', reason: 'Project runs on' }),
    ).resolves.toEqual({
      id: 'r7',
      trackingNumber: 'REQ-000007',
      state: 'PENDING_APPROVAL',
      extendsGrantId: 'g1',
    });
    await client.extendGrant({ grantId: 'a/b' });

    expect(calls).toEqual([
      {
        path: '/api/service-catalogue/grants/g1/extend',
        body: { reason: 'Project runs on' },
      },
      { path: '/api/service-catalogue/grants/a%2Fb/extend', body: {} },
    ]);
  });

  it('turns a refused extension into a ResponseError with the reason', async () => {
    server.use(
      rest.post(`${baseUrl}/grants/:grantId/extend`, (_req, res, ctx) =>
        res(
          ctx.status(409),
          ctx.json({
            error: {
              name: 'ConflictError',
              message: 'More time is already asked in REQ-000007',
            },
            request: { method: 'POST', url: '/grants/g1/extend' },
            response: { statusCode: 409 },
          }),
        ),
      ),
    );

    const error = await client.extendGrant({ grantId: 'g1' }).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.body.error.message).toBe(
      'More time is already asked in REQ-000007',
    );
  });

  it('fetches the access to an entity, encoding the path', async () => {
    const paths: string[] = [];
    server.use(
      rest.get(`${baseUrl}/access/:kind/:namespace/:name`, (req, res, ctx) => {
        paths.push(req.url.pathname);
        return res(
          ctx.json({
            offerings: [],
            myGrants: [],
            myRequests: [],
            holders: [],
            canRevoke: false,
          }),
        );
      }),
    );

    await expect(
      client.getEntityAccess({
        kind: 'Resource',
        namespace: 'default',
        name: 'corp-vpn',
      }),
    ).resolves.toMatchObject({ offerings: [], canRevoke: false });
    await client.getEntityAccess({
      kind: 'resource',
      namespace: 'a/b',
      name: 'c d',
    });
    expect(paths).toEqual([
      '/api/service-catalogue/access/Resource/default/corp-vpn',
      '/api/service-catalogue/access/resource/a%2Fb/c%20d',
    ]);
  });
  it('starts a swap on the offering named by its ref, and follows it', async () => {
    const calls: Array<{ path: string; body: unknown }> = [];
    const swap = {
      id: 's1',
      fromOfferingRef: 'offering:it/vpn-access',
      toOfferingRef: 'offering:default/vpn-admin',
      actorRef: 'user:default/leo',
      state: 'running',
      total: 3,
      moved: 0,
      failed: 0,
      createdAt: '2025-03-01T10:00:00Z',
    };
    server.use(
      rest.post(
        `${baseUrl}/offerings/:namespace/:name/swap`,
        async (req, res, ctx) => {
          calls.push({ path: req.url.pathname, body: await req.json() });
          return res(ctx.status(202), ctx.json(swap));
        },
      ),
      rest.get(`${baseUrl}/swaps/:swapId`, (req, res, ctx) => {
        calls.push({ path: req.url.pathname, body: undefined });
        return res(ctx.json({ ...swap, state: 'done', moved: 3 }));
      }),
    );

    await expect(
      client.startSwap({
        offeringRef: 'offering:it/vpn-access',
        toOfferingRef: 'offering:default/vpn-admin',
      }),
    ).resolves.toEqual(swap);
    await client.startSwap({
      offeringRef: 'figma-licence',
      toOfferingRef: 'offering:default/figma-pro',
    });
    await expect(client.getSwap('a/b')).resolves.toMatchObject({
      state: 'done',
      moved: 3,
    });

    expect(calls).toEqual([
      {
        path: '/api/service-catalogue/offerings/it/vpn-access/swap',
        body: { toOfferingRef: 'offering:default/vpn-admin' },
      },
      {
        path: '/api/service-catalogue/offerings/default/figma-licence/swap',
        body: { toOfferingRef: 'offering:default/figma-pro' },
      },
      { path: '/api/service-catalogue/swaps/a%2Fb', body: undefined },
    ]);
  });

  it('turns a refused swap into a ResponseError with the reason', async () => {
    server.use(
      rest.post(
        `${baseUrl}/offerings/:namespace/:name/swap`,
        (_req, res, ctx) =>
          res(
            ctx.status(403),
            ctx.json({
              error: {
                name: 'NotAllowedError',
                message: 'You do not fulfil offering:default/vpn-admin',
              },
              request: { method: 'POST', url: '/offerings/default/vpn/swap' },
              response: { statusCode: 403 },
            }),
          ),
      ),
    );

    const error = await client
      .startSwap({
        offeringRef: 'offering:default/vpn-access',
        toOfferingRef: 'offering:default/vpn-admin',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.body.error.message).toBe(
      'You do not fulfil offering:default/vpn-admin',
    );
  });

  it('lists departures', async () => {
    const departure = {
      id: 'd1',
      userRef: 'user:default/gone',
      detectedAt: '2025-03-01T10:00:00Z',
      reason: 'missing',
      revokedGrants: [],
      cancelledRequests: [],
    };
    server.use(
      rest.get(`${baseUrl}/departures`, (_req, res, ctx) =>
        res(ctx.json({ items: [departure] })),
      ),
    );

    await expect(client.listDepartures()).resolves.toEqual({
      items: [departure],
    });
  });

  it('lists the review lines with their filters and cursor, leaving out the empty ones', async () => {
    const asked: string[] = [];
    server.use(
      rest.get(`${baseUrl}/reviews/lines`, (req, res, ctx) => {
        asked.push(req.url.search);
        return res(ctx.json({ items: [{ id: 'line-1' }], nextCursor: 'n' }));
      }),
    );

    await expect(client.listReviewLines()).resolves.toEqual({
      items: [{ id: 'line-1' }],
      nextCursor: 'n',
    });
    await client.listReviewLines({
      campaignId: 'c1',
      offeringRef: 'offering:default/vpn-access',
      targetRef: 'resource:default/corp-vpn',
      holder: '',
      cursor: 'abc=',
      limit: 25,
    });
    expect(asked).toEqual([
      '',
      '?campaignId=c1&offeringRef=offering%3Adefault%2Fvpn-access&targetRef=resource%3Adefault%2Fcorp-vpn&cursor=abc%3D&limit=25',
    ]);
  });

  it('posts one decision for several review lines, and answers per line', async () => {
    const bodies: unknown[] = [];
    const results = [
      { lineId: 'l1', line: { id: 'l1', decision: 'revoke' } },
      { lineId: 'l2', error: { name: 'ConflictError', message: 'Decided' } },
    ];
    server.use(
      rest.post(`${baseUrl}/reviews/decisions`, async (req, res, ctx) => {
        bodies.push(await req.json());
        return res(ctx.json({ results }));
      }),
    );

    await expect(
      client.decideReviewLines({
        lineIds: ['l1', 'l2'],
        decision: 'revoke',
        reason: 'Left the project',
      }),
    ).resolves.toEqual({ results });
    expect(bodies).toEqual([
      { lineIds: ['l1', 'l2'], decision: 'revoke', reason: 'Left the project' },
    ]);
  });

  it('turns a refused review decision into a ResponseError with the reason', async () => {
    server.use(
      rest.post(`${baseUrl}/reviews/decisions`, (_req, res, ctx) =>
        res(
          ctx.status(400),
          ctx.json({
            error: { name: 'InputError', message: 'Say why' },
            request: { method: 'POST', url: '/reviews/decisions' },
            response: { statusCode: 400 },
          }),
        ),
      ),
    );

    const error = await client
      .decideReviewLines({ lineIds: ['l1'], decision: 'revoke' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.body.error.message).toBe('Say why');
  });

  it('lists, starts and fetches review campaigns, encoding the id', async () => {
    const asked: string[] = [];
    const bodies: unknown[] = [];
    server.use(
      rest.get(`${baseUrl}/reviews/campaigns`, (req, res, ctx) => {
        asked.push(req.url.search);
        return res(ctx.json({ items: [] }));
      }),
      rest.post(`${baseUrl}/reviews/campaigns`, async (req, res, ctx) => {
        bodies.push(await req.json());
        return res(ctx.status(201), ctx.json({ id: 'c1' }));
      }),
      rest.get(`${baseUrl}/reviews/campaigns/:id`, (req, res, ctx) => {
        asked.push(req.url.pathname);
        return res(ctx.json({ id: req.params.id }));
      }),
      rest.get(`${baseUrl}/reviews/campaigns/:id/report`, (req, res, ctx) => {
        asked.push(`${req.url.pathname}${req.url.search}`);
        return res(ctx.json({ campaign: { id: req.params.id } }));
      }),
    );

    await client.listReviewCampaigns();
    await client.listReviewCampaigns({
      state: 'closed',
      cursor: 'x',
      limit: 5,
    });
    await expect(
      client.startReviewCampaign({
        scope: { kind: 'owner', ownerRef: 'group:default/network-team' },
        deadline: 'P7D',
      }),
    ).resolves.toEqual({ id: 'c1' });
    await expect(client.getReviewCampaign('a/b')).resolves.toEqual({
      id: 'a/b',
    });
    await expect(client.getReviewCampaignReport('c1')).resolves.toEqual({
      campaign: { id: 'c1' },
    });
    expect(asked).toEqual([
      '',
      '?state=closed&cursor=x&limit=5',
      '/api/service-catalogue/reviews/campaigns/a%2Fb',
      '/api/service-catalogue/reviews/campaigns/c1/report',
    ]);
    expect(bodies).toEqual([
      {
        scope: { kind: 'owner', ownerRef: 'group:default/network-team' },
        deadline: 'P7D',
      },
    ]);
  });

  it("fetches a campaign's report as CSV through the fetch API", async () => {
    const fetchApi = { fetch: jest.fn(fetch) };
    server.use(
      rest.get(`${baseUrl}/reviews/campaigns/c1/report`, (req, res, ctx) =>
        req.url.searchParams.get('format') === 'csv'
          ? res(
              ctx.set('Content-Type', 'text/csv'),
              ctx.body('holder,decision\r\nuser:default/ann,revoke\r\n'),
            )
          : res(ctx.status(400)),
      ),
    );

    const blob = await new ServiceCatalogueClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
      fetchApi,
    }).getReviewCampaignReportCsv('c1');

    expect(fetchApi.fetch).toHaveBeenCalledWith(
      `${baseUrl}/reviews/campaigns/c1/report?format=csv`,
    );
    expect(blob.type).toMatch(/^text\/csv/);
    await expect(blob.text()).resolves.toBe(
      'holder,decision\r\nuser:default/ann,revoke\r\n',
    );
  });

  it('turns a refused CSV download into a ResponseError', async () => {
    server.use(
      rest.get(`${baseUrl}/reviews/campaigns/c1/report`, (_req, res, ctx) =>
        res(
          ctx.status(404),
          ctx.json({
            error: { name: 'NotFoundError', message: 'No such campaign' },
            request: { method: 'GET', url: '/reviews/campaigns/c1/report' },
            response: { statusCode: 404 },
          }),
        ),
      ),
    );

    const error = await client.getReviewCampaignReportCsv('c1').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
  });
});
