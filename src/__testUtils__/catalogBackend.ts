import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import { catalogModuleAzureDevOpsRepositories } from '../module';
import { databasePerPlugin } from './databasePerPlugin';
import type { LogCapture } from './LogCapture';

/** The test side of Backstage's mock scheduler: tasks run when the test says so. */
interface TriggerableScheduler {
  factory(options?: { skipTaskRunOnStartup?: boolean }): ReturnType<typeof mockServices.scheduler.factory>;
  triggerTask(id: string): Promise<void>;
}

/** A real catalog backend with this module, on the given database, driven by hand. */
export interface CatalogBackend {
  /** `http://127.0.0.1:PORT/api/catalog` */
  catalogUrl: string;
  /**
   * Runs the sync of one profile to completion. With the real scheduler it fails: syncs then run
   * on their own schedule.
   */
  sync(profileId: string): Promise<void>;
  /** Entities the catalog API lists for a filter such as `kind=Repository`. */
  entities(filter?: string): Promise<Entity[]>;
  /** Polls the catalog API until `accept` holds, or fails after `timeoutMs`. */
  waitForEntities(filter: string, accept: (entities: Entity[]) => boolean, timeoutMs?: number): Promise<Entity[]>;
  stop(): Promise<void>;
}

/**
 * Starts the catalog plugin, this module and a hand-driven scheduler on `knex` (or on the database
 * service `features` bring). With
 * `scheduler: 'real'` Backstage's own scheduler runs the syncs instead, on their configured
 * schedule, coordinating through `knex` like replicas of a production backend. With `logs`, every
 * log line of the backend is captured there instead of being dropped.
 */
export async function startCatalogBackend(options: {
  /** Every plugin's database; without it (or `knexByPlugin`), `features` must bring a database service. */
  knex?: Knex;
  /** A database per plugin instead, by plugin id ({@link databasePerPlugin}). */
  knexByPlugin?: Record<string, Knex>;
  config: JsonObject;
  features?: Parameters<typeof startTestBackend>[0]['features'];
  scheduler?: 'manual' | 'real';
  logs?: LogCapture;
  /**
   * With `logs`, wait (by default) until every profile's start-up token check logged its line, so
   * that a test counting requests from there counts its syncs' alone.
   */
  awaitTokenChecks?: boolean;
}): Promise<CatalogBackend> {
  const scheduler = mockServices.scheduler() as unknown as TriggerableScheduler;
  const linesBefore = options.logs?.lines.length ?? 0;
  const realScheduler = options.scheduler === 'real';
  const backend = await startTestBackend({
    features: [
      import('@backstage/plugin-catalog-backend'),
      catalogModuleAzureDevOpsRepositories,
      ...(options.knex ? [mockServices.database.factory({ knex: options.knex })] : []),
      ...(options.knexByPlugin ? [databasePerPlugin(options.knexByPlugin)] : []),
      mockServices.rootConfig.factory({ data: options.config }),
      realScheduler ? schedulerServiceFactory : scheduler.factory({ skipTaskRunOnStartup: true }),
      ...(options.logs ? [options.logs.factory()] : []),
      ...(options.features ?? []),
    ],
  });
  if (options.logs && options.awaitTokenChecks !== false) await tokenChecksLogged(options.logs, options.config, linesBefore);
  const address = backend.server.address();
  if (!address || typeof address === 'string') throw new Error('The test backend has no port');
  const catalogUrl = `http://127.0.0.1:${address.port}/api/catalog`;

  async function entities(filter?: string): Promise<Entity[]> {
    const response = await fetch(`${catalogUrl}/entities${filter ? `?filter=${encodeURIComponent(filter)}` : ''}`);
    if (!response.ok) throw new Error(`The catalog answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Entity[];
  }

  return {
    catalogUrl,
    sync: async profileId => {
      if (realScheduler) throw new Error('With the real scheduler, syncs run on their own schedule');
      await scheduler.triggerTask(`AzureDevOpsRepositoriesProvider:${profileId}:refresh`);
    },
    entities,
    async waitForEntities(filter, accept, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: Entity[] = [];
      while (Date.now() < deadline) {
        last = await entities(filter);
        if (accept(last)) return last;
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      throw new Error(`The catalog did not reach the expected state for ${filter}; last saw ${last.length} entities`);
    },
    stop: async () => {
      await backend.stop();
      // A stopped catalog may still finish a stitch it began; let it, before the test's database
      // is destroyed under it: knex would log the aborted query after the test file ended, which
      // fails the whole run.
      for (const knex of [options.knex, ...Object.values(options.knexByPlugin ?? {})]) if (knex) await databaseIdle(knex);
    },
  };
}

/** Resolves once no query holds or waits for a connection of `knex`, or after 5 s. */
async function databaseIdle(knex: Knex): Promise<void> {
  const pool = (knex.client as { pool?: { numUsed(): number; numPendingAcquires(): number } }).pool;
  const deadline = Date.now() + 5_000;
  while (pool && pool.numUsed() + pool.numPendingAcquires() > 0 && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

/** Resolves once each profile of `config` logged its token check line since line `since` (or fails after 20 s). */
async function tokenChecksLogged(logs: LogCapture, config: JsonObject, since: number): Promise<void> {
  const providers = (config.catalog as { providers?: { azureDevOpsRepositories?: JsonObject } } | undefined)?.providers;
  const profileIds = Object.keys(providers?.azureDevOpsRepositories ?? {});
  const deadline = Date.now() + 20_000;
  const checked = (id: string) => logs.ofProvider(id, since).some(line => line.message.startsWith(`Token check of profile ${id}`));
  while (!profileIds.every(checked)) {
    if (Date.now() > deadline) throw new Error(`No token check line for ${profileIds.filter(id => !checked(id)).join(', ')} within 20 s`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

/** App-config holding these profiles, by profile id. */
export function profilesConfig(profiles: Record<string, JsonObject>): JsonObject {
  return { catalog: { providers: { azureDevOpsRepositories: profiles } } };
}

/** App-config with one profile `demo` for the simulator's organization `demo`, plus `settings`. */
export function demoProfileConfig(settings: JsonObject): JsonObject {
  return profilesConfig({ demo: { profileName: 'Demo', organization: 'demo', ...settings } });
}
