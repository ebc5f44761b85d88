import {
  UserConfig,
  defaultUserTransformer,
  vendors,
} from '@backstage/plugin-catalog-backend-module-ldap';
import {
  createManagerUserTransformer,
  leadingRdn,
} from './managerUserTransformer';

const ANNOTATION = 'service-catalogue.io/manager';

const config: UserConfig = {
  dn: 'ou=people,dc=acme,dc=example',
  options: {},
  map: {
    rdn: 'uid',
    name: 'uid',
    displayName: 'cn',
    email: 'mail',
    memberOf: 'memberOf',
  },
};

const grace = (extra: Record<string, string | string[]> = {}) => ({
  dn: 'uid=grace,ou=people,dc=acme,dc=example',
  entryDN: 'uid=grace,ou=people,dc=acme,dc=example',
  uid: 'grace',
  cn: 'Grace Gallagher',
  mail: 'grace@acme.example',
  ...extra,
});

const transform = createManagerUserTransformer({ annotation: ANNOTATION });

describe('createManagerUserTransformer', () => {
  it('names the manager of the directory entry in the annotation, and keeps the default transform', async () => {
    const entry = grace({ manager: 'uid=frank,ou=people,dc=acme,dc=example' });
    const user = await transform(vendors.default, config, entry);
    const plain = await defaultUserTransformer(vendors.default, config, entry);

    expect(user).toEqual({
      ...plain,
      metadata: {
        ...plain!.metadata,
        annotations: {
          ...plain!.metadata.annotations,
          [ANNOTATION]: 'user:default/frank',
        },
      },
    });
    expect(user?.spec.profile).toEqual({
      displayName: 'Grace Gallagher',
      email: 'grace@acme.example',
    });
  });

  it('leaves the annotation out without a manager, or with several', async () => {
    for (const entry of [
      grace(),
      grace({
        manager: [
          'uid=frank,ou=people,dc=acme,dc=example',
          'uid=bob,ou=people,dc=acme,dc=example',
        ],
      }),
    ]) {
      const user = await transform(vendors.default, config, entry);
      expect(user?.metadata.annotations?.[ANNOTATION]).toBeUndefined();
    }
  });

  it('leaves it out when the manager is not named by the users’ RDN attribute', async () => {
    const byCn = await transform(
      vendors.default,
      config,
      grace({ manager: 'cn=Frank Fischer,ou=staff,dc=acme,dc=example' }),
    );
    expect(byCn?.metadata.annotations?.[ANNOTATION]).toBeUndefined();

    const namedByMail = await transform(
      vendors.default,
      { ...config, map: { ...config.map, name: 'mail' } },
      grace({ manager: 'uid=frank,ou=people,dc=acme,dc=example' }),
    );
    expect(namedByMail?.metadata.name).toBe('grace@acme.example');
    expect(namedByMail?.metadata.annotations?.[ANNOTATION]).toBeUndefined();
  });

  it('uses the configured annotation and the user’s namespace', async () => {
    const user = await createManagerUserTransformer({
      annotation: 'acme.example/manager',
    })(
      vendors.default,
      { ...config, set: { 'metadata.namespace': 'acme' } },
      grace({ manager: 'UID=frank,ou=people,dc=acme,dc=example' }),
    );
    expect(user?.metadata.annotations).toMatchObject({
      'acme.example/manager': 'user:acme/frank',
    });
  });
});

describe('leadingRdn', () => {
  it.each([
    ['uid=frank,ou=people,dc=acme,dc=example', 'uid', 'frank'],
    [' uid = frank , ou=people', 'uid', 'frank'],
    ['uid=o\\2cbrien,ou=people', 'uid', 'o,brien'],
    ['uid=a\\,b\\=c,ou=people', 'uid', 'a,b=c'],
    ['cn=J\\c3\\a9r\\c3\\b4me,ou=people', 'cn', 'Jérôme'],
    ['uid=frank', 'uid', 'frank'],
  ])('reads %s', (dn, attribute, value) => {
    expect(leadingRdn(dn)).toEqual({ attribute, value });
  });

  it.each(['', 'frank', 'uid=,ou=people', 'cn=a+uid=b,ou=people', 'uid=a\\'])(
    'finds no single name in %j',
    dn => {
      expect(leadingRdn(dn)).toBeUndefined();
    },
  );
});
