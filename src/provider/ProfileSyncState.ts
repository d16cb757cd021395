import type { ProfileConfig } from '../config/types';
import type { SyncStateStore } from '../state/SyncStateStore';
import { repositoryChanges, sameStoredRepository, type StoredCycles, type StoredProfile, type StoredRepository } from '../state/types';
import { KnownRepositories } from './KnownRepositories';
import type { CompletedCycle, SyncCycle } from './SyncCycle';

/** Some repositories' rows as a step or a batch of events loaded them, and what it makes of them. */
export interface LoadedRepositories {
  /** The rows as loaded: what the writes are compared against. */
  rows: Map<string, StoredRepository>;
  known: KnownRepositories;
}

/**
 * One profile's sync state in the store, read and written a step (or a batch of service hook
 * events) at a time: the profile row with the cycle in progress, and the rows of the repositories
 * at hand, never all of them. Every write of a step or a batch happens under the store's apply
 * lock, after checking that no one else changed the rows it read ({@link changedSince}).
 */
export class ProfileSyncState {
  readonly #profile: ProfileConfig;
  readonly #store: SyncStateStore;

  constructor(options: { profile: ProfileConfig; store: SyncStateStore }) {
    this.#profile = options.profile;
    this.#store = options.store;
  }

  async loadProfile(): Promise<(StoredProfile & StoredCycles) | undefined> {
    return this.#store.loadProfile(this.#profile.id);
  }

  /** The cycle in progress, if any. */
  async cycleInProgress(): Promise<SyncCycle | undefined> {
    const cycle = (await this.loadProfile())?.cycle;
    return cycle ? (JSON.parse(cycle) as SyncCycle) : undefined;
  }

  /** The rows of some repositories; `ignoreCase` for ids a service hook spelt. */
  async loadRepositories(ids: readonly string[], options: { ignoreCase?: boolean } = {}): Promise<LoadedRepositories> {
    const rows = await this.#store.loadRepositories(this.#profile.id, ids, options);
    return { rows, known: KnownRepositories.fromStored(this.#profile, rows.values()) };
  }

  /** The ids among `loaded` whose rows someone else wrote or deleted since they were loaded. */
  async changedSince(loaded: LoadedRepositories, ids: readonly string[]): Promise<Set<string>> {
    const current = await this.#store.loadRepositories(this.#profile.id, ids);
    const changed = new Set<string>();
    for (const id of ids) {
      const before = loaded.rows.get(id);
      const now = current.get(id);
      if (before === undefined ? now !== undefined : now === undefined || !sameStoredRepository(before, now)) changed.add(id);
    }
    return changed;
  }

  /**
   * With `ingestEntities`: which repository holds each ref it emitted, its own Repository entity's
   * (first in its row) included, so that no file declares the ref of another repository's entity.
   */
  async declaredRefHolders(): Promise<Map<string, string>> {
    const holders = new Map<string, string>();
    for (const [id, refs] of await this.#store.entityRefsByRepository(this.#profile.id)) {
      for (const ref of refs) holders.set(ref, id);
    }
    return holders;
  }

  /** The rows a cycle has not seen, and how many rows there are: what its end may remove. */
  async unseenBy(cycleId: number): Promise<{ unseen: StoredRepository[]; total: number }> {
    const [unseen, total] = await Promise.all([
      this.#store.repositoriesNotSeenIn(this.#profile.id, cycleId),
      this.#store.countRepositories(this.#profile.id),
    ]);
    return { unseen, total };
  }

  /** Refs the catalog holds from the provider that no row holds (see `SyncStateStore.catalogRefsNotHeld`). */
  async catalogRefsNotHeld(providerName: string): Promise<string[]> {
    return this.#store.catalogRefsNotHeld(this.#profile.id, providerName);
  }

  withApplyLock<T>(apply: () => Promise<T>): Promise<T> {
    return this.#store.withApplyLock(this.#profile.id, apply);
  }

  /** How many rows {@link saveRepositories} would write and delete. */
  rowChanges(loaded: LoadedRepositories, skip: ReadonlySet<string> = new Set()): { written: number; deleted: number } {
    const { upserted, deleted } = repositoryChanges(loaded.rows, loaded.known.toStored());
    return { written: upserted.filter(row => !skip.has(row.id)).length, deleted: deleted.filter(id => !skip.has(id)).length };
  }

  /**
   * Writes what a step (with `cycle`) or a batch of events changed of `loaded`, leaving out the
   * repositories in `skip`, and marks `seen` as seen by the cycle. Returns the rows written and deleted.
   */
  async saveRepositories(
    loaded: LoadedRepositories,
    options: { skip?: ReadonlySet<string>; seen?: { ids: string[]; cycleId: number }; cycle?: SyncCycle; eventsAppliedAt?: number },
  ): Promise<{ written: number; deleted: number }> {
    const skip = options.skip ?? new Set<string>();
    const { upserted, deleted } = repositoryChanges(loaded.rows, loaded.known.toStored());
    const written = upserted.filter(row => !skip.has(row.id));
    const gone = deleted.filter(id => !skip.has(id));
    await this.#store.save(this.#profile.id, {
      upserted: written,
      deleted: gone,
      ...(options.seen ? { seen: { ids: options.seen.ids.filter(id => !skip.has(id)), cycleId: options.seen.cycleId } } : {}),
      ...(options.cycle ? { cycle: JSON.stringify(options.cycle) } : {}),
      ...(options.eventsAppliedAt !== undefined ? { eventsAppliedAt: options.eventsAppliedAt } : {}),
    });
    return { written: written.length, deleted: gone.length };
  }

  /** Keeps a cycle that just started, before its first step. */
  async saveCycle(cycle: SyncCycle): Promise<void> {
    await this.#store.save(this.#profile.id, { upserted: [], deleted: [], cycle: JSON.stringify(cycle) });
  }

  /** Ends a cycle: the profile row as the last sync left it, the rows its end removed deleted. */
  async completeCycle(options: { profile: StoredProfile; deleted: string[]; completed: CompletedCycle }): Promise<void> {
    await this.#store.save(this.#profile.id, {
      profile: options.profile,
      upserted: [],
      deleted: options.deleted,
      cycle: null,
      lastCycle: JSON.stringify(options.completed),
    });
  }

  /** Marks a sync as running, for the status route of every replica, until it ends or `expiresAt` passes. */
  async recordSyncStarted(sync: { startedAt: number; expiresAt: number }): Promise<void> {
    await this.#store.recordSyncStarted(this.#profile.id, sync);
  }

  /** A run that ended with its cycle in progress: not running any more, and not failed. */
  async recordRunEnded(): Promise<void> {
    await this.#store.recordRunEnded(this.#profile.id);
  }

  /** Keeps the last token check, for the status route (JSON, redacted). */
  async saveTokenCheck(tokenCheck: unknown): Promise<void> {
    await this.#store.saveTokenCheck(this.#profile.id, JSON.stringify(tokenCheck));
  }

  /** Records a failed run; everything the next run starts from stays as it is. */
  async recordFailure(failure: { startedAt: number; endedAt: number; error: string }): Promise<void> {
    await this.#store.recordFailure(this.#profile.id, failure);
  }
}
