import { stringifyEntityRef } from '@backstage/catalog-model';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { readStep } from './readStep';
import type { RunContext } from './runCycle';
import { cycleOrderKey } from './SyncCycle';

/**
 * One step of a cycle: reads its repositories from the state their rows hold now, then, under the
 * store's apply lock (no step or batch of events of the profile applies beside it, on any replica),
 * leaves out the repositories whose rows someone else wrote meanwhile (a service hook's newer
 * read stands), applies the rest to the catalog as one delta, and writes their rows, the cycle's
 * cursor and counts in one transaction. A step that fails has changed nothing: the next run does
 * it again.
 */
export async function runStep(
  context: RunContext,
  repositories: AzureDevOpsRepository[],
  position: number,
): Promise<void> {
  const { profile, state, cycle, logger } = context;
  const ids = repositories.map(repository => repository.id);
  const loaded = await state.loadRepositories(ids);
  const read = await readStep({
    api: context.api,
    profile,
    repositories,
    changed: context.changed,
    knownRepositories: loaded.known,
    refHolders: context.refHolders,
    languages: context.languages,
    now: context.now(),
    locationKey: context.providerName,
    logger,
    signal: context.signal,
    progress: context.progress,
  });
  loaded.known.markSeen(read.seen, cycle.id);
  context.signal?.throwIfAborted();

  await context.oneAtATime.run(() =>
    state.withApplyLock(async () => {
      const changedMeanwhile = await state.changedSince(loaded, ids);
      const added: DeferredEntity[] = [];
      const removed: string[] = [];
      for (const [id, emission] of read.emissions) {
        if (changedMeanwhile.has(id)) continue;
        added.push(...emission.entities);
        removed.push(...emission.removed);
      }
      const emitted = new Set(added.map(({ entity }) => stringifyEntityRef(entity)));
      const toRemove = [...new Set(removed)].filter(ref => !emitted.has(ref));
      if (added.length > 0 || toRemove.length > 0) {
        await context.connection.applyMutation({
          type: 'delta',
          added,
          removed: toRemove.map(entityRef => ({ entityRef, locationKey: context.providerName })),
        });
      }
      for (const [key, value] of Object.entries(read.stats) as Array<[keyof typeof read.stats, number]>) cycle.stats[key] += value;
      if (context.languages && context.languages.incomplete.size > 0) {
        cycle.languagesIncomplete = [...new Set([...(cycle.languagesIncomplete ?? []), ...context.languages.incomplete])];
      }
      context.countRequests();
      cycle.cursor = cycleOrderKey(repositories[repositories.length - 1]);
      cycle.done = position + repositories.length;
      cycle.updatedAt = context.now();
      // Counted before the write, which carries the cycle: a write that fails leaves the stored cycle as it was.
      const rows = state.rowChanges(loaded, changedMeanwhile);
      cycle.stats.rowsWritten += rows.written;
      cycle.stats.rowsDeleted += rows.deleted;
      await state.saveRepositories(loaded, { skip: changedMeanwhile, seen: { ids: read.seen, cycleId: cycle.id }, cycle });
    }),
  );
  context.metrics.recordCycleProgress(profile.id, cycle);
}
