/**
 * `--catalog`: how long a real catalog (the catalog plugin on in-memory SQLite) takes to list the
 * module's Repository entities, next to a trivial provider handing it as many plain Components.
 * Each provider gets a fresh backend and database, one after the other, so neither slows the other.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
  type EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { JsonObject } from '@backstage/types';
import knexFactory, { type Knex } from 'knex';
import { catalogModuleAzureDevOpsRepositories } from '../../src/module';
import { SimulatorProcess } from './simulatorProcess';

export interface CatalogRaceOptions {
  repos: number;
  projects: number;
  withFile: number;
  latencyMs: number;
  seed: number;
}

export interface CatalogRun {
  name: string;
  /** From the start of the sync until `applyMutation` resolved (the module: reading Azure DevOps too). */
  syncMs: number;
  /** From the applied mutation until the catalog API lists every entity. */
  processingMs: number;
  totalMs: number;
}

export interface CatalogRaceResult {
  entities: number;
  runs: CatalogRun[];
  /** Module / trivial, `processingMs`. */
  processingRatio: number;
  /** Module / trivial, `totalMs`. */
  totalRatio: number;
}

const LISTED_TIMEOUT_MS = 10 * 60_000;

type Features = NonNullable<Parameters<typeof startTestBackend>[0]['features']>;

/** The test side of Backstage's mock scheduler: tasks run when told to. */
interface TriggerableScheduler {
  factory(options?: { skipTaskRunOnStartup?: boolean }): Features[number];
  triggerTask(id: string): Promise<void>;
}

/** Hands the catalog whatever `apply` is called with; no schedule. */
class TrivialProvider implements EntityProvider {
  #connection?: EntityProviderConnection;
  getProviderName(): string {
    return 'BenchmarkTrivialProvider';
  }
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
  }
  async apply(entities: Entity[]): Promise<void> {
    if (!this.#connection) throw new Error('the trivial provider is not connected');
    await this.#connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({ entity, locationKey: this.getProviderName() })),
    });
  }
}

/** A plain Component: what any simple provider would emit (one `ownedBy` relation each). */
function plainComponent(index: number): Entity {
  const location = `url:https://example.com/plain/${index}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `plain-${index}`,
      annotations: {
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:default/team-plain' },
  };
}

function inMemoryKnex(): Knex {
  return knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
}

async function startCatalog(knex: Knex, config: JsonObject, features: Features) {
  const backend = await startTestBackend({
    features: [
      import('@backstage/plugin-catalog-backend'),
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({ data: config }),
      ...features,
    ],
  });
  const address = backend.server.address();
  if (!address || typeof address === 'string') throw new Error('the test backend has no port');
  return { backend, catalogUrl: `http://127.0.0.1:${address.port}/api/catalog` };
}

/** Polls the catalog API until it lists `count` entities of `kind`; returns when it did. */
async function waitUntilListed(catalogUrl: string, kind: string, count: number): Promise<number> {
  const deadline = Date.now() + LISTED_TIMEOUT_MS;
  const url = `${catalogUrl}/entities/by-query?filter=${encodeURIComponent(`kind=${kind}`)}&limit=1`;
  for (;;) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`the catalog answered ${response.status}: ${await response.text()}`);
    const { totalItems } = (await response.json()) as { totalItems: number };
    if (totalItems >= count) return performance.now();
    if (Date.now() > deadline) throw new Error(`the catalog listed ${totalItems} of ${count} ${kind} entities in ${LISTED_TIMEOUT_MS} ms`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

async function trivialRun(count: number): Promise<CatalogRun> {
  const provider = new TrivialProvider();
  const knex = inMemoryKnex();
  const { backend, catalogUrl } = await startCatalog(knex, {}, [
    createBackendModule({
      pluginId: 'catalog',
      moduleId: 'benchmark-trivial',
      register(env) {
        env.registerInit({
          deps: { catalog: catalogProcessingExtensionPoint },
          async init({ catalog }) {
            catalog.addEntityProvider(provider);
          },
        });
      },
    }),
  ]);
  try {
    const started = performance.now();
    await provider.apply(Array.from({ length: count }, (_, index) => plainComponent(index)));
    const applied = performance.now();
    const listed = await waitUntilListed(catalogUrl, 'Component', count);
    return runOf('trivial (Component)', started, applied, listed);
  } finally {
    await backend.stop();
    await knex.destroy();
  }
}

async function moduleRun(options: CatalogRaceOptions): Promise<CatalogRun> {
  const { simulator, url, organization, token } = await SimulatorProcess.start(options);
  const knex = inMemoryKnex();
  const scheduler = mockServices.scheduler() as unknown as TriggerableScheduler;
  const config: JsonObject = {
    catalog: {
      providers: { azureDevOpsRepositories: { bench: { profileName: 'Benchmark', organization, apiUrl: url, token } } },
    },
  };
  const { backend, catalogUrl } = await startCatalog(knex, config, [
    catalogModuleAzureDevOpsRepositories,
    scheduler.factory({ skipTaskRunOnStartup: true }),
  ]);
  try {
    const started = performance.now();
    // Resolves once the sync read Azure DevOps and applied its mutation.
    await scheduler.triggerTask('AzureDevOpsRepositoriesProvider:bench:refresh');
    const applied = performance.now();
    const listed = await waitUntilListed(catalogUrl, 'Repository', options.repos);
    return runOf('module (Repository)', started, applied, listed);
  } finally {
    await backend.stop();
    await knex.destroy();
    await simulator.stop();
  }
}

function runOf(name: string, started: number, applied: number, listed: number): CatalogRun {
  return {
    name,
    syncMs: Math.round(applied - started),
    processingMs: Math.round(listed - applied),
    totalMs: Math.round(listed - started),
  };
}

export async function runCatalogRace(options: CatalogRaceOptions): Promise<CatalogRaceResult> {
  const trivial = await trivialRun(options.repos);
  const module = await moduleRun(options);
  return {
    entities: options.repos,
    runs: [module, trivial],
    processingRatio: module.processingMs / trivial.processingMs,
    totalRatio: module.totalMs / trivial.totalMs,
  };
}
