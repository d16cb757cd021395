/**
 * `--scheduled`: the module's sync cycle as production runs it, with only real parts. A Backstage
 * backend (Backstage's scheduler on SQLite files, the catalog, the module) runs in a child process
 * over the simulator, in a child of its own; a run ends itself before the task's timeout and the
 * module triggers the next, so the cycle is timed from the backend's start to the module's
 * "cycle complete" line, and the catalog API is then checked against the organization. With
 * `--kill-at`, a second cycle on a fresh database is SIGKILLed part way and the backend restarted
 * on the same database (resumeAfterKill.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ThrottleOptions } from '../simulator';
import type { CycleEvent } from './backendLogLine';
import { waitUntilListed } from './catalogEntities';
import { catalogVerdict, type CatalogVerdict } from './catalogVerdict';
import { resumeAfterKill, type ResumeResult } from './resumeAfterKill';
import { lowerBoundMs, readsAndPhases } from './runSyncPasses';
import { PROFILE_ID, resolvedConcurrency, writeScheduledBackendConfig } from './scheduledBackendConfig';
import { ScheduledBackendProcess } from './scheduledBackendProcess';
import { CYCLE_DEADLINE_MS, START_TIMEOUT_MS, type ScheduledContext } from './scheduledContext';
import { SimulatorProcess } from './simulatorProcess';

export interface ScheduledBenchOptions {
  repos: number;
  projects: number;
  withFile: number;
  latencyMs: number;
  seed: number;
  /** Undefined: the module's default. */
  concurrency?: number;
  throttle?: ThrottleOptions;
  insights: boolean;
  /** The task's timeout, `schedule.timeout` of the profile. */
  timeoutSeconds: number;
  /** Share of the cold cycle's requests after which the second cycle is killed; undefined: none. */
  killAt?: number;
}

export interface ScheduledResult extends CatalogVerdict {
  runs: number;
  /** From the backend reporting started to the completion line. */
  wallMs: number;
  lowerBoundMs: number;
  /** From the backend reporting started to the catalog API listing a first Repository entity. */
  firstEntityMs: number;
  /** The backend child's peak RSS, up to the completion line. */
  peakRssMb: number;
  /** Requests that reached the simulator during the cycle, the start-up token check included. */
  requests: number;
}

export interface ScheduledBenchResult {
  concurrency: number;
  scheduled: ScheduledResult;
  resume?: ResumeResult;
}

export async function runScheduled(options: ScheduledBenchOptions): Promise<ScheduledBenchResult> {
  const { simulator, url, organization, token } = await SimulatorProcess.start({
    repos: options.repos,
    projects: options.projects,
    withFile: options.withFile,
    latencyMs: options.latencyMs,
    seed: options.seed,
    throttle: options.throttle,
  });
  const directory = mkdtempSync(path.join(tmpdir(), 'azdo-bench-scheduled-'));
  const children: ScheduledBackendProcess[] = [];
  const cleanUp = async () => {
    await Promise.all(children.map(child => child.kill()));
    await simulator.stop();
    rmSync(directory, { recursive: true, force: true });
  };
  // Ctrl-C: the children and the temporary directory go too.
  const interrupted = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const setupOf = (databaseDirectory: string) => ({
    url,
    organization,
    token,
    timeoutSeconds: options.timeoutSeconds,
    insights: options.insights,
    concurrency: options.concurrency,
    databaseDirectory,
  });
  try {
    const context: ScheduledContext = {
      simulator,
      truth: await simulator.send({ cmd: 'truth' }),
      stallMs: (2 * options.timeoutSeconds + 120) * 1000,
      async startBackend(name, databaseDirectory) {
        const { configFile, baseUrl } = await writeScheduledBackendConfig(directory, name, setupOf(databaseDirectory));
        const backend: ScheduledBackendProcess = new ScheduledBackendProcess({
          name,
          configFile,
          profileId: PROFILE_ID,
          token,
          onCycleEvent: (event, at) => printCycleEvent(name, event, at - backend.spawnedAt),
        });
        children.push(backend);
        return { backend, baseUrl };
      },
      newDatabaseDirectory(name) {
        const databaseDirectory = path.join(directory, `database-${name}`);
        mkdirSync(databaseDirectory);
        return databaseDirectory;
      },
    };
    const concurrency = resolvedConcurrency(setupOf(directory));
    const phases = readsAndPhases('cold', context.truth, 0, options.insights).phases;
    const scheduled = await uninterruptedCycle(context, lowerBoundMs(options.latencyMs, concurrency, phases));
    const resume =
      options.killAt === undefined ? undefined : await resumeAfterKill(context, { coldRequests: scheduled.requests, killAt: options.killAt });
    return { concurrency, scheduled, resume };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cleanUp();
  }
}

/** A cold cycle on a fresh database, start to end, then the catalog's verdict. */
async function uninterruptedCycle(context: ScheduledContext, lowerBound: number): Promise<ScheduledResult> {
  const { simulator } = context;
  await simulator.send({ cmd: 'stats', reset: true });
  const { backend, baseUrl } = await context.startBackend('cold', context.newDatabaseDirectory('cold'));
  const deadline = backend.spawnedAt + CYCLE_DEADLINE_MS;
  // The clock starts when the backend reports started, not at the fork: loading Node, tsx and the
  // plugins is no part of the cycle (the first run may begin a moment before; negligible).
  const startedAt = await backend.started({ deadline: backend.spawnedAt + START_TIMEOUT_MS });
  const stopPolling = new AbortController();
  const firstEntity = waitUntilListed(baseUrl, 'Repository', 1, { intervalMs: 200, deadline, signal: stopPolling.signal });
  firstEntity.catch(() => undefined); // Awaited below; only a failure that is never awaited is silenced.
  try {
    const { event, at } = await backend.completed({ deadline, stallMs: context.stallMs });
    const { requests } = await simulator.send({ cmd: 'stats', reset: false });
    const peakRssMb = backend.peakRssMb();
    // With a single full mutation at the end, the first entity shows only after the completion line.
    const firstEntityAt = await backend.about('waiting for a first entity', firstEntity);
    const verdict = await backend.about('reading the catalog API', catalogVerdict(baseUrl, context.truth));
    return {
      runs: event.runs,
      wallMs: Math.round(at - startedAt),
      lowerBoundMs: lowerBound,
      firstEntityMs: Math.round(firstEntityAt - startedAt),
      peakRssMb,
      requests,
      ...verdict,
    };
  } finally {
    stopPolling.abort();
    await backend.kill();
  }
}

function printCycleEvent(name: string, event: CycleEvent, sinceSpawnMs: number): void {
  const time = `${(sinceSpawnMs / 1000).toFixed(1)} s`.padStart(8);
  const text =
    event.kind === 'progress'
      ? `cycle in progress: ${event.done} of ${event.total} repositories, ${event.requests} requests so far`
      : `cycle complete: ${event.total} repositories in ${event.runs} runs, ${event.requests} requests, ${event.seconds} s`;
  console.log(`  ${name.padEnd(9)} ${time} after the fork  ${text}`);
}
