import { randomUUID } from 'node:crypto';
import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';
import { DefaultAzureDevOpsCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import type { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import {
  createAzureDevOpsApiFactory,
  type AzureDevOpsApiFactory,
} from '../client/createAzureDevOpsApiFactory';
import { cleartextCredentialsWarning } from '../config/cleartextCredentialsWarning';
import { readProfileConfigs } from '../config/readProfileConfigs';
import type { ProfileConfig } from '../config/types';
import { ChangeTracker } from './ChangeTracker';
import { KnownRepositories } from './KnownRepositories';
import { RemovalGuard } from './RemovalGuard';
import { readRepositoryEntities, type SyncResult } from './readRepositoryEntities';

export type { SyncResult, SyncStats } from './readRepositoryEntities';

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

/**
 * Emits one `Repository` entity per Git repository of one integration profile, on the profile's
 * schedule, as a full mutation; a failed listing applies nothing. Wiring only: what one sync reads
 * is {@link readRepositoryEntities}, with state kept across syncs in {@link ChangeTracker} and
 * {@link KnownRepositories}.
 */
export class AzureDevOpsRepositoriesProvider implements EntityProvider {
  readonly #profile: ProfileConfig;
  readonly #taskRunner: SchedulerServiceTaskRunner;
  readonly #logger: LoggerService;
  readonly #createApi: AzureDevOpsApiFactory;
  readonly #now: () => number;
  readonly #changeTracker: ChangeTracker;
  readonly #knownRepositories: KnownRepositories;
  readonly #removalGuard: RemovalGuard;
  #connection?: EntityProviderConnection;

  /** One provider per profile of `catalog.providers.azureDevOpsRepositories`. Throws on bad config. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; scheduler: SchedulerService },
  ): AzureDevOpsRepositoriesProvider[] {
    const integrations = ScmIntegrations.fromConfig(config);
    const profiles = readProfileConfigs(config, { integrations });
    const credentialsProvider = DefaultAzureDevOpsCredentialsProvider.fromIntegrations(integrations);
    for (const profile of profiles) {
      const warning = cleartextCredentialsWarning(profile);
      if (warning) options.logger.warn(warning);
    }
    return profiles.map(
      profile =>
        new AzureDevOpsRepositoriesProvider({
          profile,
          taskRunner: options.scheduler.createScheduledTaskRunner(profile.schedule),
          logger: options.logger,
          createApi: createAzureDevOpsApiFactory(profile, credentialsProvider),
        }),
    );
  }

  constructor(options: AzureDevOpsRepositoriesProviderOptions) {
    this.#profile = options.profile;
    this.#taskRunner = options.taskRunner;
    this.#logger = options.logger.child({ target: this.getProviderName() });
    this.#createApi = options.createApi ?? createAzureDevOpsApiFactory(options.profile);
    this.#now = options.now ?? Date.now;
    this.#changeTracker = new ChangeTracker({ profile: options.profile });
    this.#knownRepositories = new KnownRepositories({ profile: options.profile });
    this.#removalGuard = new RemovalGuard({ maxPercent: options.profile.maxRemovedPercent });
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
   * already run a newer one, whose result a late mutation would overwrite. A full mutation that
   * would remove too much is applied as a delta until the next sync confirms it ({@link RemovalGuard}).
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
    const refs = new Set(result.entities.map(({ entity }) => stringifyEntityRef(entity)));
    const verdict =
      result.mutation === 'full' ? this.#removalGuard.check(refs) : this.#removalGuard.checkDelta(result.removed);
    if (verdict.hold) {
      logger.warn(
        `Profile ${this.#profile.id}: this sync would remove ${verdict.removing} of ${verdict.of} entities, more than maxRemovedPercent (${this.#profile.maxRemovedPercent}%); ` +
          'keeping them until the next sync confirms the removal. If the repositories are still there, check the access of the token to their projects',
      );
    }
    const mutation = result.mutation === 'full' && !verdict.hold ? 'full' : 'delta';
    const removed = mutation === 'delta' && !verdict.hold ? result.removed : [];
    try {
      if (mutation === 'full') {
        await this.#connection.applyMutation({ type: 'full', entities: result.entities });
      } else {
        const locationKey = this.getProviderName();
        await this.#connection.applyMutation({
          type: 'delta',
          added: result.entities,
          removed: removed.map(entityRef => ({ entityRef, locationKey })),
        });
      }
      this.#removalGuard.applied(mutation, refs, removed);
    } catch (error) {
      // The catalog's database refused the write (down, locked, a constraint); the next sync tries again.
      logger.error(
        `Sync of profile ${this.#profile.profileName} (${this.#profile.id}) read Azure DevOps but the catalog did not take the result; it keeps its entities until a sync succeeds: ${stringifyError(error)}`,
      );
      return;
    }
    const { seen, emitted, skipped, failed, withContext, unchanged, requests } = result.stats;
    logger.info(
      `Synced profile ${this.#profile.profileName} (organization ${this.#profile.organization}): ` +
        `${seen} repositories seen, ${emitted} emitted, ${skipped} skipped, ${failed} failed, ` +
        `${withContext} with application context, ${unchanged} files unchanged, ${mutation} mutation${verdict.hold ? ' (removals held)' : ''}, ` +
        `${requests ? `${requests.requests} requests, ${requests.retries} retries, ` : ''}` +
        `${Date.now() - started} ms`,
    );
  }

  /**
   * Reads the profile's repositories and builds the entities. No catalog side effects; throws when
   * the listing fails or the token is rejected, so the caller applies nothing.
   */
  async read(options: { logger: LoggerService; signal?: AbortSignal }): Promise<SyncResult> {
    return readRepositoryEntities({
      profile: this.#profile,
      createApi: this.#createApi,
      changeTracker: this.#changeTracker,
      knownRepositories: this.#knownRepositories,
      now: this.#now,
      locationKey: this.getProviderName(),
      logger: options.logger,
      signal: options.signal,
    });
  }
}
