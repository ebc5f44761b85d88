import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  Content,
  Header,
  Page,
  Progress,
  ProxiedSignInPage,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import {
  IdentityApi,
  discoveryApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { SignInPageProps } from '@backstage/plugin-app-react';
import Avatar from '@material-ui/core/Avatar';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemAvatar from '@material-ui/core/ListItemAvatar';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';

const STORAGE_KEY = 'demo-sign-in/user';

interface DemoUser {
  name: string;
  displayName: string;
  email?: string;
  memberOf: string[];
  description?: string;
}

/**
 * The demo's sign-in page: pick any example user and act as them. The
 * backend's `demo` auth provider issues the token, and only when the demo
 * app-config enables it.
 */
export function DemoSignInPage(props: SignInPageProps) {
  const [userName, setUserName] = useState(() =>
    window.localStorage.getItem(STORAGE_KEY),
  );

  const choose = (name: string | null) => {
    if (name) {
      window.localStorage.setItem(STORAGE_KEY, name);
    } else {
      window.localStorage.removeItem(STORAGE_KEY);
    }
    setUserName(name);
  };

  if (!userName) {
    return <ExampleUserList onChoose={choose} />;
  }

  return (
    <ProxiedSignInPage
      provider="demo"
      headers={{ 'x-demo-user': userName }}
      onSignInSuccess={identity =>
        props.onSignInSuccess(forgetUserOnSignOut(identity))
      }
      ErrorComponent={({ error }) => (
        <ExampleUserList
          onChoose={choose}
          error={`Could not sign in as ${userName}: ${
            error?.message ?? 'unknown error'
          }`}
        />
      )}
    />
  );
}

function forgetUserOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    getProfileInfo: () => identity.getProfileInfo(),
    signOut: async () => {
      window.localStorage.removeItem(STORAGE_KEY);
      await identity.signOut();
    },
  };
}

function ExampleUserList(props: {
  onChoose: (name: string) => void;
  error?: string;
}) {
  const discoveryApi = useApi(discoveryApiRef);
  const { value, loading, error } = useAsync(async () => {
    const baseUrl = await discoveryApi.getBaseUrl('demo-sign-in');
    const response = await fetch(`${baseUrl}/users`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body: { items: DemoUser[] } = await response.json();
    return body.items;
  }, [discoveryApi]);

  return (
    <Page themeId="home">
      <Header
        title="Sign in to the demo"
        subtitle="Choose an example user to act as: a requester, an approver, the service desk"
      />
      <Content>
        {props.error && (
          <WarningPanel title="Sign-in failed" message={props.error} />
        )}
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && value.length === 0 && (
          <Typography>
            The catalog has no users yet; it may still be reading the example
            data. Reload in a few seconds.
          </Typography>
        )}
        {value && value.length > 0 && (
          <List aria-label="Example users">
            {value.map(user => (
              <ListItem
                key={user.name}
                button
                onClick={() => props.onChoose(user.name)}
                aria-label={`Sign in as ${user.displayName} (${user.name})`}
              >
                <ListItemAvatar>
                  <Avatar>{user.displayName.slice(0, 1)}</Avatar>
                </ListItemAvatar>
                <ListItemText
                  primary={`${user.displayName} (${user.name})`}
                  secondary={[
                    user.description?.replace(/\.$/, ''),
                    user.memberOf.join(', '),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                />
              </ListItem>
            ))}
          </List>
        )}
      </Content>
    </Page>
  );
}
