/** What the store keeps of a profile: the last sync, and what the next one starts from. */
export interface StoredProfile {
  lastSyncStartedAt?: number;
  lastSyncEndedAt?: number;
  lastSyncOutcome?: 'succeeded' | 'failed';
  lastSyncCounts?: Record<string, number>;
  /** Redacted by the caller. */
  lastError?: string;
  /** Start of the last clean sync: the next activity window opens there. */
  activityCursor?: number;
  lastFullReadAt?: number;
  activityUnavailableUntil?: number;
  /** The last full mutation's removals were held; the next sync that sees the same confirms them. */
  removalsAwaitingConfirmation: boolean;
  /** When project analysis was last asked for the languages of every project. */
  languagesReadAt?: number;
  /** How the last applied sync reached the catalog. */
  lastMutation?: 'full' | 'delta';
}

/** The sync cycle columns of a profile row: opaque JSON here, written step by step. */
export interface StoredCycles {
  /** The cycle in progress; undefined between cycles. */
  cycle?: string;
  /** The last complete cycle. */
  lastCycle?: string;
}

/**
 * The profile row as the status route reads it: the last sync, and what is written outside syncs
 * (the sync in progress, failures in a row, service hook batches, the token check).
 */
export interface StoredProfileStatus extends StoredProfile, StoredCycles {
  profileId: string;
  /** Start of the sync in progress, until it ends or {@link syncExpiresAt} passes (a replica died mid-sync). */
  syncStartedAt?: number;
  syncExpiresAt?: number;
  consecutiveFailures: number;
  lastSuccessAt?: number;
  lastEventAt?: number;
  /** The last token check as JSON (opaque here; redacted by the caller). */
  tokenCheck?: string;
}

/** What the store keeps of one repository: what the next sync needs to skip its file or fall back on it. */
export interface StoredRepository {
  id: string;
  /** The default branch the outcome was read from. */
  branch?: string;
  /** Git blob id of the catalog file last read, when one was. */
  fileId?: string;
  /** The last usable catalog file outcome as JSON (opaque here); undefined while nothing is known. */
  outcome?: string;
  stale: boolean;
  /** Its read failed once with nothing known: a second failure no longer holds it back. */
  failedUnknown: boolean;
  entityRefs: string[];
  /** What was read of its commits and languages, as JSON (opaque here); undefined while nothing is. */
  insights?: string;
  /** The cycle (its start, epoch ms) that last listed it, or in which an event changed it. */
  seenInCycle?: number;
  /** When its catalog file was last read (epoch ms). */
  fileReadAt?: number;
}

/**
 * Whether two stored repositories differ: only those that do are written again. Which cycle saw
 * them is not compared: a step marks every repository it saw in one statement of its own.
 */
export function sameStoredRepository(a: StoredRepository, b: StoredRepository): boolean {
  return (
    a.id === b.id &&
    a.branch === b.branch &&
    a.fileId === b.fileId &&
    a.outcome === b.outcome &&
    a.stale === b.stale &&
    a.failedUnknown === b.failedUnknown &&
    a.insights === b.insights &&
    a.fileReadAt === b.fileReadAt &&
    a.entityRefs.length === b.entityRefs.length &&
    a.entityRefs.every((ref, index) => ref === b.entityRefs[index])
  );
}

/** The rows to write and delete to go from `before` to `after`. */
export function repositoryChanges(
  before: ReadonlyMap<string, StoredRepository>,
  after: ReadonlyMap<string, StoredRepository>,
): { upserted: StoredRepository[]; deleted: string[] } {
  const upserted: StoredRepository[] = [];
  for (const [id, repository] of after) {
    const previous = before.get(id);
    if (!previous || !sameStoredRepository(previous, repository)) upserted.push(repository);
  }
  const deleted = [...before.keys()].filter(id => !after.has(id));
  return { upserted, deleted };
}
