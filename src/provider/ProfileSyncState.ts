import type { ProfileConfig } from '../config/types';
import type { SyncStateStore } from '../state/SyncStateStore';
import { repositoryChanges, type StoredProfile, type StoredRepository } from '../state/types';
import { ChangeTracker } from './ChangeTracker';
import { KnownRepositories } from './KnownRepositories';
import type { SyncResult } from './readRepositoryEntities';
import { RemovalGuard } from './RemovalGuard';

/** What was loaded at the start of a sync: the base its changes are computed against. */
interface Loaded {
  profile?: StoredProfile;
  repositories: Map<string, StoredRepository>;
}

/**
 * What one profile's syncs carry from one to the next: the known repositories, the change tracker
 * and the removal guard. Without a store they live in this process only. With one, every sync
 * starts from what the last sync of any replica wrote ({@link load}), and {@link save} writes only
 * the rows that changed, with the profile row, in one transaction, after the catalog took the
 * mutation: the store always describes what the catalog holds, and a sync whose write failed
 * leaves the previous state, from which the next sync only reads more.
 */
export class ProfileSyncState {
  readonly #profile: ProfileConfig;
  readonly #store?: SyncStateStore;
  #loaded?: Loaded;
  knownRepositories: KnownRepositories;
  changeTracker: ChangeTracker;
  removalGuard: RemovalGuard;
  /** When the profile's languages were last read (project analysis, once a day). */
  languagesReadAt?: number;

  constructor(options: { profile: ProfileConfig; store?: SyncStateStore }) {
    this.#profile = options.profile;
    this.#store = options.store;
    this.knownRepositories = new KnownRepositories({ profile: options.profile });
    this.changeTracker = new ChangeTracker({ profile: options.profile });
    this.removalGuard = new RemovalGuard({ maxPercent: options.profile.maxRemovedPercent });
  }

  /** Replaces what this process holds with what the store holds; nothing to do without a store. */
  async load(): Promise<void> {
    if (!this.#store) return;
    const loaded = await this.#store.load(this.#profile.id);
    this.#loaded = loaded;
    this.knownRepositories = KnownRepositories.fromStored(this.#profile, loaded.repositories.values());
    this.changeTracker = new ChangeTracker({ profile: this.#profile, restored: loaded.profile });
    this.languagesReadAt = loaded.profile?.languagesReadAt;
    // A profile row means a sync was applied: the refs of its repositories are what the catalog holds.
    const applied = loaded.profile ? [...loaded.repositories.values()].flatMap(row => row.entityRefs) : undefined;
    this.removalGuard = new RemovalGuard({
      maxPercent: this.#profile.maxRemovedPercent,
      applied,
      awaitingConfirmation: loaded.profile?.removalsAwaitingConfirmation,
    });
  }

  /**
   * Writes the outcome of a sync the catalog took. With `held` removals, the rows of repositories
   * no longer listed stay, so that the next sync still knows their entities are in the catalog.
   * Returns the number of repository rows written and deleted.
   */
  async save(
    result: SyncResult,
    options: { held: boolean; mutation: 'full' | 'delta'; startedAt: number; endedAt: number },
  ): Promise<{ written: number; deleted: number } | undefined> {
    if (result.languagesReadAt !== undefined) this.languagesReadAt = result.languagesReadAt;
    if (!this.#store) return undefined;
    const before = this.#loaded?.repositories ?? new Map<string, StoredRepository>();
    const after = this.knownRepositories.toStored();
    if (options.held) for (const [id, row] of before) if (!after.has(id)) after.set(id, row);
    const { upserted, deleted } = repositoryChanges(before, after);
    const { requests, ...counts } = result.stats;
    await this.#store.save(this.#profile.id, {
      profile: {
        lastSyncStartedAt: options.startedAt,
        lastSyncEndedAt: options.endedAt,
        lastSyncOutcome: 'succeeded',
        lastSyncCounts: { ...counts, ...(requests ?? {}) },
        ...this.changeTracker.state(),
        removalsAwaitingConfirmation: this.removalGuard.awaitingConfirmation,
        languagesReadAt: this.languagesReadAt,
        lastMutation: options.mutation,
      },
      upserted,
      deleted,
    });
    this.#loaded = { repositories: after };
    return { written: upserted.length, deleted: deleted.length };
  }

  /**
   * Writes the repository rows that changed since {@link load}, and of the profile row only when
   * events were last applied: what a batch of service hook events leaves. Returns the number of
   * rows written and deleted.
   */
  async saveRepositories(): Promise<{ written: number; deleted: number } | undefined> {
    if (!this.#store) return undefined;
    const before = this.#loaded?.repositories ?? new Map<string, StoredRepository>();
    const after = this.knownRepositories.toStored();
    const { upserted, deleted } = repositoryChanges(before, after);
    await this.#store.save(this.#profile.id, { upserted, deleted, eventsAppliedAt: Date.now() });
    this.#loaded = { ...this.#loaded, repositories: after };
    return { written: upserted.length, deleted: deleted.length };
  }

  /** Marks a sync as running, for the status route of every replica, until it ends or `expiresAt` passes. */
  async recordSyncStarted(sync: { startedAt: number; expiresAt: number }): Promise<void> {
    await this.#store?.recordSyncStarted(this.#profile.id, sync);
  }

  /** Keeps the last token check, for the status route (JSON, redacted). */
  async saveTokenCheck(tokenCheck: unknown): Promise<void> {
    await this.#store?.saveTokenCheck(this.#profile.id, JSON.stringify(tokenCheck));
  }

  /** Records a failed sync; everything the next sync starts from stays as it is. */
  async recordFailure(failure: { startedAt: number; endedAt: number; error: string }): Promise<void> {
    await this.#store?.recordFailure(this.#profile.id, failure);
  }
}
