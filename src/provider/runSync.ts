import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { durationToMs } from '../config/resolveProfile';
import type { ProfileConfig } from '../config/types';
import type { SyncMetrics } from '../metrics/SyncMetrics';
import { mutationOfSync } from './mutationOfSync';
import type { ProfileSyncState } from './ProfileSyncState';
import type { SyncResult } from './readRepositoryEntities';
import { SyncProgress } from './SyncProgress';
import { syncSummaryLine } from './syncSummaryLine';

/** How a sync ended: `failed` with its reason in words, redacted (the catalog kept its entities). */
export type SyncOutcome = { result: 'succeeded' } | { result: 'failed'; error: string };

/** Thrown to the scheduler for a failed sync, so that its task list and metrics show a failed run. */
export class SyncFailedError extends Error {
  name = 'SyncFailedError';
}

/** What one sync of a profile works with: the provider's parts, and this run's logger and signal. */
export interface RunSyncOptions {
  profile: ProfileConfig;
  state: ProfileSyncState;
  connection: EntityProviderConnection;
  metrics: SyncMetrics;
  providerName: string;
  logger: LoggerService;
  signal?: AbortSignal;
  progressIntervalMs: number;
  /** Reads the profile into entities, no side effects (`AzureDevOpsRepositoriesProvider.read`). */
  read: (progress: SyncProgress) => Promise<SyncResult>;
  /** Writes the state once the catalog took the result (`AzureDevOpsRepositoriesProvider.saveState`). */
  save: (
    result: SyncResult,
    options: { held: boolean; mutation: 'full' | 'delta'; startedAt: number },
  ) => Promise<{ written: number; deleted: number } | undefined>;
  redacted: (error: unknown) => string;
}

/**
 * Runs one sync and applies it. Never throws: a failed sync logs one error, changes nothing and
 * resolves `failed` with the reason. A sync the scheduler aborts (timeout, shutdown) applies
 * nothing either: another replica may already run a newer one, whose result a late mutation
 * would overwrite. A full mutation that would remove too much is applied as a delta until the
 * next sync confirms it (`RemovalGuard`). The state is written after the catalog took the
 * mutation; a failed write fails the sync, and the next one starts from the last state written.
 * A sync longer than the progress interval logs where it stands at that interval.
 */
export async function runSync(options: RunSyncOptions): Promise<SyncOutcome> {
  const { profile, logger } = options;
  const started = Date.now();
  const progress = new SyncProgress();
  const timer = setInterval(
    () => logger.info(`Sync of profile ${profile.id} in progress after ${Math.round((Date.now() - started) / 1000)} s: ${progress.describe()}`),
    options.progressIntervalMs,
  );
  timer.unref();
  try {
    await recordSyncStarted(options, started);
    return await readAndApply(options, started, progress);
  } finally {
    clearInterval(timer);
  }
}

async function readAndApply(options: RunSyncOptions, started: number, progress: SyncProgress): Promise<SyncOutcome> {
  const { profile, logger } = options;
  const name = `${profile.profileName} (${profile.id})`;
  let result: SyncResult;
  try {
    result = await options.read(progress);
    options.signal?.throwIfAborted();
  } catch (error) {
    return failed(options, `Sync of profile ${name} failed; the catalog keeps its entities until a sync succeeds`, error, started);
  }
  const removalGuard = options.state.removalGuard;
  const { mutation, refs, removed, verdict } = mutationOfSync(result, removalGuard, options.providerName);
  if (verdict.hold) {
    logger.warn(
      `Profile ${profile.id}: this sync would remove ${verdict.removing} of ${verdict.of} entities, more than maxRemovedPercent (${profile.maxRemovedPercent}%); ` +
        'keeping them until the next sync confirms the removal. If the repositories are still there, check the access of the token to their projects',
    );
  }
  try {
    await options.connection.applyMutation(mutation);
    removalGuard.applied(mutation.type, refs, removed);
  } catch (error) {
    // The catalog's database refused the write (down, locked, a constraint); the next sync tries again.
    const message = `Sync of profile ${name} read Azure DevOps but the catalog did not take the result; it keeps its entities until a sync succeeds`;
    return failed(options, message, error, started);
  }
  let stateRows: { written: number; deleted: number } | undefined;
  try {
    stateRows = await options.save(result, { held: verdict.hold, mutation: mutation.type, startedAt: started });
  } catch (error) {
    // The catalog has the entities; the next sync starts from the previous state and reads more.
    const message = `Sync of profile ${name} failed: the catalog took its result but its state could not be written; the next sync starts from the last state written`;
    return failed(options, message, error, started);
  }
  const durationMs = Date.now() - started;
  logger.info(syncSummaryLine(profile, result.stats, { mutation: mutation.type, held: verdict.hold, stateRows, durationMs }));
  options.metrics.recordSync(profile.id, { result: 'succeeded', durationMs, stats: result.stats });
  return { result: 'succeeded' };
}

/** Logs a failed sync once and records it; the outcome carries the reason for the scheduler. */
async function failed(options: RunSyncOptions, message: string, error: unknown, startedAt: number): Promise<SyncOutcome> {
  const { profile, logger } = options;
  const reason = options.redacted(error);
  logger.error(`${message}: ${reason}`);
  options.metrics.recordSync(profile.id, { result: 'failed', durationMs: Date.now() - startedAt });
  try {
    await options.state.recordFailure({ startedAt, endedAt: Date.now(), error: reason });
  } catch (storeError) {
    logger.warn(`Profile ${profile.id}: the failed sync could not be recorded in the state store: ${options.redacted(storeError)}`);
  }
  return { result: 'failed', error: `${message}: ${reason}` };
}

/** Marks the sync as running for the status route; a store that refuses it does not stop the sync. */
async function recordSyncStarted(options: RunSyncOptions, startedAt: number): Promise<void> {
  try {
    await options.state.recordSyncStarted({ startedAt, expiresAt: startedAt + durationToMs(options.profile.schedule.timeout) });
  } catch (error) {
    options.logger.warn(`Profile ${options.profile.id}: the start of the sync could not be recorded in the state store: ${options.redacted(error)}`);
  }
}
