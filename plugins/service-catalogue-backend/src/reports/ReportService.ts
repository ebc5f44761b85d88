import {
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import {
  AccessReport,
  ApprovalsReport,
  AutomationReport,
  DeliveryReport,
  OfferingSummary,
  OfferingsReport,
  ReportBucket,
  ReportQuery,
  SlaBreachesReport,
  SlaReport,
  VolumeReport,
  serviceCatalogueReportReadPermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { DateTime, Duration } from 'luxon';
import { CategoryRegistry } from '../catalogue/CategoryRegistry';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import {
  DatabaseReportStore,
  ReportScope,
} from '../database/DatabaseReportStore';
import { requestPermissionResourceRef } from '../permissions';
import { Fulfillers } from '../requests/Fulfillers';
import { normalizeRef } from '../requests/refs';
import { UserCredentials } from '../requests/useCase';

const UNCATEGORISED = { id: 'none', title: 'Not in the catalog' };
const TOP = 10;
const EXPIRING_WITHIN = Duration.fromObject({ days: 30 });

/** What ReportService works with. */
interface ReportServiceDeps {
  reports: DatabaseReportStore;
  offerings: OfferingCatalogue;
  categories: CategoryRegistry;
  fulfillers: Fulfillers;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
}

/** A report's query with the scope worked out. */
type Scoped = {
  scope: ReportScope;
  /** The offerings the report may name, as the catalog has them. */
  offerings: () => Promise<OfferingSummary[]>;
};

/**
 * The reports: who may read which requests' figures, and the figures. The
 * desk and administrators see every offering, owners their own; the
 * permission policy can narrow that further, or refuse.
 *
 * @internal
 */
export class ReportService {
  static create(deps: ReportServiceDeps): ReportService {
    return new ReportService(deps);
  }

  private constructor(private readonly deps: ReportServiceDeps) {}

  async volume(
    query: ReportQuery & { bucket?: ReportBucket },
    credentials: UserCredentials,
  ): Promise<VolumeReport> {
    const { scope, offerings } = await this.scoped(query, credentials);
    const [perOffering, byPeriod, known] = await Promise.all([
      this.deps.reports.countByOffering(scope),
      this.deps.reports.countByPeriod(scope, query.bucket ?? 'month'),
      offerings(),
    ]);
    const categoryOf = new Map(
      known.map(o => [o.entityRef.toLocaleLowerCase('en-US'), o.category]),
    );
    const titles = new Map(
      this.deps.categories.list().map(c => [c.id, c.title]),
    );
    const counts = new Map<string, number>();
    for (const { offeringRef, count } of perOffering) {
      const category = categoryOf.get(offeringRef) ?? UNCATEGORISED.id;
      counts.set(category, (counts.get(category) ?? 0) + count);
    }
    return {
      byCategory: [...counts]
        .map(([category, count]) => ({
          category,
          title:
            titles.get(category) ??
            (category === UNCATEGORISED.id ? UNCATEGORISED.title : category),
          count,
        }))
        .sort((a, b) => b.count - a.count || a.title.localeCompare(b.title)),
      byPeriod,
    };
  }

  async delivery(
    query: ReportQuery,
    credentials: UserCredentials,
  ): Promise<DeliveryReport> {
    const { scope } = await this.scoped(query, credentials);
    return { items: await this.deps.reports.delivery(scope) };
  }

  async sla(
    query: ReportQuery,
    credentials: UserCredentials,
  ): Promise<SlaReport> {
    const { scope } = await this.scoped(query, credentials);
    return { items: await this.deps.reports.slaCompliance(scope) };
  }

  async slaBreaches(
    query: ReportQuery & { limit?: number; offset?: number },
    credentials: UserCredentials,
  ): Promise<SlaBreachesReport> {
    const { scope } = await this.scoped(query, credentials);
    return this.deps.reports.slaBreaches(scope, {
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    });
  }

  async offerings(
    query: ReportQuery,
    credentials: UserCredentials,
  ): Promise<OfferingsReport> {
    const { scope, offerings } = await this.scoped(query, credentials);
    const candidates = (await offerings()).filter(o => this.inScope(o, scope));
    const [top, requested] = await Promise.all([
      this.deps.reports.countByOffering(scope, { limit: TOP }),
      this.deps.reports.countByOffering({
        ...scope,
        offeringRefs: candidates.map(o =>
          o.entityRef.toLocaleLowerCase('en-US'),
        ),
      }),
    ]);
    const used = new Set(requested.map(r => r.offeringRef));
    return {
      top,
      unused: candidates
        .filter(o => !used.has(o.entityRef.toLocaleLowerCase('en-US')))
        .map(o => ({
          offeringRef: o.entityRef,
          offeringTitle: o.title,
          owner: o.owner,
        }))
        .sort((a, b) => a.offeringTitle.localeCompare(b.offeringTitle)),
    };
  }

  async automation(
    query: ReportQuery,
    credentials: UserCredentials,
  ): Promise<AutomationReport> {
    const { scope } = await this.scoped(query, credentials);
    return { items: await this.deps.reports.automation(scope) };
  }

  async approvals(
    query: ReportQuery,
    credentials: UserCredentials,
  ): Promise<ApprovalsReport> {
    const { scope } = await this.scoped(query, credentials);
    return this.deps.reports.approvals(scope);
  }

  /** Access held now; the period only picks the leavers. */
  async access(
    query: ReportQuery,
    credentials: UserCredentials,
    now: Date = new Date(),
  ): Promise<AccessReport> {
    const { scope } = await this.scoped(query, credentials);
    const soon = DateTime.fromJSDate(now).plus(EXPIRING_WITHIN).toJSDate();
    const [items, leavers] = await Promise.all([
      this.deps.reports.access(scope, { now, soon }),
      this.deps.reports.leavers(scope),
    ]);
    return { items, leavers };
  }

  /** Whether an offering from the catalog falls in the scope's owners and offerings. */
  private inScope(offering: OfferingSummary, scope: ReportScope): boolean {
    const ref = offering.entityRef.toLocaleLowerCase('en-US');
    const owner = offering.owner.toLocaleLowerCase('en-US');
    return (
      (!scope.offeringRefs || scope.offeringRefs.includes(ref)) &&
      (scope.ownerRefs ?? []).every(owners => owners.includes(owner))
    );
  }

  private async scoped(
    query: ReportQuery,
    credentials: UserCredentials,
  ): Promise<Scoped> {
    const scope: ReportScope = { ...this.period(query) };
    const [decision] = await this.deps.permissions.authorizeConditional(
      [{ permission: serviceCatalogueReportReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError(
        `You may not read reports (${serviceCatalogueReportReadPermission.name})`,
      );
    }
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      const transform = createConditionTransformer(
        this.deps.permissionsRegistry.getPermissionRuleset(
          requestPermissionResourceRef,
        ),
      );
      scope.filter = transform(decision.conditions);
    }
    scope.ownerRefs = [];
    if (!(await this.deps.fulfillers.forEveryone(credentials))) {
      scope.ownerRefs.push([
        ...(await this.deps.fulfillers.claimsOf(credentials)),
      ]);
    }
    if (query.owner) {
      scope.ownerRefs.push([
        normalizeRef(query.owner, { field: 'owner', defaultKind: 'group' }),
      ]);
    }

    let catalog: Promise<OfferingSummary[]> | undefined;
    const offerings = () => {
      catalog ??= this.deps.offerings.listEveryOffering({ credentials });
      return catalog;
    };
    if (query.category) {
      const categories = this.withDescendants(query.category);
      scope.offeringRefs = (await offerings())
        .filter(o => categories.has(o.category))
        .map(o => o.entityRef.toLocaleLowerCase('en-US'));
    }
    return { scope, offerings };
  }

  private period(query: ReportQuery): Pick<ReportScope, 'from' | 'to'> {
    const parse = (value: string | undefined, field: string) => {
      if (value === undefined) {
        return undefined;
      }
      const time = DateTime.fromISO(value, { zone: 'utc' });
      if (!time.isValid) {
        throw new InputError(`${field}: not an ISO 8601 time: ${value}`);
      }
      return time.toJSDate();
    };
    const from = parse(query.from, 'from');
    const to = parse(query.to, 'to');
    if (from && to && from >= to) {
      throw new InputError('from: must come before to');
    }
    return { from, to };
  }

  private withDescendants(id: string): Set<string> {
    if (!this.deps.categories.has(id)) {
      throw new InputError(`category: no category ${id}`);
    }
    const all = this.deps.categories.list();
    const found = new Set([id]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const category of all) {
        if (
          category.parent &&
          found.has(category.parent) &&
          !found.has(category.id)
        ) {
          found.add(category.id);
          grew = true;
        }
      }
    }
    return found;
  }
}
