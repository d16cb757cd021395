import type { ProfileConfig } from '../config/types';
import type { SyncCounts as SyncStats } from '../metrics/SyncMetrics';
import { requestStatsText } from './requestStatsText';

/** The one `info` line each applied sync logs: what it saw, emitted and cost. */
export function syncSummaryLine(
  profile: ProfileConfig,
  stats: SyncStats,
  applied: { mutation: 'full' | 'delta'; held: boolean; stateRows?: { written: number; deleted: number }; durationMs: number },
): string {
  const { seen, emitted, skipped, failed, withContext, unchanged, requests } = stats;
  const { stateRows } = applied;
  return (
    `Synced profile ${profile.profileName} (organization ${profile.organization}): ` +
    `${seen} repositories seen, ${emitted} emitted, ${skipped} skipped, ${failed} failed, ` +
    `${withContext} with application context, ${unchanged} files unchanged, ${applied.mutation} mutation${applied.held ? ' (removals held)' : ''}, ` +
    requestStatsText(requests) +
    `${stateRows ? `${stateRows.written} state rows written, ${stateRows.deleted} deleted, ` : ''}` +
    `${applied.durationMs} ms`
  );
}
