import path from 'node:path';
import type { Knex } from 'knex';
import { withApplyLock } from './applyLock';
import { catalogRefsNotHeld } from './catalogRefsNotHeld';
import { profileFromRow, profileStatusFromRow, profileToRow, repositoryFromRow, repositoryToRow, type Row } from './rows';
import type { StoredCycles, StoredProfile, StoredProfileStatus, StoredRepository } from './types';

import { MIGRATIONS_TABLE, PROFILES_TABLE, REPOSITORIES_TABLE } from './tables';

export { MIGRATIONS_TABLE, PROFILES_TABLE, REPOSITORIES_TABLE };

/** The package's `migrations/` folder: two levels up from both `src/state` and `dist/state`. */
const MIGRATIONS_DIRECTORY = path.resolve(__dirname, '..', '..', 'migrations');

/** Rows per insert: SQLite allows a few thousand bound values per statement, PostgreSQL more. */
const CHUNK_ROWS = 200;


/** The changes one sync (or one batch of service hook events) makes to a profile's state, written in one transaction. */
export interface StateChanges {
  /** The profile row at the end of a cycle; absent when only repositories changed, as with a step or events. */
  profile?: StoredProfile;
  /** The cycle in progress as JSON, `null` when it ended; absent to leave it as it is. */
  cycle?: string | null;
  /** The cycle that just completed, as JSON. */
  lastCycle?: string;
  upserted: StoredRepository[];
  deleted: string[];
  /** When a batch of service hook events made these changes (none may be left to write). */
  eventsAppliedAt?: number;
  /** Repositories a cycle's step saw: their rows are marked with the cycle, changed or not. */
  seen?: { ids: string[]; cycleId: number };
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
      const cycles: Row = {};
      if (changes.cycle !== undefined) cycles.cycle = changes.cycle;
      if (changes.lastCycle !== undefined) cycles.last_cycle = changes.lastCycle;
      if (Object.keys(cycles).length > 0) {
        await trx(PROFILES_TABLE)
          .insert({ profile_id: profileId, ...cycles })
          .onConflict('profile_id')
          .merge(Object.keys(cycles));
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
      const seen = changes.seen;
      for (let i = 0; seen && i < seen.ids.length; i += CHUNK_ROWS) {
        await trx(REPOSITORIES_TABLE)
          .where({ profile_id: profileId })
          .whereIn('repository_id', seen.ids.slice(i, i + CHUNK_ROWS))
          .update({ seen_in_cycle: seen.cycleId });
      }
    });
  }

  /** The profile row, with its cycle columns; undefined before anything was written for it. */
  async loadProfile(profileId: string): Promise<(StoredProfile & StoredCycles) | undefined> {
    const [row] = await this.#knex(PROFILES_TABLE).where({ profile_id: profileId });
    return row ? { ...profileFromRow(row), cycle: row.cycle ?? undefined, lastCycle: row.last_cycle ?? undefined } : undefined;
  }

  /**
   * The rows of some repositories of a profile, by id. With `ignoreCase`, ids are matched
   * whatever their case (a service hook may spell an id otherwise than the listing), and the
   * rows come back under the ids as stored.
   */
  async loadRepositories(
    profileId: string,
    ids: readonly string[],
    options: { ignoreCase?: boolean } = {},
  ): Promise<Map<string, StoredRepository>> {
    const repositories = new Map<string, StoredRepository>();
    for (let i = 0; i < ids.length; i += CHUNK_ROWS) {
      const chunk = ids.slice(i, i + CHUNK_ROWS);
      const query = this.#knex(REPOSITORIES_TABLE).where({ profile_id: profileId });
      const rows: Row[] = options.ignoreCase
        ? await query.whereRaw(`lower(repository_id) in (${chunk.map(() => '?').join(', ')})`, chunk.map(id => id.toLowerCase()))
        : await query.whereIn('repository_id', chunk);
      for (const row of rows) repositories.set(String(row.repository_id), repositoryFromRow(row));
    }
    return repositories;
  }

  /** The rows of a profile's repositories that the cycle `cycleId` has not seen: what its end removes. */
  async repositoriesNotSeenIn(profileId: string, cycleId: number): Promise<StoredRepository[]> {
    const rows: Row[] = await this.#knex(REPOSITORIES_TABLE)
      .where({ profile_id: profileId })
      .andWhere(query => query.whereNull('seen_in_cycle').orWhereNot('seen_in_cycle', cycleId));
    return rows.map(repositoryFromRow);
  }

  /** How many repositories of a profile have a row. */
  async countRepositories(profileId: string): Promise<number> {
    const [{ count }] = await this.#knex(REPOSITORIES_TABLE).where({ profile_id: profileId }).count({ count: '*' });
    return Number(count);
  }

  /**
   * The refs emitted for each repository of a profile, and nothing else of its rows: who holds
   * which declared entity, when a profile ingests them.
   */
  async entityRefsByRepository(profileId: string): Promise<Map<string, string[]>> {
    const rows: Row[] = await this.#knex(REPOSITORIES_TABLE).where({ profile_id: profileId }).select('repository_id', 'entity_refs');
    return new Map(rows.map(row => [String(row.repository_id), JSON.parse(String(row.entity_refs)) as string[]]));
  }

  /** The refs the catalog holds from `providerName` that no row of the profile holds ({@link catalogRefsNotHeld}). */
  async catalogRefsNotHeld(profileId: string, providerName: string): Promise<string[]> {
    return catalogRefsNotHeld(this.#knex, providerName, async () => (await this.entityRefsByRepository(profileId)).values());
  }


  /**
   * Runs `apply` while no other step or batch of events of the profile applies anything, on any
   * replica sharing the database ({@link withApplyLock}).
   */
  async withApplyLock<T>(profileId: string, apply: () => Promise<T>): Promise<T> {
    return withApplyLock(this.#knex, profileId, apply);
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

  /** Records a run that ended with its cycle still in progress: no longer running, and no failure. */
  async recordRunEnded(profileId: string): Promise<void> {
    await this.#upsertColumns(profileId, { sync_started_at: null, sync_expires_at: null, consecutive_failures: 0 });
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

