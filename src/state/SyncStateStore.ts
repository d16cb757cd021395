import path from 'node:path';
import type { Knex } from 'knex';
import type { StoredProfile, StoredProfileStatus, StoredRepository } from './types';

export const PROFILES_TABLE = 'azure_devops_repositories_profiles';
export const REPOSITORIES_TABLE = 'azure_devops_repositories_repositories';
export const MIGRATIONS_TABLE = 'azure_devops_repositories_knex_migrations';

/** The package's `migrations/` folder: two levels up from both `src/state` and `dist/state`. */
const MIGRATIONS_DIRECTORY = path.resolve(__dirname, '..', '..', 'migrations');

/** Rows per insert: SQLite allows a few thousand bound values per statement, PostgreSQL more. */
const CHUNK_ROWS = 200;

/** The changes one sync (or one batch of service hook events) makes to a profile's state, written in one transaction. */
export interface StateChanges {
  /** The profile row; absent when only repositories changed, as with events. */
  profile?: StoredProfile;
  upserted: StoredRepository[];
  deleted: string[];
  /** When a batch of service hook events made these changes (none may be left to write). */
  eventsAppliedAt?: number;
}

/**
 * The sync state of every profile in the catalog plugin's database (SQLite or PostgreSQL), in
 * tables of its own created by the migrations shipped in the package.
 */
export class SyncStateStore {
  readonly #knex: Knex;

  private constructor(knex: Knex) {
    this.#knex = knex;
  }

  /** Brings the tables up to date (forward-only migrations) and returns the store. */
  static async create(knex: Knex): Promise<SyncStateStore> {
    await knex.migrate.latest({
      directory: MIGRATIONS_DIRECTORY,
      tableName: MIGRATIONS_TABLE,
      loadExtensions: ['.js'],
    });
    return new SyncStateStore(knex);
  }

  /** A profile's state as the last sync that wrote it left it; no profile row before its first sync. */
  async load(profileId: string): Promise<{ profile?: StoredProfile; repositories: Map<string, StoredRepository> }> {
    const [profileRow] = await this.#knex(PROFILES_TABLE).where({ profile_id: profileId });
    const rows = await this.#knex(REPOSITORIES_TABLE).where({ profile_id: profileId });
    const repositories = new Map<string, StoredRepository>();
    for (const row of rows) repositories.set(row.repository_id, repositoryFromRow(row));
    return { profile: profileRow ? profileFromRow(profileRow) : undefined, repositories };
  }

  /** Writes one sync's changes, all or nothing; with a profile row, the sync succeeded and no longer runs. */
  async save(profileId: string, changes: StateChanges): Promise<void> {
    await this.#knex.transaction(async trx => {
      if (changes.profile) {
        const columns = {
          ...profileToRow(changes.profile),
          sync_started_at: null,
          sync_expires_at: null,
          consecutive_failures: 0,
          last_success_at: changes.profile.lastSyncEndedAt ?? null,
        };
        await trx(PROFILES_TABLE)
          .insert({ profile_id: profileId, ...columns })
          .onConflict('profile_id')
          .merge(Object.keys(columns));
      }
      if (changes.eventsAppliedAt !== undefined) {
        await trx(PROFILES_TABLE)
          .insert({ profile_id: profileId, last_event_at: changes.eventsAppliedAt })
          .onConflict('profile_id')
          .merge(['last_event_at']);
      }
      for (let i = 0; i < changes.deleted.length; i += CHUNK_ROWS) {
        await trx(REPOSITORIES_TABLE)
          .where({ profile_id: profileId })
          .whereIn('repository_id', changes.deleted.slice(i, i + CHUNK_ROWS))
          .delete();
      }
      for (let i = 0; i < changes.upserted.length; i += CHUNK_ROWS) {
        await trx(REPOSITORIES_TABLE)
          .insert(changes.upserted.slice(i, i + CHUNK_ROWS).map(repository => repositoryToRow(profileId, repository)))
          .onConflict(['profile_id', 'repository_id'])
          .merge();
      }
    });
  }

  /** Records a sync that failed, leaving everything the next sync starts from as it is. */
  async recordFailure(
    profileId: string,
    failure: { startedAt: number; endedAt: number; error: string },
  ): Promise<void> {
    const columns = {
      last_sync_started_at: failure.startedAt,
      last_sync_ended_at: failure.endedAt,
      last_sync_outcome: 'failed',
      last_error: failure.error,
      sync_started_at: null,
      sync_expires_at: null,
    };
    await this.#knex(PROFILES_TABLE)
      .insert({ profile_id: profileId, ...columns, consecutive_failures: 1 })
      .onConflict('profile_id')
      .merge({ ...columns, consecutive_failures: this.#knex.raw('?? + 1', [`${PROFILES_TABLE}.consecutive_failures`]) });
  }

  /** Marks a sync of the profile as running until it ends or `expiresAt` (its timeout) passes. */
  async recordSyncStarted(profileId: string, sync: { startedAt: number; expiresAt: number }): Promise<void> {
    await this.#upsertColumns(profileId, { sync_started_at: sync.startedAt, sync_expires_at: sync.expiresAt });
  }

  /** Keeps the last token check (JSON, redacted by the caller). */
  async saveTokenCheck(profileId: string, tokenCheck: string): Promise<void> {
    await this.#upsertColumns(profileId, { token_check: tokenCheck });
  }

  /** The profile rows of `profileIds` that exist, for the status route. */
  async readStatus(profileIds: readonly string[]): Promise<Map<string, StoredProfileStatus>> {
    const rows: Row[] = await this.#knex(PROFILES_TABLE).whereIn('profile_id', [...profileIds]);
    return new Map(rows.map(row => [String(row.profile_id), profileStatusFromRow(row)]));
  }

  async #upsertColumns(profileId: string, columns: Row): Promise<void> {
    await this.#knex(PROFILES_TABLE)
      .insert({ profile_id: profileId, ...columns })
      .onConflict('profile_id')
      .merge(Object.keys(columns));
  }

  /** Deletes the state of every profile not in `profileIds`; returns the ids it deleted. */
  async deleteProfilesOtherThan(profileIds: readonly string[]): Promise<string[]> {
    return this.#knex.transaction(async trx => {
      const gone = new Set<string>();
      for (const table of [PROFILES_TABLE, REPOSITORIES_TABLE]) {
        const rows: Array<{ profile_id: string }> = await trx(table).distinct('profile_id').whereNotIn('profile_id', profileIds);
        for (const row of rows) gone.add(row.profile_id);
      }
      if (gone.size > 0) {
        await trx(REPOSITORIES_TABLE).whereIn('profile_id', [...gone]).delete();
        await trx(PROFILES_TABLE).whereIn('profile_id', [...gone]).delete();
      }
      return [...gone].sort();
    });
  }
}

type Row = Record<string, unknown>;

/** PostgreSQL returns `bigint` as text. */
function toNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

function toText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function profileFromRow(row: Row): StoredProfile {
  return {
    lastSyncStartedAt: toNumber(row.last_sync_started_at),
    lastSyncEndedAt: toNumber(row.last_sync_ended_at),
    lastSyncOutcome: toText(row.last_sync_outcome) as StoredProfile['lastSyncOutcome'],
    lastSyncCounts: row.last_sync_counts ? JSON.parse(String(row.last_sync_counts)) : undefined,
    lastError: toText(row.last_error),
    activityCursor: toNumber(row.activity_cursor),
    lastFullReadAt: toNumber(row.last_full_read_at),
    activityUnavailableUntil: toNumber(row.activity_unavailable_until),
    removalsAwaitingConfirmation: Boolean(row.removals_awaiting_confirmation),
    languagesReadAt: toNumber(row.languages_read_at),
    lastMutation: toText(row.last_mutation) as StoredProfile['lastMutation'],
  };
}

function profileStatusFromRow(row: Row): StoredProfileStatus {
  return {
    ...profileFromRow(row),
    profileId: String(row.profile_id),
    syncStartedAt: toNumber(row.sync_started_at),
    syncExpiresAt: toNumber(row.sync_expires_at),
    consecutiveFailures: toNumber(row.consecutive_failures) ?? 0,
    lastSuccessAt: toNumber(row.last_success_at),
    lastEventAt: toNumber(row.last_event_at),
    tokenCheck: toText(row.token_check),
  };
}

function profileToRow(profile: StoredProfile): Row {
  return {
    last_sync_started_at: profile.lastSyncStartedAt ?? null,
    last_sync_ended_at: profile.lastSyncEndedAt ?? null,
    last_sync_outcome: profile.lastSyncOutcome ?? null,
    last_sync_counts: profile.lastSyncCounts ? JSON.stringify(profile.lastSyncCounts) : null,
    last_error: profile.lastError ?? null,
    activity_cursor: profile.activityCursor ?? null,
    last_full_read_at: profile.lastFullReadAt ?? null,
    activity_unavailable_until: profile.activityUnavailableUntil ?? null,
    removals_awaiting_confirmation: profile.removalsAwaitingConfirmation,
    languages_read_at: profile.languagesReadAt ?? null,
    last_mutation: profile.lastMutation ?? null,
  };
}

function repositoryFromRow(row: Row): StoredRepository {
  return {
    id: String(row.repository_id),
    branch: toText(row.branch),
    fileId: toText(row.file_id),
    outcome: toText(row.outcome),
    stale: Boolean(row.stale),
    failedUnknown: Boolean(row.failed_unknown),
    entityRefs: JSON.parse(String(row.entity_refs)),
    insights: toText(row.insights),
  };
}

function repositoryToRow(profileId: string, repository: StoredRepository): Row {
  return {
    profile_id: profileId,
    repository_id: repository.id,
    branch: repository.branch ?? null,
    file_id: repository.fileId ?? null,
    outcome: repository.outcome ?? null,
    stale: repository.stale,
    failed_unknown: repository.failedUnknown,
    entity_refs: JSON.stringify(repository.entityRefs),
    insights: repository.insights ?? null,
  };
}
