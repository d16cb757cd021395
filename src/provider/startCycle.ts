import type { AzureDevOpsApi } from '../client/AzureDevOpsApi';
import type { DiscoveredRepositories } from '../discovery/discoverRepositories';
import type { StoredCycles, StoredProfile } from '../state/types';
import { ChangeTracker } from './ChangeTracker';
import { INSIGHTS_MAX_AGE_MS } from './readInsights';
import type { RunCycleOptions } from './runCycle';
import { emptyCycleStats, type CompletedCycle, type SyncCycle } from './SyncCycle';

/**
 * Starts a cycle: asks project analysis which repositories were pushed to since the last clean
 * cycle started (one request per project; every file is read on the first cycle, or when the
 * activity cannot be had), decides whether its steps read the projects' languages (once a day),
 * and keeps it in the profile row before its first step, so that a resumed run never asks again.
 */
export async function startCycle(
  options: RunCycleOptions,
  run: { api: AzureDevOpsApi; listing: DiscoveredRepositories; stored: (StoredProfile & StoredCycles) | undefined; startedAt: number },
): Promise<SyncCycle> {
  const { profile, logger } = options;
  const { api, listing, stored, startedAt: now } = run;
  const changeTracker = new ChangeTracker({ profile, restored: stored });
  const changed = await changeTracker.changedSinceLastSync({ api, repositories: listing.repositories, startedAt: now, logger });
  const languagesReadAt = stored?.languagesReadAt;
  const languagesDueByDay = profile.insights.languages && (languagesReadAt === undefined || now - languagesReadAt >= INSIGHTS_MAX_AGE_MS);
  const lastCycle = stored?.lastCycle ? (JSON.parse(stored.lastCycle) as CompletedCycle) : undefined;
  const languagesAgain = profile.insights.languages && !languagesDueByDay ? lastCycle?.languagesIncomplete : undefined;
  const cycle: SyncCycle = {
    id: now,
    changed: changed === 'all' ? 'all' : [...changed],
    languagesDue: languagesDueByDay || languagesAgain !== undefined,
    ...(languagesAgain ? { languagesOnly: languagesAgain } : {}),
    total: listing.repositories.length,
    done: 0,
    runs: 0,
    updatedAt: now,
    tracker: changeTracker.state(),
    ...(lastCycle === undefined || lastCycle.reconcile ? { reconcile: true } : {}),
    stats: emptyCycleStats(),
  };
  await options.state.saveCycle(cycle);
  const reading = changed === 'all' ? 'every catalog file' : `the catalog files of ${changed.size} repositories pushed to, and those due for their daily read`;
  logger.info(`Profile ${profile.id}: cycle started over ${listing.repositories.length} repositories, reading ${reading}`);
  return cycle;
}
