import { randomUUID } from 'node:crypto';
import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';
import {
  DefaultAzureDevOpsCredentialsProvider,
  ScmIntegrations,
  type AzureDevOpsCredentialsProvider,
} from '@backstage/integration';
import type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { AzureDevOpsApi, AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { AzureDevOpsClient } from '../client/AzureDevOpsClient';
import { RequestGate } from '../client/requestGate';
import { readProfileConfigs } from '../config/readProfileConfigs';
import type { ProfileConfig } from '../config/types';
import { discoverRepositories } from '../discovery/discoverRepositories';
import { repositoryEntityFromRepository } from '../mapping/repositoryEntityFromRepository';
import { declaredEntitiesFromCatalogFile } from '../mapping/declaredEntitiesFromCatalogFile';
import { readCatalogFile, type CatalogFileOutcome } from './readCatalogFile';

/** Creates the port for one sync; tests pass an in-memory fake. */
export type AzureDevOpsApiFactory = (profile: ProfileConfig) => Promise<AzureDevOpsApi>;

/** Options of the {@link AzureDevOpsRepositoriesProvider} constructor. */
export interface AzureDevOpsRepositoriesProviderOptions {
  profile: ProfileConfig;
  taskRunner: SchedulerServiceTaskRunner;
  logger: LoggerService;
  /** Defaults to the `azure-devops-node-api` client with credentials from the profile or `integrations.azure`. */
  createApi?: AzureDevOpsApiFactory;
}

/** The outcome of one sync, before it is applied to the catalog. */
export interface SyncResult {
  /**
   * `full` when every repository was read: the set replaces the provider's entities. `delta` when
   * some repositories failed and had no last known state: their entities are left as they are,
   * and deletions wait for a clean sync.
   */
  mutation: 'full' | 'delta';
  entities: DeferredEntity[];
  stats: SyncStats;
}

/** Counts of the summary line each sync logs. */
export interface SyncStats {
  seen: number;
  emitted: number;
  skipped: number;
  failed: number;
  withContext: number;
  requests?: { requests: number; retries: number };
}

/** What the provider remembers of a repository between syncs, to survive transient faults. */
interface KnownRepository {
  outcome: Extract<CatalogFileOutcome, { kind: 'read' | 'absent' | 'unusable' }>;
}

/**
 * Emits one `Repository` entity per Git repository of one integration profile, on the profile's
 * schedule, as a full mutation; a failed listing applies nothing.
 */
export class AzureDevOpsRepositoriesProvider implements EntityProvider {
  readonly #profile: ProfileConfig;
  readonly #taskRunner: SchedulerServiceTaskRunner;
  readonly #logger: LoggerService;
  readonly #createApi: AzureDevOpsApiFactory;
  readonly #known = new Map<string, KnownRepository>();
  #connection?: EntityProviderConnection;

  /** One provider per profile of `catalog.providers.azureDevOpsRepositories`. Throws on bad config. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; scheduler: SchedulerService },
  ): AzureDevOpsRepositoriesProvider[] {
    const profiles = readProfileConfigs(config);
    const credentialsProvider = DefaultAzureDevOpsCredentialsProvider.fromIntegrations(
      ScmIntegrations.fromConfig(config),
    );
    return profiles.map(
      profile =>
        new AzureDevOpsRepositoriesProvider({
          profile,
          taskRunner: options.scheduler.createScheduledTaskRunner(profile.schedule),
          logger: options.logger,
          createApi: defaultApiFactory(profile, credentialsProvider),
        }),
    );
  }

  constructor(options: AzureDevOpsRepositoriesProviderOptions) {
    this.#profile = options.profile;
    this.#taskRunner = options.taskRunner;
    this.#logger = options.logger.child({ target: this.getProviderName() });
    this.#createApi = options.createApi ?? defaultApiFactory(options.profile, undefined);
  }

  getProviderName(): string {
    return `AzureDevOpsRepositoriesProvider:${this.#profile.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    const id = `${this.getProviderName()}:refresh`;
    await this.#taskRunner.run({
      id,
      fn: async () => {
        const logger = this.#logger.child({ taskId: id, taskInstanceId: randomUUID() });
        await this.refresh(logger);
      },
    });
  }

  /** Runs one sync and applies it. Never throws: a failed sync logs one error and changes nothing. */
  async refresh(logger: LoggerService): Promise<void> {
    if (!this.#connection) throw new Error(`${this.getProviderName()} is not connected yet`);
    const started = Date.now();
    let result: SyncResult;
    try {
      result = await this.read({ logger });
    } catch (error) {
      logger.error(
        `Sync of profile ${this.#profile.profileName} (${this.#profile.id}) failed; the catalog keeps its entities until a sync succeeds: ${stringifyError(error)}`,
      );
      return;
    }
    if (result.mutation === 'full') {
      await this.#connection.applyMutation({ type: 'full', entities: result.entities });
    } else {
      await this.#connection.applyMutation({ type: 'delta', added: result.entities, removed: [] });
    }
    const { seen, emitted, skipped, failed, withContext, requests } = result.stats;
    logger.info(
      `Synced profile ${this.#profile.profileName} (organization ${this.#profile.organization}): ` +
        `${seen} repositories seen, ${emitted} emitted, ${skipped} skipped, ${failed} failed, ` +
        `${withContext} with application context, ${result.mutation} mutation, ` +
        `${requests ? `${requests.requests} requests, ${requests.retries} retries, ` : ''}` +
        `${Date.now() - started} ms`,
    );
  }

  /**
   * Reads the profile's repositories and builds the entities. No catalog side effects; throws when
   * the listing fails or the token is rejected, so the caller applies nothing.
   */
  async read(options: { logger: LoggerService }): Promise<SyncResult> {
    const { logger } = options;
    const profile = this.#profile;
    const api = await this.#createApi(profile);
    const discovered = await discoverRepositories(api, profile);
    for (const line of discovered.malformed) {
      logger.warn(`Profile ${profile.id}: skipped a repository Azure DevOps described in an unusable shape: ${line}`);
    }

    const entities: DeferredEntity[] = [];
    const stats: SyncStats = {
      seen: discovered.seen,
      emitted: 0,
      skipped:
        discovered.malformed.length +
        Object.values(discovered.excluded).reduce((sum, count) => sum + (count ?? 0), 0),
      failed: 0,
      withContext: 0,
    };
    let unresolved = 0;
    const locationKey = this.getProviderName();
    const currentIds = new Set<string>();
    const ingestedRefs = new Map<string, string>();

    const outcomes = await Promise.all(
      discovered.repositories.map(async repository => ({
        repository,
        outcome: await readCatalogFile(api, repository, profile.backstageCatalog),
      })),
    );

    for (const { repository, outcome } of outcomes) {
      currentIds.add(repository.id);
      const fileOutcome = this.#settle(repository, outcome, logger);
      if (fileOutcome === 'gone') {
        stats.skipped++;
        continue;
      }
      if (fileOutcome === 'unknown') {
        stats.failed++;
        unresolved++;
        continue;
      }
      if (outcome.kind === 'failed') stats.failed++;

      const facts = fileOutcome.kind === 'read' ? fileOutcome.facts : undefined;
      const mapped = repositoryEntityFromRepository(repository, {
        profile,
        catalogFile: facts,
      });
      if ('skipped' in mapped) {
        logger.warn(`${describe(profile, repository)}: not emitted: ${mapped.skipped}`);
        stats.skipped++;
        continue;
      }
      for (const warning of mapped.warnings ?? []) {
        logger.warn(`${describe(profile, repository)}, ${profile.backstageCatalog.filename}: ${warning}`);
      }
      entities.push({ entity: mapped.entity, locationKey });
      stats.emitted++;
      if (mapped.entity.spec.applicationContext) stats.withContext++;

      if (profile.backstageCatalog.ingestEntities && fileOutcome.kind === 'read') {
        for (const entity of declaredEntitiesFromCatalogFile(fileOutcome.documents, { repository, profile })) {
          const ref = stringifyEntityRef(entity);
          // Forks and copies declare the same entities; one mutation must not hold a ref twice.
          const firstSource = ingestedRefs.get(ref);
          if (firstSource) {
            logger.warn(`${describe(profile, repository)}: ${ref} is already declared by ${firstSource}; keeping that one`);
            continue;
          }
          ingestedRefs.set(ref, `project ${repository.project.name}, repository ${repository.name}`);
          entities.push({ entity, locationKey });
        }
      }
    }

    // Forget repositories that are gone, so the cache never outgrows the organization.
    for (const id of this.#known.keys()) if (!currentIds.has(id)) this.#known.delete(id);

    if (unresolved > 0) {
      logger.warn(
        `Profile ${profile.id}: ${unresolved} repositories could not be read and have no last known state; ` +
          'their entities are left unchanged and deleted repositories are removed on the next clean sync',
      );
    }
    const requests = api.requestStats?.();
    return {
      mutation: unresolved > 0 ? 'delta' : 'full',
      entities,
      stats: { ...stats, ...(requests ? { requests } : {}) },
    };
  }

  /**
   * Decides what a repository's file contributes, logging once per problem. A failed read falls
   * back to the last known outcome: a transient fault must never strip known context.
   */
  #settle(
    repository: AzureDevOpsRepository,
    outcome: CatalogFileOutcome,
    logger: LoggerService,
  ): KnownRepository['outcome'] | 'gone' | 'unknown' {
    const where = `${describe(this.#profile, repository)}, path ${this.#profile.backstageCatalog.filename}`;
    switch (outcome.kind) {
      case 'repositoryGone':
        logger.debug(`${describe(this.#profile, repository)}: gone since it was listed`);
        return 'gone';
      case 'failed': {
        const known = this.#known.get(repository.id);
        logger.warn(
          `${where}: reading the catalog file failed, ${known ? 'keeping the last known context' : 'leaving its entity unchanged'}: ${outcome.error.message}`,
        );
        return known ? known.outcome : 'unknown';
      }
      case 'unusable':
        logger.warn(`${where}: ${outcome.reason}; the repository is emitted without application context`);
        break;
      case 'absent':
        logger.debug(`${where}: no application context: ${outcome.reason}`);
        break;
      case 'read':
        for (const ignored of outcome.facts.ignored) logger.debug(`${where}: ${ignored.reason}`);
        break;
    }
    this.#known.set(repository.id, { outcome });
    return outcome;
  }
}

function describe(profile: ProfileConfig, repository: AzureDevOpsRepository): string {
  return `Profile ${profile.id}, project ${repository.project.name}, repository ${repository.name}`;
}

function defaultApiFactory(
  profile: ProfileConfig,
  credentialsProvider: AzureDevOpsCredentialsProvider | undefined,
): AzureDevOpsApiFactory {
  // The gate outlives single syncs: a Retry-After received at the end of one sync still holds.
  const gate = new RequestGate({ concurrency: profile.concurrency, maxRetries: profile.maxRetries });
  return () => AzureDevOpsClient.create({ profile, credentialsProvider, gate });
}
