import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { AzureDevOpsApi, AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { AzureDevOpsError } from '../client/AzureDevOpsError';
import type { ProfileConfig } from '../config/types';
import { detectChangedRepositories } from '../discovery/detectChangedRepositories';

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

/** Repository ids (lower case, as project analysis reports them) pushed to, or `all` to read every file. */
export type ChangedRepositories = Set<string> | 'all';

/**
 * Remembers, across the syncs of one profile, when the last clean sync started and when every file
 * was last read, so a sync reads again only the catalog files of repositories pushed to since.
 */
export class ChangeTracker {
  readonly #profile: ProfileConfig;
  /** Start of the last sync that read every repository it needed to; the next activity window opens there. */
  #lastSyncStartedAt?: number;
  #lastFullReadAt?: number;
  /**
   * Until when project analysis is taken as unavailable, so syncs meanwhile do not ask again. It
   * lasts one full-read interval, not until restart: a token granted access, an analytics job
   * back up or a broker rule added is then noticed at the next daily full read.
   */
  #activityUnavailableUntil?: number;

  constructor(options: { profile: ProfileConfig }) {
    this.#profile = options.profile;
  }

  /**
   * The repositories pushed to since the last clean sync, or `all` when every file must be read:
   * the first sync, the daily full read, the option off, or an activity listing that is
   * unavailable or failed (reading everything is slower but never wrong).
   */
  async changedSinceLastSync(options: {
    api: AzureDevOpsApi;
    repositories: AzureDevOpsRepository[];
    startedAt: number;
    logger: LoggerService;
  }): Promise<ChangedRepositories> {
    const { api, repositories, startedAt, logger } = options;
    const last = this.#lastSyncStartedAt;
    if (!this.#profile.backstageCatalog.enabled || last === undefined) return 'all';
    if (this.#activityUnavailableUntil !== undefined && startedAt < this.#activityUnavailableUntil) return 'all';
    if (this.#lastFullReadAt === undefined || startedAt - this.#lastFullReadAt >= FULL_READ_INTERVAL_MS) return 'all';
    try {
      const changed = await detectChangedRepositories(api, repositories, new Date(last - ACTIVITY_WINDOW_MARGIN_MS));
      if (changed) {
        this.#activityUnavailableUntil = undefined;
        return changed;
      }
      this.#activityUnavailableUntil = startedAt + FULL_READ_INTERVAL_MS;
      logger.info(
        `Profile ${this.#profile.id}: Azure DevOps project analysis is not available to this token or server; every sync reads every catalog file until it is asked again in 24 hours`,
      );
    } catch (error) {
      if (error instanceof AzureDevOpsError && error.kind === 'blocked') {
        // Asking again every sync would only repeat the warning until the broker's rules change.
        this.#activityUnavailableUntil = startedAt + FULL_READ_INTERVAL_MS;
        logger.warn(
          `Profile ${this.#profile.id}: the broker does not let project analysis through, so every sync reads every catalog file until it is asked again in 24 hours: ${error.message}`,
        );
      } else {
        logger.warn(`Profile ${this.#profile.id}: listing repository activity failed, reading every catalog file: ${stringifyError(error)}`);
      }
    }
    return 'all';
  }

  /**
   * Records a sync that read every repository it needed to, with what {@link changedSinceLastSync}
   * answered for it. A sync with unreadable repositories must not be recorded: the next window
   * would open after pushes those repositories still have to pick up.
   */
  recordCleanSync(options: { startedAt: number; changed: ChangedRepositories }): void {
    this.#lastSyncStartedAt = options.startedAt;
    if (options.changed === 'all') this.#lastFullReadAt = options.startedAt;
  }
}
