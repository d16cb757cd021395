import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import type { EventParams } from '@backstage/plugin-events-node';
import type { RequestStats } from '../client/AzureDevOpsApi';
import type { AzureDevOpsApiFactory } from '../client/createAzureDevOpsApiFactory';
import type { ProfileConfig } from '../config/types';
import { SyncMetrics, type EventResult } from '../metrics/SyncMetrics';
import { eventBelongsToProfile } from '../serviceHooks/eventBelongsToProfile';
import {
  repositoryEventFromServiceHook,
  SERVICE_HOOK_TOPICS,
  type RepositoryEvent,
} from '../serviceHooks/repositoryEventFromServiceHook';
import type { OneAtATime } from './OneAtATime';
import type { ProfileSyncState } from './ProfileSyncState';
import { readRepositoryEvents, type EventOutcome, type RepositoryEventsResult } from './readRepositoryEvents';
import { RepositoryEventQueue, type QueuedEvent } from './RepositoryEventQueue';
import { requestStatsText } from './requestStatsText';

/** Events handled in one batch at most: one delta mutation and one state write each. */
const MAX_EVENT_BATCH = 50;

/** What {@link ServiceHookHandler} shares with its provider. */
export interface ServiceHookHandlerOptions {
  profile: ProfileConfig;
  state: ProfileSyncState;
  createApi: AzureDevOpsApiFactory;
  /** The provider's: a batch never applies beside one of its syncs' steps. */
  oneAtATime: OneAtATime;
  /** The `locationKey` of the entities: the provider name. */
  locationKey: string;
  logger: LoggerService;
  /** Masks the profile's secrets in an error's text. */
  redacted: (error: unknown) => string;
  now: () => number;
  /**
   * Where the events taken and the requests of their batches are counted; the provider passes
   * its own. Defaults to one of the global meter provider.
   */
  metrics?: SyncMetrics;
}

/**
 * One profile's service hooks: takes the events of the Azure DevOps events module, keeps those
 * of the profile's organization in a {@link RepositoryEventQueue}, and applies each batch to the
 * catalog as a delta mutation, from the state the store holds, writing back the rows of the
 * repositories it changed.
 */
export class ServiceHookHandler {
  readonly #options: ServiceHookHandlerOptions;
  readonly #metrics: SyncMetrics;
  readonly #queue: RepositoryEventQueue;
  #connection?: EntityProviderConnection;

  constructor(options: ServiceHookHandlerOptions) {
    this.#options = options;
    this.#metrics = options.metrics ?? new SyncMetrics();
    this.#queue = new RepositoryEventQueue({
      handle: batch => this.#handle(batch),
      onError: error =>
        options.logger.error(
          `Profile ${options.profile.id}: applying service hook events failed; the next scheduled sync repairs what they missed: ${options.redacted(error)}`,
        ),
      maxBatch: MAX_EVENT_BATCH,
    });
  }

  /** Events are taken from here on. */
  connect(connection: EntityProviderConnection): void {
    this.#connection = connection;
  }

  /**
   * Queues an event when it is about a repository of the profile's organization, else ignores
   * it with one debug line. Returns at once and never throws. Every event taken is counted once,
   * as ignored here or with what its batch made of it.
   */
  take(params: EventParams): void {
    const { profile, logger } = this.#options;
    const event = repositoryEventFromServiceHook(params.topic, params.eventPayload);
    if ('ignored' in event) {
      logger.debug(`Profile ${profile.id}: ignored a service hook: ${event.ignored}`);
    } else if (!eventBelongsToProfile(event, profile)) {
      logger.debug(`Profile ${profile.id}: ignored a service hook on ${params.topic}: not of organization ${profile.organization}`);
    } else if (!this.#connection) {
      logger.debug(`Profile ${profile.id}: ignored a service hook on ${params.topic}: not connected to the catalog yet`);
    } else {
      this.#queue.add(event, params.topic);
      return;
    }
    this.#recordEvent(params.topic, 'ignored');
  }

  /** Resolves once every queued event is applied (or failed). */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Drops what is queued, waits for the batch being applied, and takes no more events. */
  stop(): Promise<void> {
    return this.#queue.stop();
  }

  /**
   * Applies one batch, never beside a sync, and counts each service hook it stands for: with what
   * its event came to, or as failed when the batch threw (the queue logs that).
   */
  async #handle(batch: QueuedEvent[]): Promise<void> {
    let outcomes: EventOutcome[] | undefined;
    try {
      outcomes = await this.#options.oneAtATime.run(() => this.#apply(batch.map(({ event }) => event)));
    } finally {
      for (const [index, { topics }] of batch.entries()) {
        const result = outcomes ? eventResultOf(outcomes[index]) : 'failed';
        for (const topic of topics) this.#recordEvent(topic, result);
      }
    }
  }

  /**
   * What each event came to, in order. Throws when the state, the catalog or the store fails: the
   * queue logs it.
   */
  async #apply(events: RepositoryEvent[]): Promise<EventOutcome[]> {
    const connection = this.#connection;
    if (!connection) return events.map(() => 'ignored');
    const { profile, state, locationKey, logger } = this.#options;
    const started = Date.now();
    // The rows of the events' repositories only, whatever the size of the profile.
    const loaded = await state.loadRepositories(events.map(event => event.repositoryId), { ignoreCase: true });
    const refHolders = profile.backstageCatalog.ingestEntities ? await state.declaredRefHolders() : new Map<string, string>();
    const api = await this.#options.createApi(profile);
    api.requestStats?.();
    let requests: RequestStats | undefined;
    let result: RepositoryEventsResult;
    let rows: { written: number; deleted: number } | undefined;
    try {
      result = await readRepositoryEvents({
        events,
        api,
        profile,
        knownRepositories: loaded.known,
        refHolders,
        locationKey,
        logger,
        now: this.#options.now(),
      });
      const applied = result;
      // Under the apply lock: a step of a cycle (on any replica) never applies beside the batch,
      // and one that read these repositories before leaves them as the batch writes them.
      rows = await state.withApplyLock(async () => {
        const cycle = await state.cycleInProgress();
        if (cycle) loaded.known.markSeen(applied.applied, cycle.id);
        if (applied.entities.length > 0 || applied.removed.length > 0) {
          await connection.applyMutation({
            type: 'delta',
            added: applied.entities,
            removed: applied.removed.map(entityRef => ({ entityRef, locationKey })),
          });
        }
        return state.saveRepositories(loaded, {
          eventsAppliedAt: Date.now(),
          ...(cycle ? { seen: { ids: applied.applied, cycleId: cycle.id } } : {}),
        });
      });
    } finally {
      // Also when the batch failed: its requests were sent all the same.
      requests = api.requestStats?.();
      if (requests) this.#metrics.recordRequests(profile.id, 'events', requests);
    }
    const counts = Object.entries(result.counts)
      .filter(([, count]) => count > 0)
      .map(([outcome, count]) => `${count} ${outcome}`)
      .join(', ');
    logger.info(
      `Applied ${events.length} service hook events of profile ${profile.profileName} (organization ${profile.organization}): ${counts}, ` +
        `${result.entities.length} entities upserted, ${result.removed.length} removed, ` +
        requestStatsText(requests) +
        `${rows ? `${rows.written} state rows written, ${rows.deleted} deleted, ` : ''}` +
        `${Date.now() - started} ms`,
    );
    return result.outcomes;
  }

  #recordEvent(topic: string, result: EventResult): void {
    this.#metrics.recordEvent(this.#options.profile.id, { topic: eventTypeOf(topic), result });
  }
}

/**
 * A topic as the `topic` attribute of the metrics: the Azure DevOps event type (`git.push`) of the
 * topics subscribed to, `other` for any other, so that whatever is published cannot add series.
 */
function eventTypeOf(topic: string): string {
  return SERVICE_HOOK_TOPICS.includes(topic) ? topic.slice(topic.indexOf('.') + 1) : 'other';
}

/** Removed is applied to the catalog too; unchanged asked for nothing, like an ignored event. */
function eventResultOf(outcome: EventOutcome): EventResult {
  switch (outcome) {
    case 'applied':
    case 'removed':
      return 'applied';
    case 'ignored':
    case 'unchanged':
      return 'ignored';
    case 'failed':
      return 'failed';
  }
}
