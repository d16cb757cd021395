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
const HOUR_MS = 60 * 60 * 1000;
const ACTIVITY_WINDOW_MARGIN_MS = HOUR_MS;

/**
 * How long project analysis, once found unavailable, is not asked again. Every file is still read
 * again once a day whatever the activity says (a safety net should Azure DevOps' analytics ever
 * lag or miss a push), each at a time of its own: see `dueAgain`.
 */
const FULL_READ_INTERVAL_MS = 24 * HOUR_MS;

/**
 * The oldest window project analysis is asked about. The server refuses (400) a `fromDate` whose
 * UTC day is before now minus 31 days, so it answers for at least the last 30 days; 29 leaves a
 * day for a clock that differs from the server's. An older window reads every file instead.
 * With the daily full read a window never opens more than about 25 hours back; this holds should
 * the full-read interval ever be longer.
 */
const MAX_ACTIVITY_WINDOW_MS = 29 * 24 * HOUR_MS;

/** What a {@link ChangeTracker} carries from one sync to the next. */
export interface ChangeTrackerState {
  /** Start of the last clean sync: the next activity window opens there. */
  activityCursor?: number;
  lastFullReadAt?: number;
  activityUnavailableUntil?: number;
}

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
  readonly #fullReadIntervalMs: number;

  /** `fullReadIntervalMs` defaults to 24 hours; `restored` is what a previous sync left in the store. */
  constructor(options: { profile: ProfileConfig; fullReadIntervalMs?: number; restored?: ChangeTrackerState }) {
    this.#profile = options.profile;
    this.#fullReadIntervalMs = options.fullReadIntervalMs ?? FULL_READ_INTERVAL_MS;
    this.#lastSyncStartedAt = options.restored?.activityCursor;
    this.#lastFullReadAt = options.restored?.lastFullReadAt;
    this.#activityUnavailableUntil = options.restored?.activityUnavailableUntil;
  }

  /** What the next sync, in this process or another, starts from. */
  state(): ChangeTrackerState {
    return {
      activityCursor: this.#lastSyncStartedAt,
      lastFullReadAt: this.#lastFullReadAt,
      activityUnavailableUntil: this.#activityUnavailableUntil,
    };
  }

  /**
   * The repositories pushed to since the last clean sync, or `all` when every file must be read:
   * the first sync, the option off, a window older than project analysis
   * answers for, or an activity listing that is unavailable, refused or failed (reading
   * everything is slower but never wrong).
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
    const since = last - ACTIVITY_WINDOW_MARGIN_MS;
    if (startedAt - since > MAX_ACTIVITY_WINDOW_MS) return 'all';
    const askedAgainIn = `${Math.round(this.#fullReadIntervalMs / HOUR_MS)} hours`;
    try {
      const changed = await detectChangedRepositories(api, repositories, new Date(since));
      if (changed) {
        this.#activityUnavailableUntil = undefined;
        return changed;
      }
      this.#activityUnavailableUntil = startedAt + this.#fullReadIntervalMs;
      logger.info(
        `Profile ${this.#profile.id}: Azure DevOps project analysis is not available to this token or server; every sync reads every catalog file until it is asked again in ${askedAgainIn}`,
      );
    } catch (error) {
      // Asking again every sync would only repeat the warning: a broker's rules change, and a
      // refused question (400) gets another answer, only by someone's hand.
      if (error instanceof AzureDevOpsError && error.kind === 'blocked') {
        this.#activityUnavailableUntil = startedAt + this.#fullReadIntervalMs;
        logger.warn(
          `Profile ${this.#profile.id}: the broker does not let project analysis through, so every sync reads every catalog file until it is asked again in ${askedAgainIn}: ${error.message}`,
        );
      } else if (error instanceof AzureDevOpsError && error.kind === 'badRequest') {
        this.#activityUnavailableUntil = startedAt + this.#fullReadIntervalMs;
        logger.warn(
          `Profile ${this.#profile.id}: Azure DevOps refused the project analysis question, so every sync reads every catalog file until it is asked again in ${askedAgainIn}: ${error.message}`,
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
