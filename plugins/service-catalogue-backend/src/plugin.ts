import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderServiceRef } from '@backstage/plugin-scaffolder-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { isResourcePermission } from '@backstage/plugin-permission-common';
import { serviceCataloguePermissions } from '@service-catalogue/plugin-service-catalogue-common';
import { registerServiceCatalogueActions } from './actions';
import { ApprovalService } from './approvals/ApprovalService';
import { CategoryRegistry } from './catalogue/CategoryRegistry';
import { CatalogCache } from './catalogue/CatalogCache';
import { OfferingCatalogue } from './catalogue/OfferingCatalogue';
import { TemplateChecks } from './catalogue/TemplateChecks';
import { DatabaseDelegationStore } from './database/DatabaseDelegationStore';
import { DatabaseGateTicketStore } from './database/DatabaseGateTicketStore';
import { DatabaseGrantStore } from './database/DatabaseGrantStore';
import { DatabaseRequestStore } from './database/DatabaseRequestStore';
import { DatabaseReviewStore } from './database/DatabaseReviewStore';
import { DatabaseSwapStore } from './database/DatabaseSwapStore';
import { applyDatabaseMigrations } from './database/migrations';
import { DeskService } from './desk/DeskService';
import { DatabaseReportStore } from './database/DatabaseReportStore';
import { ReportService } from './reports/ReportService';
import { FulfilmentWorker } from './fulfilment/FulfilmentWorker';
import { ScaffolderServiceTasks } from './fulfilment/ScaffolderTasks';
import { GateKeeper } from './gate/GateKeeper';
import { EntityAccessService } from './grants/EntityAccessService';
import { GrantService } from './grants/GrantService';
import { Reconciler } from './grants/Reconciler';
import { SwapService } from './grants/SwapService';
import { FulfilmentJob } from './jobs/FulfilmentJob';
import { RequestMetrics } from './metrics/RequestMetrics';
import { GrantExpiryJob } from './jobs/GrantExpiryJob';
import { ReconciliationJob } from './jobs/ReconciliationJob';
import { DeadlineJob } from './jobs/DeadlineJob';
import { ReviewJob } from './jobs/ReviewJob';
import { DeadlineWatcher } from './time/DeadlineWatcher';
import { SlaPolicies } from './time/SlaPolicies';
import {
  requestPermissionResourceRef,
  requestPermissionRules,
} from './permissions';
import { RequestAccess } from './requests/access';
import { Fulfillers } from './requests/Fulfillers';
import { People } from './requests/People';
import { RequestLifecycle } from './requests/RequestLifecycle';
import { RequestNotifier } from './requests/RequestNotifier';
import { RequestService } from './requests/RequestService';
import { RequestTaskLogs } from './requests/RequestTaskLogs';
import { RequestViewer } from './requests/requestView';
import { SubmissionService } from './requests/SubmissionService';
import { CampaignOpener } from './reviews/CampaignOpener';
import { ReviewDeadlines } from './reviews/ReviewDeadlines';
import { ReviewDecisions } from './reviews/ReviewDecisions';
import { ReviewService } from './reviews/ReviewService';
import { ApproverResolver } from './routing/ApproverResolver';
import { createRouter } from './service/router';

/**
 * The service catalogue backend plugin.
 *
 * @public
 */
export const serviceCataloguePlugin = createBackendPlugin({
  pluginId: 'service-catalogue',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        lifecycle: coreServices.lifecycle,
        cache: coreServices.cache,
        events: eventsServiceRef,
        catalog: catalogServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
        scaffolder: scaffolderServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        metricsService: metricsServiceRef,
      },
      async init(deps) {
        const { config, httpRouter, permissionsRegistry } = deps;

        await applyDatabaseMigrations(deps.database);
        const store = await DatabaseRequestStore.create(deps);
        const grantStore = await DatabaseGrantStore.create(deps);
        const delegations = await DatabaseDelegationStore.create(deps);
        const tickets = await DatabaseGateTicketStore.create(deps);
        const swapStore = await DatabaseSwapStore.create(deps);
        const reviewStore = await DatabaseReviewStore.create(deps);

        permissionsRegistry.addPermissions(serviceCataloguePermissions);
        permissionsRegistry.addResourceType({
          resourceRef: requestPermissionResourceRef,
          // Only the request's own permissions: the basic ones (creating,
          // administering, access reviews) have no resource to condition on.
          permissions: serviceCataloguePermissions.filter(permission =>
            isResourcePermission(
              permission,
              requestPermissionResourceRef.resourceType,
            ),
          ),
          rules: Object.values(requestPermissionRules),
          getResources: refs =>
            Promise.all(refs.map(ref => store.getRequest(ref))),
        });

        if (
          config.getOptionalBoolean('scaffolder.taskRecovery.enabled') ??
          config.getOptionalBoolean('scaffolder.EXPERIMENTAL_recoverTasks')
        ) {
          deps.logger.warn(
            "The scaffolder's task recovery is on: a retried task skips the steps it completed, its gate step included. Let users read only their own scaffolder tasks (decideScaffolderPermission), or they can retry the service catalogue's provisioning tasks.",
          );
        }

        const slaPolicies = SlaPolicies.fromConfig(config);
        const categories = CategoryRegistry.fromConfig(config);
        const fulfillers = Fulfillers.fromConfig(config, deps);
        const templates = TemplateChecks.create(deps);
        const catalogCache = CatalogCache.create(deps);
        const offerings = OfferingCatalogue.create({
          ...deps,
          fulfillers,
          templates,
          catalogCache,
        });
        const tasks = ScaffolderServiceTasks.create({ ...deps, templates });
        const notifier = RequestNotifier.create(deps);
        // Decisions are told about after their response; a stopping
        // backend lets those messages out first.
        deps.lifecycle.addShutdownHook(() => notifier.settled());
        const access = RequestAccess.create(deps);
        const people = People.fromConfig(config, { ...deps, fulfillers });
        const stages = ApproverResolver.create({ ...deps, catalogCache });
        // One set of instruments for every lifecycle, so each move counts once.
        const metrics = RequestMetrics.create(deps.metricsService);
        const lifecycle = RequestLifecycle.create({
          requests: store,
          grants: grantStore,
          metrics,
        });
        const viewer = RequestViewer.create({
          store,
          delegations,
          access,
          fulfillers,
        });
        const common = { ...deps, store, lifecycle, viewer, access, notifier };
        const grants = GrantService.create({
          ...common,
          grants: grantStore,
          offerings,
          stages,
          fulfillers,
          people,
        });

        const reconciliation = ReconciliationJob.fromConfig(config, {
          ...deps,
          reconciler: Reconciler.fromConfig(config, {
            ...deps,
            grants: grantStore,
            swaps: swapStore,
            requests: store,
            notifier,
            metrics,
          }),
        });
        await reconciliation.start();
        await FulfilmentJob.fromConfig(config, {
          ...deps,
          worker: FulfilmentWorker.create({
            ...deps,
            store,
            grants: grantStore,
            tickets,
            notifier,
            tasks,
            metrics,
          }),
        }).start();
        await GrantExpiryJob.fromConfig(config, { ...deps, grants }).start();
        await DeadlineJob.create({
          ...deps,
          watcher: DeadlineWatcher.fromConfig(config, {
            ...common,
            logger: deps.logger,
            deskGroups: fulfillers.deskGroups,
          }),
        }).start();

        const reviewDecisions = ReviewDecisions.create({
          reviews: reviewStore,
          grants: grantStore,
        });
        const opener = CampaignOpener.create({
          ...deps,
          reviews: reviewStore,
          reviewers: stages,
          notifier,
        });
        await ReviewJob.fromConfig(config, {
          ...deps,
          offerings,
          opener,
          deadlines: ReviewDeadlines.create({
            ...deps,
            reviews: reviewStore,
            decisions: reviewDecisions,
            notifier,
          }),
        }).start();

        // One instance of each use-case service, shared by the REST API and
        // the actions, so that both go through the same checks.
        const submissions = SubmissionService.create({
          ...common,
          offerings,
          stages,
          people,
          fulfillers,
          slaPolicies,
        });
        const requests = RequestService.create(common);
        const approvals = ApprovalService.create({
          ...common,
          delegations,
          people,
        });
        registerServiceCatalogueActions({
          ...deps,
          offerings,
          submissions,
          requests,
          approvals,
          grants,
        });

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            categories,
            offerings,
            submissions,
            requests,
            approvals,
            desk: DeskService.create({ ...common, fulfillers, people }),
            grants,
            swaps: SwapService.create({
              ...deps,
              swaps: swapStore,
              offerings,
              fulfillers,
              reconcileSoon: () => reconciliation.runSoon(),
            }),
            entityAccess: EntityAccessService.create({
              grants: grantStore,
              requests: store,
              offerings,
              fulfillers,
            }),
            gate: GateKeeper.create({
              ...deps,
              tickets,
              requests: store,
              grants: grantStore,
              tasks,
              notifier,
            }),
            taskLogs: RequestTaskLogs.create({ viewer, tasks }),
            reports: ReportService.create({
              ...deps,
              reports: await DatabaseReportStore.create(deps),
              offerings,
              categories,
              fulfillers,
            }),
            reviews: ReviewService.create({
              ...deps,
              reviews: reviewStore,
              opener,
              decisions: reviewDecisions,
              offerings,
              fulfillers,
              access,
              delegations,
              notifier,
            }),
          }),
        );
        httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
