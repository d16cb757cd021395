import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { RepositoryEntityProcessor } from './processor/RepositoryEntityProcessor';
import { AzureDevOpsRepositoriesProvider } from './provider/AzureDevOpsRepositoriesProvider';

/**
 * The catalog module: one entity provider per profile of
 * `catalog.providers.azureDevOpsRepositories`, and the processor for the `Repository` kind.
 *
 * @public
 */
export const catalogModuleAzureDevOpsRepositories = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'azure-devops-repositories',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, logger, scheduler }) {
        // Registered even without profiles: Repository entities may outlive a removed profile.
        catalog.addProcessor(new RepositoryEntityProcessor());
        catalog.addEntityProvider(AzureDevOpsRepositoriesProvider.fromConfig(config, { logger, scheduler }));
      },
    });
  },
});
