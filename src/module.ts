import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { RepositoryEntityProcessor } from './processor/RepositoryEntityProcessor';
import { AzureDevOpsRepositoriesProvider } from './provider/AzureDevOpsRepositoriesProvider';
import { SyncStateStore } from './state/SyncStateStore';
import { createStatusRouter } from './status/createStatusRouter';
import { readScheduledTasks } from './status/scheduledTasks';

/**
 * The catalog module: one entity provider per profile of
 * `catalog.providers.azureDevOpsRepositories`, and the processor for the `Repository` kind. The
 * providers keep their sync state in the catalog plugin's database, and take the Azure DevOps
 * service hooks that `@backstage/plugin-events-backend-module-azure` publishes, when it is installed
 * (without it, the events service has no source of them, and only the schedule syncs).
 *
 * @public
 */
export const catalogModuleAzureDevOpsRepositories = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'azure-devops-repositories',
  register(env) {
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ auth, catalog, config, database, discovery, events, httpRouter, lifecycle, logger, scheduler }) {
        // Registered even without profiles: Repository entities may outlive a removed profile.
        catalog.addProcessor(new RepositoryEntityProcessor());
        const store = await SyncStateStore.create(await database.getClient());
        const providers = AzureDevOpsRepositoriesProvider.fromConfig(config, { logger, scheduler, store, events });
        // In the background: start-up never waits for Azure DevOps.
        lifecycle.addStartupHook(() => {
          for (const provider of providers) void provider.checkToken();
        });
        lifecycle.addShutdownHook(async () => {
          await Promise.all(providers.map(provider => provider.stop()));
        });
        // The catalog removes a removed profile's entities (no provider claims them); its state goes here.
        const forgotten = await store.deleteProfilesOtherThan(providers.map(provider => provider.profileId));
        if (forgotten.length > 0) {
          logger.info(`Deleted the sync state of profiles no longer configured: ${forgotten.join(', ')}`);
        }
        catalog.addEntityProvider(providers);
        httpRouter.use(
          createStatusRouter({
            profiles: providers.map(provider => ({
              profile: provider.profile,
              taskId: provider.taskId,
              eventsSubscribed: provider.subscribesToEvents,
            })),
            store,
            scheduledTasks: () => readScheduledTasks({ discovery, auth }),
          }),
        );
      },
    });
  },
});
