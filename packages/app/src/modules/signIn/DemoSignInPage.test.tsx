import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { discoveryApiRef, IdentityApi } from '@backstage/core-plugin-api';
import {
  TestApiProvider,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/test-utils';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { DemoSignInPage } from './DemoSignInPage';

const server = setupServer();
registerMswTestHooks(server);

const discoveryApi = {
  getBaseUrl: async (pluginId: string) => `http://backend.test/api/${pluginId}`,
};

// The page only reads the expiry from the token.
const base64url = (value: object) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');
const token = `${base64url({ alg: 'none' })}.${base64url({
  sub: 'user:default/grace',
  exp: Math.floor(Date.now() / 1000) + 3600,
})}.signature`;

const users = [
  {
    name: 'grace',
    entityRef: 'user:default/grace',
    displayName: 'Grace Gallagher',
    memberOf: ['web-team'],
    description: 'Frontend engineer.',
  },
  {
    name: 'nina',
    entityRef: 'user:default/nina',
    displayName: 'Nina Nowak',
    memberOf: ['finance'],
  },
];

function render(onSignInSuccess: (identity: IdentityApi) => void) {
  return renderInTestApp(
    <TestApiProvider apis={[[discoveryApiRef, discoveryApi]]}>
      <DemoSignInPage onSignInSuccess={onSignInSuccess} />
    </TestApiProvider>,
  );
}

describe('DemoSignInPage', () => {
  beforeEach(() => {
    window.localStorage.clear();
    server.use(
      rest.get('http://backend.test/api/demo-sign-in/users', (_req, res, ctx) =>
        res(ctx.json({ items: users })),
      ),
    );
  });

  it('signs in as the chosen example user through the demo provider', async () => {
    const sentUsers: Array<string | null> = [];
    server.use(
      rest.get('http://backend.test/api/auth/demo/refresh', (req, res, ctx) => {
        sentUsers.push(req.headers.get('x-demo-user'));
        return res(
          ctx.json({
            profile: { displayName: 'Grace Gallagher' },
            backstageIdentity: {
              token,
              identity: {
                type: 'user',
                userEntityRef: 'user:default/grace',
                ownershipEntityRefs: [
                  'user:default/grace',
                  'group:default/web-team',
                ],
              },
            },
          }),
        );
      }),
    );
    const onSignInSuccess = jest.fn();
    await render(onSignInSuccess);

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Sign in as Grace Gallagher (grace)',
      }),
    );

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled());
    expect(sentUsers).toContain('grace');
    const identity: IdentityApi = onSignInSuccess.mock.calls[0][0];
    expect((await identity.getBackstageIdentity()).userEntityRef).toBe(
      'user:default/grace',
    );
    expect(await identity.getCredentials()).toEqual({ token });

    // The choice survives a reload until the user signs out.
    expect(window.localStorage.getItem('demo-sign-in/user')).toBe('grace');
    await identity.signOut();
    expect(window.localStorage.getItem('demo-sign-in/user')).toBeNull();
  });

  it('shows why sign-in failed and offers the list again', async () => {
    server.use(
      rest.get('http://backend.test/api/auth/demo/refresh', (_req, res, ctx) =>
        res(
          ctx.status(404),
          ctx.json({
            error: { name: 'NotFoundError', message: 'User not found' },
          }),
        ),
      ),
    );
    window.localStorage.setItem('demo-sign-in/user', 'nina');
    const onSignInSuccess = jest.fn();
    await render(onSignInSuccess);

    expect(
      await screen.findByText(/Could not sign in as nina/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as Nina Nowak (nina)' }),
    ).toBeInTheDocument();
    expect(onSignInSuccess).not.toHaveBeenCalled();
  });

  it('explains an empty catalog instead of showing an empty list', async () => {
    server.use(
      rest.get('http://backend.test/api/demo-sign-in/users', (_req, res, ctx) =>
        res(ctx.json({ items: [] })),
      ),
    );
    await render(jest.fn());
    expect(
      await screen.findByText(/The catalog has no users yet/),
    ).toBeInTheDocument();
  });
});
