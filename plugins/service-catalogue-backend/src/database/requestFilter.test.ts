import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionFactory,
  createConditionTransformer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { RequestFilter } from '../permissions';
import { requestPermissionRules } from '../permissions/rules';
import { RequestLifecycle } from '../requests/RequestLifecycle';
import { DatabaseGrantStore } from './DatabaseGrantStore';
import { DatabaseRequestStore } from './DatabaseRequestStore';
import { NewRequest } from './RequestStore';
import { applyDatabaseMigrations } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const ruleset: PermissionRuleset<ServiceRequest, RequestFilter> = {
  getRuleByName: name =>
    Object.values(requestPermissionRules).find(rule => rule.name === name)!,
};
const isRequester = createConditionFactory(requestPermissionRules.isRequester);
const isApprover = createConditionFactory(requestPermissionRules.isApprover);
const isOwner = createConditionFactory(requestPermissionRules.isOfferingOwner);

const request = (
  requester: string,
  submitter: string,
  owner: string,
  approvers: string[][],
): NewRequest => ({
  offeringRef: 'offering:default/vpn-access',
  offeringTitle: 'VPN access',
  offeringOwnerRef: `group:default/${owner}`,
  requesterRef: `user:default/${requester}`,
  submittedByRef: `user:default/${submitter}`,
  formValues: {},
  stages: approvers.map((refs, index) => ({
    index,
    approverSpec: refs,
    approvers: refs.map(ref => `user:default/${ref}`),
    source: 'resolved' as const,
    policy: 'any' as const,
    required: 1,
  })),
  fulfilment: 'manual',
});

// Claims come as the catalog spells them; requests store refs in lowercase.
// Each with how many of the four requests below it lets through.
const cases: Array<[string, PermissionCriteria<PermissionCondition>, number]> =
  [
    ['requester', isRequester({ claims: ['user:default/Grace'] }), 2],
    ['submitter', isRequester({ claims: ['user:default/frank'] }), 2],
    [
      'approver of a later stage',
      isApprover({ claims: ['user:default/leo'] }),
      1,
    ],
    ['owner', isOwner({ claims: ['group:default/Web-Team'] }), 2],
    [
      'any of',
      {
        anyOf: [
          isOwner({ claims: ['group:default/finance'] }),
          isApprover({ claims: ['user:default/nina'] }),
        ],
      },
      3,
    ],
    [
      'all of',
      {
        allOf: [
          isRequester({ claims: ['user:default/grace'] }),
          isApprover({ claims: ['user:default/nina'] }),
        ],
      },
      2,
    ],
    ['not', { not: isRequester({ claims: ['user:default/grace'] }) }, 2],
    ['nobody', isRequester({ claims: [] }), 0],
  ];

describe.each(databases.eachSupportedId())(
  'the requests a permission condition lets through, on %s',
  (databaseId: TestDatabaseId) => {
    it.each(cases)(
      'are the same in the database as in memory: %s',
      async (_name, conditions, count) => {
        const knex = await databases.init(databaseId);
        const database = { getClient: async () => knex };
        await applyDatabaseMigrations(database);
        const requests = await DatabaseRequestStore.create({ database });
        const lifecycle = RequestLifecycle.create({
          requests,
          grants: await DatabaseGrantStore.create({ database }),
        });
        for (const input of [
          request('grace', 'grace', 'web-team', [['nina']]),
          request('grace', 'frank', 'finance', [['nina'], ['leo']]),
          request('hank', 'hank', 'web-team', []),
          request('ivy', 'frank', 'finance', [['mia', 'nina']]),
        ]) {
          await lifecycle.createRequest(input);
        }
        const all = (await requests.listRequests({ limit: 100 })).items;
        const authorize = createConditionAuthorizer(ruleset);
        const decision = {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'service-catalogue',
          resourceType: 'service-catalogue-request',
          conditions,
        } as const;
        const inMemory = all
          .filter(r => authorize(decision, r))
          .map(r => r.trackingNumber)
          .sort();

        const inDatabase = (
          await requests.listRequests({
            limit: 100,
            readable: createConditionTransformer(ruleset)(conditions),
          })
        ).items
          .map(r => r.trackingNumber)
          .sort();

        expect(inMemory).toHaveLength(count);
        expect(inDatabase).toEqual(inMemory);
      },
    );
  },
);
