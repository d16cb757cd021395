import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint, type EntityProvider } from '@backstage/plugin-catalog-node';
import knexFactory, { type Knex } from 'knex';
import { catalogModuleAzureDevOpsRepositories } from './module';
import { RepositoryEntityProcessor } from './processor/RepositoryEntityProcessor';
import { SyncStateStore } from './state/SyncStateStore';

function profile(organization: string, extra: JsonObject = {}): JsonObject {
  return { profileName: `Profile ${organization}`, organization, token: 'wiring-token', ...extra };
}

/** The catalog plugin's database: the test's own, so that it is closed when the test ends. */
let knex: Knex;

beforeEach(() => {
  knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
});

afterEach(() => knex.destroy());

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
      mockServices.database.factory({ knex }),
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
      expect.objectContaining({ frequency: { minutes: 30 }, timeout: { minutes: 3 }, scope: 'global' }),
    ]);
    expect(processors).toEqual([expect.any(RepositoryEntityProcessor)]);
  });

  it('deletes at start-up the sync state of profiles no longer configured, and only theirs', async () => {
    const store = await SyncStateStore.create(knex);
    const state = (id: string) => ({
      profile: { activityCursor: 1, removalsAwaitingConfirmation: false },
      upserted: [{ id, stale: false, failedUnknown: false, entityRefs: [`repository:default/${id}`] }],
      deleted: [],
    });
    await store.save('acme', state('a'));
    await store.save('removed', state('b'));

    await startWith({ catalog: { providers: { azureDevOpsRepositories: { acme: profile('acme') } } } });

    expect(await store.load('removed')).toEqual({ profile: undefined, repositories: new Map() });
    expect((await store.load('acme')).repositories.size).toBe(1);
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
