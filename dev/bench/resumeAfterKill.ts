/**
 * `--kill-at f`: what a cycle cut short by SIGKILL costs. A cold cycle on a fresh database is
 * killed once the simulator has served `f` times the uninterrupted cycle's requests, and a new
 * backend is started on the same database directory; it must resume the cycle rather than start it
 * again, so the requests before the kill and after the restart should add up to little more than
 * one uninterrupted cycle (plus at most one step lost, and the restart's own token check). The
 * restarted scheduler waits out the killed run's lease (the task's timeout, then its janitor) on
 * the way: that is part of what a kill costs.
 */
import { catalogVerdict, type CatalogVerdict } from './catalogVerdict';
import { CYCLE_DEADLINE_MS, START_TIMEOUT_MS, type ScheduledContext } from './scheduledContext';
import type { ScheduledBackendProcess } from './scheduledBackendProcess';

const POLL_MS = 100;

export interface ResumeResult extends CatalogVerdict {
  /** Requests the simulator served from the first child's fork until it was gone. */
  requestsBeforeKill: number;
  /** Requests from the restart until the completion line (the restart's token check included). */
  requestsAfterRestart: number;
  /** Requests of the uninterrupted cold cycle. */
  coldRequests: number;
  /** `(before + after) / cold`: 1 is a perfect resume, about 1 + f a cycle started over. */
  ratio: number;
  /** Runs of the restarted backend's completion line (its own count, or the cycle's). */
  runs: number;
  /** The larger of the two children's peak RSS. */
  peakRssMb: number;
}

export async function resumeAfterKill(
  context: ScheduledContext,
  options: { coldRequests: number; killAt: number },
): Promise<ResumeResult> {
  const { simulator } = context;
  const databaseDirectory = context.newDatabaseDirectory('resume');
  const killAfter = Math.max(1, Math.round(options.killAt * options.coldRequests));

  await simulator.send({ cmd: 'stats', reset: true });
  const killed = (await context.startBackend('killed', databaseDirectory)).backend;
  // Counted from the fork, not from the backend's report that it started: its first run may begin first.
  await waitForRequests(context, killed, killAfter);
  await killed.kill();
  // Read once the child is gone: whatever it sent before the signal landed counts as before the kill.
  const requestsBeforeKill = (await simulator.send({ cmd: 'stats', reset: true })).requests;
  console.log(`  SIGKILLed the backend after ${requestsBeforeKill} requests (kill point ${killAfter}); restarting it on the same database`);

  const { backend: restarted, baseUrl } = await context.startBackend('restarted', databaseDirectory);
  try {
    await restarted.started({ deadline: restarted.spawnedAt + START_TIMEOUT_MS });
    const { event } = await restarted.completed({ deadline: restarted.spawnedAt + CYCLE_DEADLINE_MS, stallMs: context.stallMs });
    const requestsAfterRestart = (await simulator.send({ cmd: 'stats', reset: false })).requests;
    const peakRssMb = Math.max(killed.peakRssMb(), restarted.peakRssMb());
    const verdict = await restarted.about('reading the catalog API', catalogVerdict(baseUrl, context.truth));
    return {
      requestsBeforeKill,
      requestsAfterRestart,
      coldRequests: options.coldRequests,
      ratio: Math.round(((requestsBeforeKill + requestsAfterRestart) / options.coldRequests) * 1000) / 1000,
      runs: event.runs,
      peakRssMb,
      ...verdict,
    };
  } finally {
    await restarted.kill();
  }
}

/**
 * Polls the simulator's count every 100 ms until it reaches `count`; fails if the cycle ends first,
 * or no request comes for as long as two cycle lines may be apart.
 */
async function waitForRequests(context: ScheduledContext, backend: ScheduledBackendProcess, count: number): Promise<void> {
  const deadline = backend.spawnedAt + CYCLE_DEADLINE_MS;
  let last = -1;
  let lastGrewAt = performance.now();
  for (;;) {
    const { requests } = await context.simulator.send({ cmd: 'stats', reset: false });
    if (requests >= count) return;
    if (requests > last) {
      last = requests;
      lastGrewAt = performance.now();
    } else if (performance.now() - lastGrewAt > context.stallMs) {
      throw backend.failure(`no request for ${Math.round(context.stallMs / 1000)} s, at ${requests} of the kill point's ${count}`);
    }
    if (backend.completion()) {
      throw backend.failure(`the cycle completed after ${requests} requests, before the kill point of ${count}; use a smaller --kill-at`);
    }
    if (backend.exited) throw backend.failure(`stopped after ${requests} requests, before the kill point of ${count}`);
    if (performance.now() > deadline) throw backend.failure(`timed out at ${requests} requests, before the kill point of ${count}`);
    await new Promise(resolve => setTimeout(resolve, POLL_MS));
  }
}
