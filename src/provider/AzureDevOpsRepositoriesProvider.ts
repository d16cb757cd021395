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
import { detectChangedRepositories } from '../discovery/detectChangedRepositories';
import { discoverRepositories } from '../discovery/discoverRepositories';
import { repositoryEntityFromRepository } from '../mapping/repositoryEntityFromRepository';
import { declaredEntitiesFromCatalogFile } from '../mapping/declaredEntitiesFromCatalogFile';
import { mapConcurrently } from './mapConcurrently';
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
  /** Defaults to `Date.now`; tests move time with it. */
  now?: () => number;
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
  /** Repositories whose file was not read again, because nothing was pushed to them. */
  unchanged: number;
  requests?: { requests: number; retries: number };
}

/**
 * What the provider remembers of a repository between syncs: to survive transient faults, and to
 * skip reading files that cannot have changed.
 */
interface KnownRepository {
  /** The default branch the outcome was read from; a switched branch means a new read. */
  branch?: string;
  outcome: Extract<CatalogFileOutcome, { kind: 'read' | 'absent' | 'unusable' }>;
  /** The last read failed and this outcome stands in for it: read again next time, pushes or not. */
  stale?: boolean;
}

/**
 * Project analysis aggregates activity by the hour, so a window starting an hour before the
 * previous sync started cannot miss a push.
 */
const ACTIVITY_WINDOW_MARGIN_MS = 60 * 60 * 1000;

/**
 * Every so often every file is read again whatever the activity says: a safety net should
 * Azure DevOps' analytics ever lag or miss a push.
 */
const FULL_READ_INTERVAL_MS = 24 * 60 * 60 * 1000;

/**
 * Emits one `Repository` entity per Git repository of one integration profile, on the profile's
 * schedule, as a full mutation; a failed listing applies nothing.
 */
export class AzureDevOpsRepositoriesProvider implements EntityProvider {
  readonly #profile: ProfileConfig;
  readonly #taskRunner: SchedulerServiceTaskRunner;
  readonly #logger: LoggerService;
  readonly #createApi: AzureDevOpsApiFactory;
  readonly #now: () => number;
  readonly #known = new Map<string, KnownRepository>();
  /** Start of the last sync that read every repository it needed to; the next activity window opens there. */
  #lastSyncStartedAt?: number;
  #lastFullReadAt?: number;
  /** Set once project analysis said it is not available, so later syncs do not ask again. */
  #activityUnavailable = false;
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
    this.#now = options.now ?? Date.now;
  }

  getProviderName(): string {
    return `AzureDevOpsRepositoriesProvider:${this.#profile.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    const id = `${this.getProviderName()}:refresh`;
    await this.#taskRunner.run({
      id,
      fn: async signal => {
        const logger = this.#logger.child({ taskId: id, taskInstanceId: randomUUID() });
        await this.refresh(logger, signal);
      },
    });
  }

  /**
   * Runs one sync and applies it. Never throws: a failed sync logs one error and changes nothing.
   * A sync the scheduler aborts (timeout, shutdown) applies nothing either: another replica may
   * already run a newer one, whose result a late mutation would overwrite.
   */
  async refresh(logger: LoggerService, signal?: AbortSignal): Promise<void> {
    if (!this.#connection) throw new Error(`${this.getProviderName()} is not connected yet`);
    const started = Date.now();
    let result: SyncResult;
    try {
      result = await this.read({ logger, signal });
      signal?.throwIfAborted();
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
    const { seen, emitted, skipped, failed, withContext, unchanged, requests } = result.stats;
    logger.info(
      `Synced profile ${this.#profile.profileName} (organization ${this.#profile.organization}): ` +
        `${seen} repositories seen, ${emitted} emitted, ${skipped} skipped, ${failed} failed, ` +
        `${withContext} with application context, ${unchanged} files unchanged, ${result.mutation} mutation, ` +
        `${requests ? `${requests.requests} requests, ${requests.retries} retries, ` : ''}` +
        `${Date.now() - started} ms`,
    );
  }

  /**
   * Reads the profile's repositories and builds the entities. No catalog side effects; throws when
   * the listing fails or the token is rejected, so the caller applies nothing.
   */
  async read(options: { logger: LoggerService; signal?: AbortSignal }): Promise<SyncResult> {
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
      unchanged: 0,
    };
    let unresolved = 0;
    const locationKey = this.getProviderName();
    const currentIds = new Set<string>();
    const ingestedRefs = new Map<string, string>();

    const startedAt = this.#now();
    const changed = await this.#changedSinceLastSync(api, discovered.repositories, startedAt, logger);
    // Twice the request concurrency keeps the gate's slots busy while some reads are being parsed.
    const outcomes = await mapConcurrently(
      discovered.repositories,
      profile.concurrency * 2,
      async repository => {
        const known = this.#known.get(repository.id);
        const unchanged =
          changed !== 'all' &&
          known !== undefined &&
          !known.stale &&
          known.branch === repository.defaultBranch &&
          !changed.has(repository.id.toLowerCase());
        if (unchanged) stats.unchanged++;
        return {
          repository,
          outcome: unchanged ? known.outcome : await readCatalogFile(api, repository, profile.backstageCatalog),
        };
      },
      options.signal,
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
          ingestedRefs.set(ref, `project ${printable(repository.project.name)}, repository ${printable(repository.name)}`);
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
    if (unresolved === 0) {
      this.#lastSyncStartedAt = startedAt;
      if (changed === 'all') this.#lastFullReadAt = startedAt;
    }
    const requests = api.requestStats?.();
    return {
      mutation: unresolved > 0 ? 'delta' : 'full',
      entities,
      stats: { ...stats, ...(requests ? { requests } : {}) },
    };
  }

  /**
   * The repositories pushed to since the last sync, or `all` when every file must be read: the
   * first sync, the daily full read, the option off, or an activity listing that is unavailable
   * or failed (reading everything is slower but never wrong).
   */
  async #changedSinceLastSync(
    api: AzureDevOpsApi,
    repositories: AzureDevOpsRepository[],
    startedAt: number,
    logger: LoggerService,
  ): Promise<Set<string> | 'all'> {
    const last = this.#lastSyncStartedAt;
    if (!this.#profile.backstageCatalog.enabled || this.#activityUnavailable || last === undefined) return 'all';
    if (this.#lastFullReadAt === undefined || startedAt - this.#lastFullReadAt >= FULL_READ_INTERVAL_MS) return 'all';
    try {
      const changed = await detectChangedRepositories(api, repositories, new Date(last - ACTIVITY_WINDOW_MARGIN_MS));
      if (changed) return changed;
      this.#activityUnavailable = true;
      logger.info(
        `Profile ${this.#profile.id}: Azure DevOps project analysis is not available to this token or server; every sync reads every catalog file`,
      );
    } catch (error) {
      logger.warn(`Profile ${this.#profile.id}: listing repository activity failed, reading every catalog file: ${stringifyError(error)}`);
    }
    return 'all';
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
        if (!known) return 'unknown';
        this.#known.set(repository.id, { ...known, stale: true });
        return known.outcome;
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
    this.#known.set(repository.id, { branch: repository.defaultBranch, outcome });
    return outcome;
  }
}

function describe(profile: ProfileConfig, repository: AzureDevOpsRepository): string {
  return `Profile ${profile.id}, project ${printable(repository.project.name)}, repository ${printable(repository.name)}`;
}

/** Names come from Azure DevOps: escape control characters so a name cannot forge log lines. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, character => JSON.stringify(character).slice(1, -1));
}

function defaultApiFactory(
  profile: ProfileConfig,
  credentialsProvider: AzureDevOpsCredentialsProvider | undefined,
): AzureDevOpsApiFactory {
  // The gate outlives single syncs: a Retry-After received at the end of one sync still holds.
  const gate = new RequestGate({ concurrency: profile.concurrency, maxRetries: profile.maxRetries });
  const create = () => AzureDevOpsClient.create({ profile, credentialsProvider, gate });
  // With credentials that never change (a PAT in the profile, a broker) the client is kept, and
  // with it the library's location discovery; integration credentials may expire, so they are
  // fetched anew for every sync.
  if (!profile.token && !profile.broker) return create;
  let client: Promise<AzureDevOpsClient> | undefined;
  return () => {
    client ??= create().catch(error => {
      client = undefined;
      throw error;
    });
    return client;
  };
}
