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
import { OneAtATime } from './OneAtATime';
import { ServiceHookHandler } from './ServiceHookHandler';
import { runCycle, SyncFailedError, type SyncOutcome } from './runCycle';
import { triggerWhenReleased } from './triggerWhenReleased';

export { SyncFailedError, type SyncOutcome } from './runCycle';

/** Options of the {@link AzureDevOpsRepositoriesProvider} constructor. */
export interface AzureDevOpsRepositoriesProviderOptions {
  profile: ProfileConfig;
  taskRunner: SchedulerServiceTaskRunner;
  logger: LoggerService;
  /** Defaults to the `azure-devops-node-api` client with credentials from the profile or `integrations.azure`. */
  createApi?: AzureDevOpsApiFactory;
  /** Defaults to `Date.now`; tests move time with it. */
  now?: () => number;
  /** Where the sync state is kept: the cycle in progress and one row per repository. */
  store: SyncStateStore;
  /**
   * Asks the scheduler for the sync's next run at once, while `wanted` (when given) says it is
   * still wanted; called when a run ends with its cycle in progress, and once connected when a
   * cycle is in progress (a restart in its middle). Without it, the cycle goes on at the schedule's
   * next run.
   */
  triggerNextRun?: (wanted?: () => Promise<boolean>) => void;
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
 * schedule, in cycles of steps, each applied as a delta mutation; a failed listing applies
 * nothing. Between steps, service hook events update single repositories as delta mutations.
 * Wiring only: what a run does is {@link runCycle}, what events change is
 * {@link ServiceHookHandler}, with state kept across both in {@link ProfileSyncState}. A step and
 * a batch of events never apply at the same time, in one process or across replicas.
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
  readonly #triggerNextRun?: (wanted?: () => Promise<boolean>) => void;
  #connection?: EntityProviderConnection;

  /** One provider per profile of `catalog.providers.azureDevOpsRepositories`. Throws on bad config. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; scheduler: SchedulerService; store: SyncStateStore; events?: EventsService },
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
          triggerNextRun: wanted =>
            triggerWhenReleased(options.scheduler, `AzureDevOpsRepositoriesProvider:${profile.id}:refresh`, options.logger, wanted),
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
    this.#triggerNextRun = options.triggerNextRun;
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
    void this.#resumeCycleInProgress();
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
   * Runs one run of the sync ({@link runCycle}): the cycle in progress, or a new one, step by step
   * until it is complete or the run's time is up. Never throws: resolves `failed` with the reason.
   */
  async refresh(logger: LoggerService, signal?: AbortSignal): Promise<SyncOutcome> {
    const connection = this.#connection;
    if (!connection) throw new Error(`${this.getProviderName()} is not connected yet`);
    return runCycle({
      profile: this.#profile,
      state: this.#state,
      connection,
      createApi: this.#createApi,
      metrics: this.#metrics,
      providerName: this.getProviderName(),
      logger,
      signal,
      now: this.#now,
      progressIntervalMs: this.#progressIntervalMs,
      oneAtATime: this.#oneAtATime,
      continueSoon: this.#triggerNextRun,
      redacted: error => this.#redacted(error),
    });
  }

  /**
   * After a restart in the middle of a cycle, its next run now rather than at the schedule's next
   * run (a run stopped by a shutdown asks for none, and the scheduler puts the next one a whole
   * frequency after it); asked until the task is free, while the cycle is still in progress.
   */
  async #resumeCycleInProgress(): Promise<void> {
    if (!this.#triggerNextRun) return;
    const inProgress = async () => (await this.#state.cycleInProgress()) !== undefined;
    try {
      if (await inProgress()) this.#triggerNextRun(inProgress);
    } catch (error) {
      this.#logger.warn(`Profile ${this.#profile.id}: could not read whether a cycle is in progress; it goes on at the schedule's next run: ${this.#redacted(error)}`);
    }
  }

  #redacted(error: unknown): string {
    const secrets = [this.#profile.token, this.#profile.broker?.token].filter((secret): secret is string => !!secret);
    return redact(stringifyError(error), secrets);
  }
}
