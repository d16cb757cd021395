/**
 * What the two measurements of `--scheduled` share (runScheduled.ts sets it up, the uninterrupted
 * cycle and resumeAfterKill.ts use it), and how long their waits may take.
 */
import type { Truth } from './expectedEntities';
import type { ScheduledBackendProcess } from './scheduledBackendProcess';
import type { SimulatorProcess } from './simulatorProcess';

/** From a child's fork to its "cycle complete" line, at most. */
export const CYCLE_DEADLINE_MS = 30 * 60_000;
/** From a child's fork until it reports the backend started (tsx compiles the module on the way). */
export const START_TIMEOUT_MS = 3 * 60_000;

export interface ScheduledContext {
  simulator: SimulatorProcess;
  /** The organization never changes here, so it is asked for once. */
  truth: Truth;
  /**
   * The longest quiet time between two cycle lines: a run (at most the timeout), or after a kill the
   * rest of the lost run's lease, the scheduler's janitor (once a minute) and then a run; plus start-up.
   */
  stallMs: number;
  /** Writes a config on a fresh port over `databaseDirectory` and forks a backend child on it. */
  startBackend(name: string, databaseDirectory: string): Promise<{ backend: ScheduledBackendProcess; baseUrl: string }>;
  /** A new, empty database directory under the bench's temporary directory. */
  newDatabaseDirectory(name: string): string;
}
