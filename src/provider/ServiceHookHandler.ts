import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import type { EventParams } from '@backstage/plugin-events-node';
import type { AzureDevOpsApiFactory } from '../client/createAzureDevOpsApiFactory';
import type { ProfileConfig } from '../config/types';
import { eventBelongsToProfile } from '../serviceHooks/eventBelongsToProfile';
import { repositoryEventFromServiceHook, type RepositoryEvent } from '../serviceHooks/repositoryEventFromServiceHook';
import type { OneAtATime } from './OneAtATime';
import type { ProfileSyncState } from './ProfileSyncState';
import { readRepositoryEvents } from './readRepositoryEvents';
import { RepositoryEventQueue } from './RepositoryEventQueue';
import { requestStatsText } from './requestStatsText';

/** Events handled in one batch at most: one delta mutation and one state write each. */
const MAX_EVENT_BATCH = 50;

/** What {@link ServiceHookHandler} shares with its provider. */
export interface ServiceHookHandlerOptions {
  profile: ProfileConfig;
  state: ProfileSyncState;
  createApi: AzureDevOpsApiFactory;
  /** The provider's: a batch never runs beside one of its syncs. */
  oneAtATime: OneAtATime;
  /** The `locationKey` of the entities: the provider name. */
  locationKey: string;
  logger: LoggerService;
  /** Masks the profile's secrets in an error's text. */
  redacted: (error: unknown) => string;
  now: () => number;
}

/**
 * One profile's service hooks: takes the events of the Azure DevOps events module, keeps those
 * of the profile's organization in a {@link RepositoryEventQueue}, and applies each batch to the
 * catalog as a delta mutation, from the state the store holds, writing back the rows of the
 * repositories it changed.
 */
export class ServiceHookHandler {
  readonly #options: ServiceHookHandlerOptions;
  readonly #queue: RepositoryEventQueue;
  #connection?: EntityProviderConnection;

  constructor(options: ServiceHookHandlerOptions) {
    this.#options = options;
    this.#queue = new RepositoryEventQueue({
      handle: events => options.oneAtATime.run(() => this.#apply(events)),
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
   * it with one debug line. Returns at once and never throws.
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
      this.#queue.add(event);
    }
  }

  /** Resolves once every queued event is applied (or failed). */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Drops what is queued, waits for the batch being applied, and takes no more events. */
  stop(): Promise<void> {
    return this.#queue.stop();
  }

  /** Throws when the state, the catalog or the store fails: the queue logs it. */
  async #apply(events: RepositoryEvent[]): Promise<void> {
    const connection = this.#connection;
    if (!connection) return;
    const { profile, state, locationKey, logger } = this.#options;
    const started = Date.now();
    await state.load();
    const api = await this.#options.createApi(profile);
    api.requestStats?.();
    const result = await readRepositoryEvents({
      events,
      api,
      profile,
      knownRepositories: state.knownRepositories,
      locationKey,
      logger,
      now: this.#options.now(),
    });
    if (result.entities.length > 0 || result.removed.length > 0) {
      await connection.applyMutation({
        type: 'delta',
        added: result.entities,
        removed: result.removed.map(entityRef => ({ entityRef, locationKey })),
      });
      state.removalGuard.applied('delta', result.entities.map(({ entity }) => stringifyEntityRef(entity)), result.removed);
    }
    const rows = await state.saveRepositories();
    const requests = api.requestStats?.();
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
  }
}
