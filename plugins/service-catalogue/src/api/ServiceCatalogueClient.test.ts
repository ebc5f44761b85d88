import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { rest } from 'msw';
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
});
