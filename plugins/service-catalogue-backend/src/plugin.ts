import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderServiceRef } from '@backstage/plugin-scaffolder-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  USER_CHANGED_TOPIC,
  serviceCataloguePermissions,
} from '@service-catalogue/plugin-service-catalogue-common';
import { Duration } from 'luxon';
import { CategoryRegistry } from './catalogue/CategoryRegistry';
import { TemplateChecks } from './catalogue/TemplateChecks';
import { OfferingCatalogue } from './catalogue/OfferingCatalogue';
import { DatabaseGateTicketStore } from './database/DatabaseGateTicketStore';
import { DatabaseGrantStore } from './database/DatabaseGrantStore';
import { DatabaseDelegationStore } from './database/DatabaseDelegationStore';
import { DatabaseRequestStore } from './database/DatabaseRequestStore';
import { applyDatabaseMigrations } from './database/migrations';
import { ApprovalService } from './approvals/ApprovalService';
import { DeskService } from './desk/DeskService';
import { EntityAccessService } from './grants/EntityAccessService';
import { SwapService } from './grants/SwapService';
import { People } from './requests/People';
import { RequestViewer } from './requests/requestView';
import { RequestLifecycle } from './requests/RequestLifecycle';
import { SubmissionService } from './requests/SubmissionService';
import { FulfilmentWorker } from './fulfilment/FulfilmentWorker';
import { ScaffolderServiceTasks } from './fulfilment/ScaffolderTasks';
import { GateKeeper } from './gate/GateKeeper';
import { GrantService } from './grants/GrantService';
import { Reconciler } from './grants/Reconciler';
import {
  requestPermissionResourceRef,
  requestPermissionRules,
} from './permissions';
import { RequestAccess } from './requests/access';
import { Fulfillers } from './requests/Fulfillers';
import { RequestNotifier } from './requests/RequestNotifier';
import { RequestService } from './requests/RequestService';
import { RequestTaskLogs } from './requests/RequestTaskLogs';
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
        events: eventsServiceRef,
        catalog: catalogServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
        scaffolder: scaffolderServiceRef,
      },
      async init(deps) {
        const { config, httpRouter, permissionsRegistry } = deps;
        const durationOf = (key: string, otherwise: HumanDuration) =>
          config.has(`serviceCatalogue.${key}`)
            ? readDurationFromConfig(config, { key: `serviceCatalogue.${key}` })
            : otherwise;
        await applyDatabaseMigrations(deps.database);
        const store = await DatabaseRequestStore.create(deps);
        const grantStore = await DatabaseGrantStore.create(deps);
        const delegations = await DatabaseDelegationStore.create(deps);
        const fulfillers = Fulfillers.fromConfig(config, deps);
        const templates = TemplateChecks.create(deps);
        const offerings = OfferingCatalogue.create({
          ...deps,
          fulfillers,
          templates,
        });

        permissionsRegistry.addPermissions(serviceCataloguePermissions);
        permissionsRegistry.addResourceType({
          resourceRef: requestPermissionResourceRef,
          permissions: serviceCataloguePermissions,
          rules: Object.values(requestPermissionRules),
          getResources: refs =>
            Promise.all(refs.map(ref => store.getRequest(ref))),
        });

        // A run already under way leaves what changed to the next one.
        const reconcileSoon = () =>
          deps.scheduler
            .triggerTask('service-catalogue-reconciliation')
            .catch(() => undefined);
        const notifier = RequestNotifier.create(deps);
        const access = RequestAccess.create(deps);
        const people = People.fromConfig(config, { ...deps, fulfillers });
        const stages = ApproverResolver.create(deps);
        const lifecycle = RequestLifecycle.create({
          requests: store,
          grants: grantStore,
        });
        const viewer = RequestViewer.create({
          store,
          delegations,
          access,
          fulfillers,
        });
        const services = {
          submissions: SubmissionService.create({
            ...deps,
            store,
            lifecycle,
            offerings,
            stages,
            people,
            access,
            notifier,
            fulfillers,
          }),
          requests: RequestService.create({
            ...deps,
            store,
            lifecycle,
            viewer,
            access,
            notifier,
          }),
          approvals: ApprovalService.create({
            ...deps,
            store,
            lifecycle,
            delegations,
            viewer,
            access,
            people,
            notifier,
          }),
          desk: DeskService.create({
            ...deps,
            store,
            lifecycle,
            viewer,
            fulfillers,
            people,
            notifier,
          }),
        };
        const grants = GrantService.create({
          ...deps,
          grants: grantStore,
          lifecycle,
          offerings,
          stages,
          fulfillers,
          people,
          access,
          notifier,
        });

        if (
          config.getOptionalBoolean('scaffolder.taskRecovery.enabled') ??
          config.getOptionalBoolean('scaffolder.EXPERIMENTAL_recoverTasks')
        ) {
          deps.logger.warn(
            "The scaffolder's task recovery is on: a retried task skips the steps it completed, its gate step included. Let users read only their own scaffolder tasks (decideScaffolderPermission), or they can retry the service catalogue's provisioning tasks.",
          );
        }
        const tasks = ScaffolderServiceTasks.create({ ...deps, templates });
        const tickets = await DatabaseGateTicketStore.create(deps);
        const gate = GateKeeper.create({
          ...deps,
          tickets,
          requests: store,
          grants: grantStore,
          tasks,
          notifier,
        });
        const fulfilment = FulfilmentWorker.create({
          ...deps,
          store,
          grants: grantStore,
          tickets,
          notifier,
          tasks,
        });
        await deps.scheduler.scheduleTask({
          id: 'service-catalogue-fulfilment',
          // Global: one replica at a time follows the tasks; the claims keep
          // starting them exactly once even if two ever overlap.
          scope: 'global',
          frequency: durationOf('fulfilment.frequency', { seconds: 10 }),
          timeout: { minutes: 5 },
          fn: () => fulfilment.run(),
        });

        const reminderBefore = durationOf('grants.reminderBefore', { days: 7 });
        await deps.scheduler.scheduleTask({
          id: 'service-catalogue-grant-expiry',
          scope: 'global',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          fn: async () => {
            const now = new Date();
            await grants.expireDue(now);
            await grants.remind(
              now,
              Duration.fromObject(reminderBefore).toMillis(),
            );
          },
        });

        const reconciler = Reconciler.fromConfig(config, {
          ...deps,
          grants: grantStore,
          requests: store,
          notifier,
        });
        await deps.scheduler.scheduleTask({
          id: 'service-catalogue-reconciliation',
          // Global: one replica at a time; each step looks at the present
          // state before it acts, so runs never repeat each other's work.
          scope: 'global',
          frequency: durationOf('reconciliation.frequency', { minutes: 5 }),
          timeout: { minutes: 30 },
          fn: async () => {
            const report = await reconciler.run();
            deps.logger.info(
              `Reconciled access: ${report.granted.length} birthright requests, ${report.moved.length} ended for movers, ${report.flagged.length} flagged, ${report.departures.length} departures, ${report.swapped} swapped`,
            );
          },
        });

        // The catalog module says when a user's groups change; a directory
        // sync changes many at once, so a burst makes one run.
        let soon: NodeJS.Timeout | undefined;
        await deps.events.subscribe({
          id: 'service-catalogue-reconciliation',
          topics: [USER_CHANGED_TOPIC],
          onEvent: async () => {
            soon ??= setTimeout(() => {
              soon = undefined;
              reconcileSoon();
            }, 2_000);
          },
        });
        deps.lifecycle.addShutdownHook(() => clearTimeout(soon));

        httpRouter.use(
          await createRouter({
            ...services,
            gate,
            taskLogs: RequestTaskLogs.create({ viewer, tasks }),
            grants,
            swaps: SwapService.create({
              ...deps,
              grants: grantStore,
              offerings,
              fulfillers,
              reconcileSoon,
            }),
            entityAccess: EntityAccessService.create({
              grants: grantStore,
              requests: store,
              offerings,
              fulfillers,
            }),
            httpAuth: deps.httpAuth,
            categories: CategoryRegistry.fromConfig(config),
            offerings,
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
