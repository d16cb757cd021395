import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint, type EntityProvider } from '@backstage/plugin-catalog-node';
import { catalogModuleAzureDevOpsRepositories } from './module';
import { RepositoryEntityProcessor } from './processor/RepositoryEntityProcessor';

function profile(organization: string, extra: JsonObject = {}): JsonObject {
  return { profileName: `Profile ${organization}`, organization, token: 'wiring-token', ...extra };
}

async function startWith(config: JsonObject) {
  const addEntityProvider = jest.fn();
  const addProcessor = jest.fn();
  const schedules: SchedulerServiceTaskScheduleDefinition[] = [];
  const scheduler = mockServices.scheduler.mock({
    createScheduledTaskRunner(schedule) {
      schedules.push(schedule);
      return { run: jest.fn() };
    },
  });
  const backend = await startTestBackend({
    extensionPoints: [[catalogProcessingExtensionPoint, { addEntityProvider, addProcessor }]],
    features: [
      catalogModuleAzureDevOpsRepositories,
      mockServices.rootConfig.factory({ data: config }),
      scheduler.factory,
    ],
  });
  await backend.stop();
  const providers: EntityProvider[] = addEntityProvider.mock.calls.flatMap(([arg]) => arg);
  return { providers, processors: addProcessor.mock.calls.flat(), schedules };
}

describe('catalogModuleAzureDevOpsRepositories', () => {
  it('adds one provider per profile, each with its own schedule, and the Repository processor', async () => {
    const { providers, processors, schedules } = await startWith({
      catalog: {
        providers: {
          azureDevOpsRepositories: {
            acme: profile('acme', { schedule: { frequency: { hours: 1 }, timeout: { minutes: 15 } } }),
            contoso: profile('contoso'),
          },
        },
      },
    });

    expect(providers.map(provider => provider.getProviderName())).toEqual([
      'AzureDevOpsRepositoriesProvider:acme',
      'AzureDevOpsRepositoriesProvider:contoso',
    ]);
    expect(schedules).toEqual([
      expect.objectContaining({ frequency: { hours: 1 }, timeout: { minutes: 15 }, scope: 'global' }),
      expect.objectContaining({ frequency: { minutes: 30 }, timeout: { minutes: 10 }, scope: 'global' }),
    ]);
    expect(processors).toEqual([expect.any(RepositoryEntityProcessor)]);
  });

  it('starts with no profiles at all', async () => {
    const { providers, processors } = await startWith({});
    expect(providers).toEqual([]);
    expect(processors).toHaveLength(1);
  });

  it('fails start-up with a message naming the key of a bad profile', async () => {
    await expect(
      startWith({
        catalog: { providers: { azureDevOpsRepositories: { acme: { profileName: 'Acme', token: 'x' } } } },
      }),
    ).rejects.toThrow('catalog.providers.azureDevOpsRepositories.acme.organization: required');
  });
});
