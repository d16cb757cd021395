import type { DiscoveredRepositories } from '../discovery/discoverRepositories';
import { ChangeTracker } from './ChangeTracker';
import { RemovalGuard } from './RemovalGuard';
import type { FailRun, RunContext, SyncOutcome } from './runCycle';
import type { CompletedCycle } from './SyncCycle';
import { syncSummaryLine } from './syncSummaryLine';

/**
 * Ends a cycle whose steps went through every listed repository: removes what no step (nor any
 * service hook during the cycle) saw, unless that is more than the removal guard lets through
 * (then the next complete cycle confirms it), and writes the profile row: the counts of the
 * cycle as the last sync, the next activity window's start (when nothing was left unresolved),
 * the languages' read time, and no cycle in progress.
 */
export async function completeCycle(
  context: RunContext,
  options: { listing: DiscoveredRepositories; started: number; failed: FailRun },
): Promise<SyncOutcome> {
  const { profile, state, cycle, logger, listing } = { ...context, listing: options.listing };
  const name = `${profile.profileName} (${profile.id})`;
  const endedAt = Date.now();
  let removedRepositories = 0;
  let held = false;
  try {
    const stored = await state.loadProfile();
    const guard = new RemovalGuard({ maxPercent: profile.maxRemovedPercent, awaitingConfirmation: stored?.removalsAwaitingConfirmation });
    await context.oneAtATime.run(() =>
      state.withApplyLock(async () => {
        // Under the lock: a service hook may have brought back what the steps missed.
        const { unseen, total } = await state.unseenBy(cycle.id);
        const verdict = guard.verdictFor(unseen.length, total);
        held = verdict.hold;
        if (verdict.hold) {
          logger.warn(
            `Profile ${profile.id}: this cycle would remove ${verdict.removing} of ${verdict.of} repositories, more than maxRemovedPercent (${profile.maxRemovedPercent}%); ` +
              'keeping them until the next cycle confirms the removal. If the repositories are still there, check the access of the token to their projects',
          );
        }
        const removing = verdict.hold ? [] : unseen;
        const refs = removing.flatMap(row => row.entityRefs);
        if (cycle.reconcile && !verdict.hold) {
          const orphans = await state.catalogRefsNotHeld(context.providerName);
          if (orphans.length > 0) {
            logger.info(
              `Profile ${profile.id}: removing ${orphans.length} entities the catalog held from the provider with no sync state behind them (a lost or restored state)`,
            );
            refs.push(...orphans);
          }
        }
        if (refs.length > 0) {
          await context.connection.applyMutation({
            type: 'delta',
            added: [],
            removed: refs.map(entityRef => ({ entityRef, locationKey: context.providerName })),
          });
        }
        removedRepositories = removing.length;
        cycle.stats.rowsDeleted += removing.length;
        const changeTracker = new ChangeTracker({ profile, restored: cycle.tracker });
        if (cycle.stats.unresolved === 0) changeTracker.recordCleanSync({ startedAt: cycle.id, changed: cycle.changed === 'all' ? 'all' : new Set(cycle.changed) });
        else {
          logger.warn(
            `Profile ${profile.id}: ${cycle.stats.unresolved} repositories could not be read and have no last known state; ` +
              'their entities were left unchanged in this cycle',
          );
        }
        context.countRequests();
        // The day's read is when every project answered; a project that did not is asked again
        // by the next cycle, alone.
        const languagesRead = cycle.languagesDue && cycle.languagesOnly === undefined;
        const completed: CompletedCycle = {
          startedAt: cycle.id,
          endedAt,
          repositories: cycle.total,
          runs: cycle.runs,
          requests: cycle.stats.requests,
          ...(cycle.languagesIncomplete?.length ? { languagesIncomplete: cycle.languagesIncomplete } : {}),
          ...(cycle.reconcile && held ? { reconcile: true } : {}),
        };
        await state.completeCycle({
          profile: {
            lastSyncStartedAt: cycle.id,
            lastSyncEndedAt: endedAt,
            lastSyncOutcome: 'succeeded',
            lastSyncCounts: { ...countsOf(context, listing), requests: cycle.stats.requests, retries: cycle.stats.retries, throttledMs: cycle.stats.throttledMs },
            ...changeTracker.state(),
            removalsAwaitingConfirmation: guard.awaitingConfirmation,
            languagesReadAt: languagesRead ? cycle.id : stored?.languagesReadAt,
            lastMutation: 'delta',
          },
          deleted: removing.map(row => row.id),
          completed,
        });
      }),
    );
  } catch (error) {
    return options.failed(context, `The end of the sync cycle of profile ${name} failed; its steps are kept, and the next run ends it`, error, options.started);
  }
  const { stats } = cycle;
  const requests = { requests: stats.requests, retries: stats.retries, throttledMs: stats.throttledMs };
  const counts = { ...countsOf(context, listing), requests };
  logger.info(
    syncSummaryLine(profile, counts, {
      unresolved: stats.unresolved,
      runs: cycle.runs,
      held,
      stateRows: { written: stats.rowsWritten, deleted: stats.rowsDeleted },
      durationMs: endedAt - cycle.id,
    }),
  );
  logger.info(
    `Profile ${profile.id}: cycle complete: ${cycle.total} repositories in ${cycle.runs} ${cycle.runs === 1 ? 'run' : 'runs'}, ${stats.requests} requests, ` +
      `${Math.round((endedAt - cycle.id) / 1000)} s; ${removedRepositories} removed`,
  );
  context.metrics.recordSync(profile.id, { result: 'succeeded', durationMs: endedAt - cycle.id, stats: counts });
  context.metrics.recordCycleProgress(profile.id, { done: cycle.total, total: cycle.total });
  return { result: 'succeeded' };
}

/** The cycle's counts as the last sync's: the listing's exclusions count as skipped. */
function countsOf(context: RunContext, listing: DiscoveredRepositories) {
  const { stats } = context.cycle;
  const excluded = listing.malformed.length + Object.values(listing.excluded).reduce((sum, count) => sum + (count ?? 0), 0);
  return {
    seen: stats.seen,
    emitted: stats.emitted,
    skipped: stats.skipped + excluded,
    failed: stats.failed,
    withContext: stats.withContext,
    unchanged: stats.unchanged,
  };
}
