/**
 * The cycle columns of a profile row, as the status route shows them. The provider writes them
 * (`SyncCycle`, `CompletedCycle` in `provider/SyncCycle.ts`); this reads the few fields it shows.
 */

/** The cycle in progress: one pass over the organization, step by step, over as many runs as it takes. */
export interface CycleProgress {
  startedAt: string;
  runs: number;
  repositoriesDone: number;
  repositoriesTotal: number;
  requests: number;
  /** At the pace of its runs so far; null before any repository is done. */
  estimatedCompletionAt: string | null;
}

/** The last complete cycle. */
export interface CompletedCycleSummary {
  startedAt: string;
  endedAt: string;
  durationMs: number;
  repositories: number;
  runs: number;
  requests: number;
}

interface StoredCycleJson {
  id: number;
  total: number;
  done: number;
  runs: number;
  updatedAt: number;
  stats?: { requests?: number };
}

interface StoredCompletedJson {
  startedAt: number;
  endedAt: number;
  repositories: number;
  runs: number;
  requests: number;
}

/** The cycle in progress of a row's `cycle` JSON; null without one, or for JSON it cannot read. */
export function cycleProgressOf(json: string | undefined): CycleProgress | null {
  const cycle = parse<StoredCycleJson>(json);
  if (!cycle || typeof cycle.id !== 'number') return null;
  const estimate = estimatedCompletion(cycle);
  return {
    startedAt: new Date(cycle.id).toISOString(),
    runs: cycle.runs ?? 0,
    repositoriesDone: cycle.done ?? 0,
    repositoriesTotal: cycle.total ?? 0,
    requests: cycle.stats?.requests ?? 0,
    estimatedCompletionAt: estimate === undefined ? null : new Date(estimate).toISOString(),
  };
}

/** The last complete cycle of a row's `last_cycle` JSON; null without one. */
export function completedCycleOf(json: string | undefined): CompletedCycleSummary | null {
  const cycle = parse<StoredCompletedJson>(json);
  if (!cycle || typeof cycle.startedAt !== 'number' || typeof cycle.endedAt !== 'number') return null;
  return {
    startedAt: new Date(cycle.startedAt).toISOString(),
    endedAt: new Date(cycle.endedAt).toISOString(),
    durationMs: cycle.endedAt - cycle.startedAt,
    repositories: cycle.repositories,
    runs: cycle.runs,
    requests: cycle.requests,
  };
}

/**
 * When a cycle should end at the pace of its runs so far: the time it has spent on the
 * repositories done, stretched to the rest. Undefined before any is done.
 */
export function estimatedCompletion(cycle: Pick<StoredCycleJson, 'id' | 'total' | 'done' | 'updatedAt'>): number | undefined {
  if (!cycle.done || !cycle.total) return undefined;
  const spent = cycle.updatedAt - cycle.id;
  return Math.round(cycle.updatedAt + (spent * (cycle.total - cycle.done)) / cycle.done);
}

function parse<T>(json: string | undefined): T | undefined {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}
