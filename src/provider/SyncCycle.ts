import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { ChangeTrackerState } from './ChangeTracker';

/** Counts of a cycle, added up step by step, for its summary line, the status route and the metrics. */
export interface CycleStats {
  /** Repositories the last listing returned, before filters. */
  seen: number;
  emitted: number;
  skipped: number;
  failed: number;
  withContext: number;
  /** Repositories whose file was not read again, because nothing was pushed to them. */
  unchanged: number;
  /** Repositories that could not be read and had nothing known: left as the catalog has them. */
  unresolved: number;
  requests: number;
  retries: number;
  throttledMs: number;
  /** State rows its steps wrote and its end deleted. */
  rowsWritten: number;
  rowsDeleted: number;
}

/**
 * A sync cycle in progress: one pass over the organization, step by step, kept in the profile row
 * as JSON so that any run on any replica resumes it. Its steps take the listed repositories in a
 * fixed order ({@link cycleOrderKey}); the cursor is the key of the last repository done.
 */
export interface SyncCycle {
  /** When it started (epoch ms): its id in the repository rows it saw, and, once it ends with nothing unresolved, where the next activity window opens. */
  id: number;
  /** Lower-case ids of the repositories pushed to since the last clean cycle, or `all` to read every file. */
  changed: 'all' | string[];
  /**
   * Whether its steps ask for the projects' languages: every project once a day, or, in between,
   * only the projects whose answer the last cycle could not use ({@link languagesOnly}).
   */
  languagesDue: boolean;
  /** When set, the only projects (ids) whose languages are asked for. */
  languagesOnly?: string[];
  cursor?: string;
  /** Repositories of the last run's listing, and how many of them were behind the cursor at the last step. */
  total: number;
  done: number;
  runs: number;
  /** When the last step ended. */
  updatedAt: number;
  /** What the change tracker knew when the cycle started: written to the profile row at its end. */
  tracker: ChangeTrackerState;
  /** Projects (ids) whose languages failed or were preliminary (206): the next cycle asks them again. */
  languagesIncomplete?: string[];
  /**
   * Started without a complete cycle behind it (a first sync, a lost or restored state, an
   * upgrade): its end also removes what the catalog holds from the provider that no row knows.
   */
  reconcile?: boolean;
  stats: CycleStats;
}

/** What the profile row keeps of the last complete cycle. */
export interface CompletedCycle {
  startedAt: number;
  endedAt: number;
  repositories: number;
  runs: number;
  requests: number;
  /** Projects (ids) whose languages the next cycle asks for again. */
  languagesIncomplete?: string[];
  /** Its reconciliation with the catalog waited for the removal guard: the next cycle does it. */
  reconcile?: boolean;
}

export function emptyCycleStats(): CycleStats {
  return { seen: 0, emitted: 0, skipped: 0, failed: 0, withContext: 0, unchanged: 0, unresolved: 0, requests: 0, retries: 0, throttledMs: 0, rowsWritten: 0, rowsDeleted: 0 };
}

/**
 * Where a repository stands in a cycle: originals before forks (a fork's copy of a file must not
 * take the refs its original declares), then project by project (a project's languages are asked
 * for once), then by id. Never the listing's order: Azure DevOps gives none to rely on.
 */
export function cycleOrderKey(repository: AzureDevOpsRepository): string {
  return `${repository.isFork ? 1 : 0}/${repository.project.id.toLowerCase()}/${repository.id.toLowerCase()}`;
}

/**
 * The repositories in cycle order. Their keys exist only while they are sorted: at 100,000
 * repositories, keeping them beside the listing for a whole run would hold 10 MB more.
 */
export function inCycleOrder(repositories: readonly AzureDevOpsRepository[]): AzureDevOpsRepository[] {
  const keys = repositories.map(cycleOrderKey);
  const order = [...repositories.keys()].sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  return order.map(index => repositories[index]);
}

/** The index of the first repository after `cursor` in `ordered`, in cycle order (0 without a cursor). */
export function positionAfter(ordered: readonly AzureDevOpsRepository[], cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cycleOrderKey(ordered[middle]) <= cursor) low = middle + 1;
    else high = middle;
  }
  return low;
}
