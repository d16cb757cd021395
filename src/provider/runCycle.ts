import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import type { AzureDevOpsApi, RequestStats } from '../client/AzureDevOpsApi';
import type { AzureDevOpsApiFactory } from '../client/createAzureDevOpsApiFactory';
import { durationToMs } from '../config/resolveProfile';
import type { ProfileConfig } from '../config/types';
import { discoverRepositories, type DiscoveredRepositories } from '../discovery/discoverRepositories';
import type { SyncMetrics } from '../metrics/SyncMetrics';
import { completeCycle } from './completeCycle';
import type { OneAtATime } from './OneAtATime';
import type { ProfileSyncState } from './ProfileSyncState';
import { CycleLanguages } from './readInsights';
import { runStep } from './runStep';
import { startCycle } from './startCycle';
import { inCycleOrder, positionAfter, type SyncCycle } from './SyncCycle';
import { SyncProgress } from './SyncProgress';

/** How a run ended: `failed` with its reason in words, redacted (the catalog kept its entities). */
export type SyncOutcome = { result: 'succeeded' } | { result: 'failed'; error: string };

/** Thrown to the scheduler for a failed run, so that its task list and metrics show a failed run. */
export class SyncFailedError extends Error {
  name = 'SyncFailedError';
}

/** Repositories of the first step of a run: few, so that a cold start shows entities within seconds. */
const FIRST_STEP_REPOSITORIES = 25;
/** How long a step should take: what a run cut short may lose. */
const STEP_TARGET_MS = 5_000;
const MIN_STEP_REPOSITORIES = 10;
const MAX_STEP_REPOSITORIES = 1_000;

/** What one run of a profile's sync works with: the provider's parts, and this run's logger and signal. */
export interface RunCycleOptions {
  profile: ProfileConfig;
  state: ProfileSyncState;
  connection: EntityProviderConnection;
  createApi: AzureDevOpsApiFactory;
  metrics: SyncMetrics;
  /** The `locationKey` of every emitted entity. */
  providerName: string;
  logger: LoggerService;
  signal?: AbortSignal;
  now: () => number;
  progressIntervalMs: number;
  /** The provider's: a step and a batch of service hook events never apply at once in one process. */
  oneAtATime: OneAtATime;
  /** Asks the scheduler for the next run at once, when this one ends with its cycle in progress. */
  continueSoon?: () => void;
  redacted: (error: unknown) => string;
}

/** What the steps of one run share. */
export interface RunContext extends RunCycleOptions {
  api: AzureDevOpsApi;
  cycle: SyncCycle;
  changed: 'all' | Set<string>;
  refHolders?: Map<string, string>;
  languages?: CycleLanguages;
  progress: SyncProgress;
  /** Adds the requests made since the last call to the cycle's counts. */
  countRequests: () => RequestStats | undefined;
}

/**
 * One run of a profile's sync: lists the organization, then works through the cycle in progress
 * (or a new one) step by step, each step applied to the catalog as a delta and written to the
 * store before the next begins, until the cycle is complete or the run's time is up. Never throws:
 * a failed listing applies nothing and resolves `failed`; a failed step keeps the steps before it.
 * A run ends itself before the schedule's timeout, and asks for the next run at once when its
 * cycle goes on. A run longer than the progress interval logs where it stands at that interval.
 */
export async function runCycle(options: RunCycleOptions): Promise<SyncOutcome> {
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
    return await runSteps(options, started, progress);
  } finally {
    clearInterval(timer);
  }
}

async function runSteps(options: RunCycleOptions, started: number, progress: SyncProgress): Promise<SyncOutcome> {
  const { profile, logger } = options;
  const name = `${profile.profileName} (${profile.id})`;
  let context: RunContext;
  let listing: DiscoveredRepositories;
  // A cycle starts when the run that starts it does, its listing included.
  const runStartedAt = options.now();
  try {
    const api = await options.createApi(profile);
    // What another caller left in the counts (the start-up token check) is not this run's.
    api.requestStats?.();
    listing = await discoverRepositories(api, profile);
    for (const line of listing.malformed) {
      logger.warn(`Profile ${profile.id}: skipped a repository Azure DevOps described in an unusable shape: ${line}`);
    }
    const stored = await options.state.loadProfile();
    const cycle = stored?.cycle ? (JSON.parse(stored.cycle) as SyncCycle) : await startCycle(options, { api, listing, stored, startedAt: runStartedAt });
    context = {
      ...options,
      api,
      cycle,
      changed: cycle.changed === 'all' ? 'all' : new Set(cycle.changed),
      refHolders: profile.backstageCatalog.ingestEntities ? await options.state.declaredRefHolders() : undefined,
      languages: cycle.languagesDue ? new CycleLanguages({ only: cycle.languagesOnly }) : undefined,
      progress,
      countRequests: () => {
        const requests = api.requestStats?.();
        if (requests) {
          cycle.stats.requests += requests.requests;
          cycle.stats.retries += requests.retries;
          cycle.stats.throttledMs += requests.throttledMs;
        }
        return requests;
      },
    };
  } catch (error) {
    return failed(options, `Sync of profile ${name} failed; the catalog keeps its entities until a sync succeeds`, error, started);
  }

  const { cycle, api } = context;
  cycle.runs++;
  // The cycle's requests so far: those its steps counted, and those since the last step.
  progress.requests = () => {
    const sinceLastStep = api.requestStats?.({ peek: true });
    if (!sinceLastStep) return undefined;
    const { requests, retries, throttledMs } = cycle.stats;
    return {
      requests: requests + sinceLastStep.requests,
      retries: retries + sinceLastStep.retries,
      throttledMs: throttledMs + sinceLastStep.throttledMs,
    };
  };
  cycle.stats.seen = listing.seen;
  const ordered = inCycleOrder(listing.repositories);
  let index = positionAfter(ordered, cycle.cursor);
  cycle.total = ordered.length;
  progress.startPhase('reading repositories', ordered.length);
  progress.done = index;
  const deadline = started + runBudgetMs(profile);
  let size = FIRST_STEP_REPOSITORIES;
  let lastStepMs = 0;
  try {
    while (index < ordered.length && !options.signal?.aborted && Date.now() + lastStepMs < deadline) {
      const stepStarted = Date.now();
      const step = ordered.slice(index, index + size);
      await runStep(context, step, index);
      index += step.length;
      lastStepMs = Date.now() - stepStarted;
      // The next step at this one's pace: a step's target, or what is left of the run's time when
      // that is less, so that a short timeout does not cut it off.
      const targetMs = Math.min(STEP_TARGET_MS, deadline - Date.now());
      size = Math.round(Math.min(MAX_STEP_REPOSITORIES, Math.max(MIN_STEP_REPOSITORIES, (size * targetMs) / Math.max(lastStepMs, 1))));
    }
  } catch (error) {
    if (!options.signal?.aborted) {
      const message = `Sync of profile ${name} failed in a step; the steps before it are kept, and the next run resumes after them`;
      return failed(options, message, error, started);
    }
  }
  if (index < ordered.length) return endRunInProgress(context, started);
  return completeCycle(context, { listing, started, failed });
}

/**
 * How long a run may work: the schedule's timeout less a margin (a tenth, at least 5 s), so that
 * a run ends itself between steps rather than being cut off in one.
 */
export function runBudgetMs(profile: ProfileConfig): number {
  const timeoutMs = durationToMs(profile.schedule.timeout);
  return Math.max(timeoutMs / 2, timeoutMs - Math.max(5_000, timeoutMs / 10));
}

async function endRunInProgress(context: RunContext, started: number): Promise<SyncOutcome> {
  const { profile, cycle, logger } = context;
  const why = context.signal?.aborted ? 'stopped by the scheduler (timeout or shutdown)' : 'out of time';
  logger.info(
    `Profile ${profile.id}: cycle in progress: ${cycle.done} of ${cycle.total} repositories, ${cycle.stats.requests} requests so far; ` +
      `continuing in the next run (this run ${why} after ${Math.round((Date.now() - started) / 1000)} s)`,
  );
  try {
    await context.state.recordRunEnded();
  } catch (error) {
    logger.warn(`Profile ${profile.id}: the end of the run could not be recorded in the state store: ${context.redacted(error)}`);
  }
  // Also after a run the scheduler stopped at its timeout: the cycle goes on at once, not at the
  // schedule's next run. After a shutdown the task is gone, and asking fails quietly.
  context.continueSoon?.();
  return { result: 'succeeded' };
}

/** Logs a failed run once and records it; the outcome carries the reason for the scheduler. */
async function failed(options: RunCycleOptions, message: string, error: unknown, startedAt: number): Promise<SyncOutcome> {
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

/** Marks the run as running for the status route; a store that refuses it does not stop the run. */
async function recordSyncStarted(options: RunCycleOptions, startedAt: number): Promise<void> {
  try {
    await options.state.recordSyncStarted({ startedAt, expiresAt: startedAt + durationToMs(options.profile.schedule.timeout) });
  } catch (error) {
    options.logger.warn(`Profile ${options.profile.id}: the start of the sync could not be recorded in the state store: ${options.redacted(error)}`);
  }
}

export type FailRun = typeof failed;
