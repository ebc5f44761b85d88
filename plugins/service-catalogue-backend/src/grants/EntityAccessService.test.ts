import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
} from '@backstage/backend-test-utils';
import { OfferingSummary } from '@service-catalogue/plugin-service-catalogue-common';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { DatabaseGrantStore } from '../database/DatabaseGrantStore';
import { DatabaseRequestStore } from '../database/DatabaseRequestStore';
import { NewRequest } from '../database/RequestStore';
import { Fulfillers } from '../requests/Fulfillers';
import { RequestLifecycle } from '../requests/RequestLifecycle';
import { EntityAccessService } from './EntityAccessService';
import { applyDatabaseMigrations } from '../database/migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

const grace = 'user:default/grace';

const requestFor = (offeringName: string): NewRequest => ({
  offeringRef: `offering:default/${offeringName}`,
  offeringTitle: offeringName,
  offeringOwnerRef: 'group:default/network-team',
  requesterRef: grace,
  submittedByRef: grace,
  formValues: {},
  stages: [],
  fulfilment: 'manual',
});

describe.each(databases.eachSupportedId())(
  'the Access tab on %s',
  (databaseId: TestDatabaseId) => {
    it('shows an open request for the entity however many newer ones its requester has', async () => {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      await applyDatabaseMigrations(database);
      const requests = await DatabaseRequestStore.create({ database });
      const grants = await DatabaseGrantStore.create({ database });
      const lifecycle = RequestLifecycle.create({ requests, grants });
      const vpn: Partial<OfferingSummary> = {
        entityRef: 'offering:default/vpn-access',
        owner: 'group:default/network-team',
        target: 'resource:default/corp-vpn',
      };
      const service = EntityAccessService.create({
        grants,
        requests,
        offerings: {
          listOfferings: async () => [vpn],
        } as unknown as OfferingCatalogue,
        fulfillers: {
          forEveryone: async () => false,
          claimsOf: async () => new Set([grace]),
        } as unknown as Fulfillers,
      });

      const { request: open } = await lifecycle.createRequest(
        requestFor('vpn-access'),
      );
      for (let i = 0; i < 201; i++) {
        await lifecycle.createRequest(requestFor('laptop'));
      }

      const access = await service.entityAccess({
        entityRef: 'resource:default/corp-vpn',
        credentials: mockCredentials.user(grace),
      });
      expect(access.myRequests.map(r => r.trackingNumber)).toEqual([
        open.trackingNumber,
      ]);
    });
  },
);
