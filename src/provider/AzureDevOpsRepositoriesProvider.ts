import { randomUUID } from 'node:crypto';
import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { stringifyError } from '@backstage/errors';
import { DefaultAzureDevOpsCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import type { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import type { EventParams, EventsService } from '@backstage/plugin-events-node';
import {
  createAzureDevOpsApiFactory,
  type AzureDevOpsApiFactory,
} from '../client/createAzureDevOpsApiFactory';
import { cleartextCredentialsWarning } from '../config/cleartextCredentialsWarning';
import { readProfileConfigs } from '../config/readProfileConfigs';
import type { ProfileConfig } from '../config/types';
import { redact } from '../client/redact';
import { SyncMetrics } from '../metrics/SyncMetrics';
import { SERVICE_HOOK_TOPICS } from '../serviceHooks/repositoryEventFromServiceHook';
import type { SyncStateStore } from '../state/SyncStateStore';
import type { ProfileVerification } from '../verify/ProfileVerification';
import { checkToken } from './checkToken';
import { ProfileSyncState } from './ProfileSyncState';
import { readRepositoryEntities, type SyncResult } from './readRepositoryEntities';
import { OneAtATime } from './OneAtATime';
import { ServiceHookHandler } from './ServiceHookHandler';
import { runSync, SyncFailedError, type SyncOutcome } from './runSync';
import type { SyncProgress } from './SyncProgress';

export type { SyncResult, SyncStats } from './readRepositoryEntities';
export { SyncFailedError, type SyncOutcome } from './runSync';

/** Options of the {@link AzureDevOpsRepositoriesProvider} constructor. */
export interface AzureDevOpsRepositoriesProviderOptions {
  profile: ProfileConfig;
  taskRunner: SchedulerServiceTaskRunner;
  logger: LoggerService;
  /** Defaults to the `azure-devops-node-api` client with credentials from the profile or `integrations.azure`. */
  createApi?: AzureDevOpsApiFactory;
  /** Defaults to `Date.now`; tests move time with it. */
  now?: () => number;
  /** Where the state between syncs is kept; without one, in this process only (every restart is cold). */
  store?: SyncStateStore;
  /** Service hooks come through it when given: the provider subscribes once connected. */
  events?: EventsService;
  /** How often a long sync logs its progress; defaults to every 30 s. */
  progressIntervalMs?: number;
  /** Where syncs and events are counted; defaults to instruments of the global OpenTelemetry meter provider. */
  metrics?: SyncMetrics;
}

const DEFAULT_PROGRESS_INTERVAL_MS = 30_000;

/**
 * Emits one `Repository` entity per Git repository of one integration profile, on the profile's
 * schedule, as a full mutation; a failed listing applies nothing. Between syncs, service hook
 * events update single repositories as delta mutations. Wiring only: what one sync reads is
 * {@link readRepositoryEntities}, what events change is {@link ServiceHookHandler}, with state
 * kept across both in {@link ProfileSyncState}. In one process, a sync and a batch of events never
 * run at the same time: each starts from the state the other left.
 */
export class AzureDevOpsRepositoriesProvider implements EntityProvider {
  readonly #profile: ProfileConfig;
  readonly #taskRunner: SchedulerServiceTaskRunner;
  readonly #logger: LoggerService;
  readonly #createApi: AzureDevOpsApiFactory;
  readonly #now: () => number;
  readonly #state: ProfileSyncState;
  readonly #events?: EventsService;
  readonly #progressIntervalMs: number;
  readonly #metrics: SyncMetrics;
  readonly #serviceHooks: ServiceHookHandler;
  /** Syncs and batches of service hook events, never two at once. */
  readonly #oneAtATime = new OneAtATime();
  #connection?: EntityProviderConnection;

  /** One provider per profile of `catalog.providers.azureDevOpsRepositories`. Throws on bad config. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; scheduler: SchedulerService; store?: SyncStateStore; events?: EventsService },
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
          store: options.store,
          events: options.events,
        }),
    );
  }

  constructor(options: AzureDevOpsRepositoriesProviderOptions) {
    this.#profile = options.profile;
    this.#taskRunner = options.taskRunner;
    this.#logger = options.logger.child({ target: this.getProviderName() });
    this.#createApi = options.createApi ?? createAzureDevOpsApiFactory(options.profile);
    this.#now = options.now ?? Date.now;
    this.#state = new ProfileSyncState({ profile: options.profile, store: options.store });
    this.#events = options.events;
    this.#progressIntervalMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    this.#metrics = options.metrics ?? new SyncMetrics();
    this.#serviceHooks = new ServiceHookHandler({
      profile: this.#profile,
      state: this.#state,
      createApi: this.#createApi,
      oneAtATime: this.#oneAtATime,
      locationKey: this.getProviderName(),
      logger: this.#logger,
      redacted: error => this.#redacted(error),
      now: this.#now,
      metrics: this.#metrics,
    });
  }

  /** The key of the profile under `catalog.providers.azureDevOpsRepositories`. */
  get profileId(): string {
    return this.#profile.id;
  }

  /** The profile as configured, defaults applied (with its secrets: keep it in this process). */
  get profile(): ProfileConfig {
    return this.#profile;
  }

  /** The id of the sync's scheduled task. */
  get taskId(): string {
    return `${this.getProviderName()}:refresh`;
  }

  /** Whether service hook events reach this provider (it was given the events service). */
  get subscribesToEvents(): boolean {
    return this.#events !== undefined;
  }

  getProviderName(): string {
    return `AzureDevOpsRepositoriesProvider:${this.#profile.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    this.#serviceHooks.connect(connection);
    const id = this.taskId;
    await this.#taskRunner.run({
      id,
      fn: async signal => {
        const logger = this.#logger.child({ taskId: id, taskInstanceId: randomUUID() });
        const outcome = await this.refresh(logger, signal);
        // Logged once already; thrown so that the scheduler counts a failed run and shows why.
        if (outcome.result === 'failed') throw new SyncFailedError(outcome.error);
      },
    });
    await this.#events?.subscribe({
      id: this.getProviderName(),
      topics: [...SERVICE_HOOK_TOPICS],
      onEvent: async params => this.onServiceHook(params),
    });
  }

  /**
   * Takes one event of the Azure DevOps events module: queued when it is about a repository of
   * this profile's organization, else ignored with one debug line. Returns at once, never throws.
   */
  onServiceHook(params: EventParams): void {
    this.#serviceHooks.take(params);
  }

  /** Resolves once every queued service hook event is applied (or failed). */
  async serviceHooksIdle(): Promise<void> {
    await this.#serviceHooks.idle();
  }

  /**
   * The token check the module runs in the background at start-up: one log line, and the result
   * kept for the status route. Never throws.
   */
  async checkToken(): Promise<ProfileVerification | undefined> {
    return checkToken({
      profile: this.#profile,
      createApi: this.#createApi,
      state: this.#state,
      logger: this.#logger,
      redacted: error => this.#redacted(error),
      now: this.#now,
    });
  }

  /** Stops taking service hook events and waits for the batch being applied; for shutdown. */
  async stop(): Promise<void> {
    await this.#serviceHooks.stop();
  }

  /**
   * Runs one sync and applies it ({@link runSync}); never throws, resolves `failed` with the reason.
   * Syncs and batches of service hook events take turns.
   */
  async refresh(logger: LoggerService, signal?: AbortSignal): Promise<SyncOutcome> {
    const connection = this.#connection;
    if (!connection) throw new Error(`${this.getProviderName()} is not connected yet`);
    return this.#oneAtATime.run(() =>
      runSync({
        profile: this.#profile,
        state: this.#state,
        connection,
        metrics: this.#metrics,
        providerName: this.getProviderName(),
        logger,
        signal,
        progressIntervalMs: this.#progressIntervalMs,
        read: progress => this.read({ logger, signal, progress }),
        save: (result, options) => this.saveState(result, options),
        redacted: error => this.#redacted(error),
      }),
    );
  }

  /**
   * Reads the profile's repositories and builds the entities, starting from the state the store
   * holds (the last sync of any replica). No catalog side effects and nothing written: the caller
   * applies the result and then calls {@link saveState}. Throws when the state cannot be loaded,
   * the listing fails or the token is rejected, so the caller applies nothing.
   */
  async read(options: { logger: LoggerService; signal?: AbortSignal; progress?: SyncProgress }): Promise<SyncResult> {
    await this.#state.load();
    return readRepositoryEntities({
      profile: this.#profile,
      createApi: this.#createApi,
      changeTracker: this.#state.changeTracker,
      knownRepositories: this.#state.knownRepositories,
      languagesReadAt: this.#state.languagesReadAt,
      now: this.#now,
      locationKey: this.getProviderName(),
      logger: options.logger,
      signal: options.signal,
      progress: options.progress,
    });
  }

  /**
   * Writes what {@link read} left for the next sync, once the catalog took `result` (a no-op
   * without a store). `held`: the removal guard kept the removals back.
   */
  async saveState(
    result: SyncResult,
    options: { held: boolean; mutation: 'full' | 'delta'; startedAt: number },
  ): Promise<{ written: number; deleted: number } | undefined> {
    return this.#state.save(result, { ...options, endedAt: Date.now() });
  }

  #redacted(error: unknown): string {
    const secrets = [this.#profile.token, this.#profile.broker?.token].filter((secret): secret is string => !!secret);
    return redact(stringifyError(error), secrets);
  }
}
