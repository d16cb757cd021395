import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { ProfileConfig } from '../config/types';
import type { StoredRepository } from '../state/types';
import type { ChangedRepositories } from './ChangeTracker';
import type { KnownInsights } from './KnownInsights';
import { describeCatalogFile, describeRepository } from './describeRepository';
import { dueAgain } from './dueAgain';
import type { CatalogFileOutcome } from './readCatalogFile';

export type { KnownInsights } from './KnownInsights';

/** A catalog file outcome that can stand for a repository in a later sync. */
export type KnownOutcome = Extract<CatalogFileOutcome, { kind: 'read' | 'absent' | 'unusable' }>;

/**
 * What the provider remembers of a repository between syncs: to survive transient faults, and to
 * skip reading files that cannot have changed.
 */
interface KnownRepository {
  /** The default branch the outcome was read from; a switched branch means a new read. */
  branch?: string;
  outcome: KnownOutcome;
  /** The last read failed and this outcome stands in for it: read again next time, pushes or not. */
  stale?: boolean;
  /** Refs of the entities emitted for it (its Repository, and what it ingested). */
  entityRefs?: string[];
  /** What was read of its commits and languages; kept whatever happens to its file. */
  insights?: KnownInsights;
  /** When its file was last read: once a day at least, it is read again ({@link dueAgain}). */
  fileReadAt?: number;
}

/**
 * The last known catalog file outcome of each repository of one profile, and the fallback policy
 * built on it: a transient fault must never strip known context, and a file nothing was pushed to
 * need not be read again.
 */
export class KnownRepositories {
  readonly #profile: ProfileConfig;
  readonly #known = new Map<string, KnownRepository>();
  /** Repositories whose read failed once with nothing known: a second failure no longer holds them back. */
  readonly #failedUnknown = new Set<string>();
  /** The cycle that last saw each repository, as stored, or as marked by {@link markSeen}. */
  readonly #seenInCycle = new Map<string, number>();

  constructor(options: { profile: ProfileConfig }) {
    this.#profile = options.profile;
  }

  /**
   * The known outcome when it can stand for a read now: known, its last read succeeded, the
   * default branch is the same, nothing was pushed since and it is not due for its daily read
   * ({@link dueAgain}; with `now`). Otherwise `undefined`: read the file.
   */
  reusableOutcome(repository: AzureDevOpsRepository, changed: ChangedRepositories, now?: number): KnownOutcome | undefined {
    if (changed === 'all') return undefined;
    const known = this.#known.get(repository.id);
    if (!known || known.stale || known.branch !== repository.defaultBranch) return undefined;
    if (now !== undefined && dueAgain(known.fileReadAt, now, repository.id)) return undefined;
    return changed.has(repository.id.toLowerCase()) ? undefined : known.outcome;
  }

  /** Marks repositories as seen by a cycle (listed by one of its steps, or changed by an event during it). */
  markSeen(ids: Iterable<string>, cycleId: number): void {
    for (const id of ids) this.#seenInCycle.set(id, cycleId);
  }

  /**
   * Decides what a repository's file contributes, logging once per problem, and remembers it. A
   * failed read falls back to the last known outcome, marked stale. With nothing known, a passing
   * fault makes the repository `unknown` once (its entity is left as it is); a second one, or a
   * lasting failure, emits it without context, so no repository holds the profile's deletions
   * back for more than one sync. A repository deleted since it was listed is `gone`.
   */
  settle(
    repository: AzureDevOpsRepository,
    outcome: CatalogFileOutcome,
    logger: LoggerService,
    /** When `outcome` was read; absent when it is the known outcome standing in for a read. */
    readAt?: number,
  ): KnownOutcome | 'gone' | 'unknown' {
    const where = describeCatalogFile(this.#profile, repository);
    switch (outcome.kind) {
      case 'repositoryGone':
        logger.debug(`${describeRepository(this.#profile, repository)}: gone since it was listed`);
        return 'gone';
      case 'failed': {
        const known = this.#known.get(repository.id);
        if (known) {
          logger.warn(`${where}: reading the catalog file failed, keeping the last known context: ${outcome.error.message}`);
          this.#known.set(repository.id, { ...known, stale: true });
          return known.outcome;
        }
        // Nothing known: hold the entity back once for a passing fault, never for a lasting one,
        // or every later sync would be a delta and deletions would never apply.
        if (outcome.transient && !this.#failedUnknown.has(repository.id)) {
          this.#failedUnknown.add(repository.id);
          logger.warn(`${where}: reading the catalog file failed, leaving its entity unchanged: ${outcome.error.message}`);
          return 'unknown';
        }
        const why = outcome.transient ? 'failed again' : 'failed and will not pass by itself';
        logger.warn(
          `${where}: reading the catalog file ${why}; the repository is emitted without application context until a read succeeds: ${outcome.error.message}`,
        );
        const unreadable: KnownOutcome = { kind: 'unusable', reason: `the catalog file is unreadable: ${outcome.error.message}` };
        const insights = this.#known.get(repository.id)?.insights;
        this.#known.set(repository.id, { branch: repository.defaultBranch, outcome: unreadable, stale: true, ...(insights ? { insights } : {}) });
        return unreadable;
      }
      case 'unusable':
        logger.warn(`${where}: ${outcome.reason}; the repository is emitted without application context`);
        break;
      case 'absent':
        logger.debug(`${where}: no application context: ${outcome.reason}`);
        break;
      case 'read':
        for (const ignored of outcome.facts.ignored) logger.debug(`${where}: ${ignored.reason}`);
        for (const warning of outcome.facts.warnings) logger.warn(`${where}: ${warning}`);
        break;
    }
    this.#failedUnknown.delete(repository.id);
    const previous = this.#known.get(repository.id);
    const fileReadAt = readAt ?? previous?.fileReadAt;
    this.#known.set(repository.id, {
      branch: repository.defaultBranch,
      outcome: this.#toKeep(outcome),
      ...(previous?.insights ? { insights: previous.insights } : {}),
      ...(fileReadAt !== undefined ? { fileReadAt } : {}),
    });
    return outcome;
  }

  /**
   * What the next sync needs of an outcome. The parsed documents serve only to ingest the file's
   * entities again; without `ingestEntities` they would be held, for every repository, until the
   * file changes, for nothing.
   */
  #toKeep(outcome: KnownOutcome): KnownOutcome {
    if (outcome.kind !== 'read' || this.#profile.backstageCatalog.ingestEntities || !outcome.documents) return outcome;
    return { kind: 'read', facts: outcome.facts, ...(outcome.fileId ? { fileId: outcome.fileId } : {}) };
  }

  /** Everything remembered, one stored row per repository, as {@link fromStored} takes it back. */
  toStored(): Map<string, StoredRepository> {
    const stored = new Map<string, StoredRepository>();
    for (const [id, known] of this.#known) {
      const { fileId, ...outcome } = known.outcome.kind === 'read' ? known.outcome : { ...known.outcome, fileId: undefined };
      stored.set(id, {
        id,
        branch: known.branch,
        fileId,
        outcome: JSON.stringify(outcome),
        stale: known.stale ?? false,
        failedUnknown: this.#failedUnknown.has(id),
        entityRefs: known.entityRefs ?? [],
        ...(known.insights ? { insights: JSON.stringify(known.insights) } : {}),
        ...(known.fileReadAt !== undefined ? { fileReadAt: known.fileReadAt } : {}),
        ...this.#seen(id),
      });
    }
    for (const id of this.#failedUnknown) {
      if (!this.#known.has(id)) stored.set(id, { id, stale: false, failedUnknown: true, entityRefs: [], ...this.#seen(id) });
    }
    return stored;
  }

  #seen(id: string): { seenInCycle?: number } {
    const seenInCycle = this.#seenInCycle.get(id);
    return seenInCycle === undefined ? {} : { seenInCycle };
  }

  /** What a previous sync, in this process or another, left in the store. */
  static fromStored(profile: ProfileConfig, stored: Iterable<StoredRepository>): KnownRepositories {
    const known = new KnownRepositories({ profile });
    for (const row of stored) {
      if (row.failedUnknown) known.#failedUnknown.add(row.id);
      if (row.seenInCycle !== undefined) known.#seenInCycle.set(row.id, row.seenInCycle);
      if (row.outcome === undefined) continue;
      const outcome = JSON.parse(row.outcome) as KnownOutcome;
      known.#known.set(row.id, {
        branch: row.branch,
        outcome: outcome.kind === 'read' && row.fileId ? { ...outcome, fileId: row.fileId } : outcome,
        ...(row.stale ? { stale: true } : {}),
        entityRefs: row.entityRefs,
        ...(row.insights ? { insights: JSON.parse(row.insights) as KnownInsights } : {}),
        ...(row.fileReadAt !== undefined ? { fileReadAt: row.fileReadAt } : {}),
      });
    }
    return known;
  }

  /**
   * Which repository each ref was emitted for by the last sync, by repository id. Read it before
   * settling this sync's outcomes, which replace what is remembered.
   */
  entityRefHolders(): Map<string, string> {
    const holders = new Map<string, string>();
    for (const [id, known] of this.#known) for (const ref of known.entityRefs ?? []) holders.set(ref, id);
    return holders;
  }

  /** Remembers the refs emitted for a settled repository, to remove them should it disappear. */
  recordEntityRefs(repositoryId: string, refs: string[]): void {
    const known = this.#known.get(repositoryId);
    if (known) known.entityRefs = refs;
  }

  /** What was read of a repository's commits and languages. */
  insightsOf(id: string): KnownInsights {
    return this.#known.get(id)?.insights ?? {};
  }

  /** Remembers what was read of a settled repository's commits or languages, beside what was before. */
  recordInsights(id: string, insights: KnownInsights): void {
    const known = this.#known.get(id);
    if (known) known.insights = { ...known.insights, ...insights };
  }

  /** The remembered id equal to `id` but for case, if any: service hooks and listings may differ in case. */
  knownId(id: string): string | undefined {
    if (this.#known.has(id)) return id;
    const lower = id.toLowerCase();
    for (const key of this.#known.keys()) if (key.toLowerCase() === lower) return key;
    return undefined;
  }

  /** The default branch a remembered repository's outcome was read from. */
  branchOf(id: string): string | undefined {
    return this.#known.get(id)?.branch;
  }

  /** The refs emitted for a remembered repository. */
  entityRefsOf(id: string): string[] {
    return [...(this.#known.get(id)?.entityRefs ?? [])];
  }

  /**
   * Whether `outcome`, just read, is what is remembered of the repository, read from the same
   * branch: the same file (by Git blob id), or the same absence or problem. Then a push changed
   * nothing its entity shows.
   */
  unchanged(repository: AzureDevOpsRepository, outcome: KnownOutcome): boolean {
    const known = this.#known.get(repository.id);
    if (!known || known.stale || known.branch !== repository.defaultBranch || known.outcome.kind !== outcome.kind) return false;
    if (known.outcome.kind === 'read' && outcome.kind === 'read') return !!outcome.fileId && known.outcome.fileId === outcome.fileId;
    return JSON.stringify(known.outcome) === JSON.stringify(outcome);
  }

  /** Forgets one repository (deleted, or no longer emitted) and returns the refs emitted for it. */
  forget(id: string): string[] {
    const refs = this.entityRefsOf(id);
    this.#known.delete(id);
    this.#failedUnknown.delete(id);
    this.#seenInCycle.delete(id);
    return refs;
  }
}
