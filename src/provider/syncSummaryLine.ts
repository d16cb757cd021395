import type { ProfileConfig } from '../config/types';
import type { SyncCounts as SyncStats } from '../metrics/SyncMetrics';
import { requestStatsText } from './requestStatsText';

/**
 * The one `info` line each complete cycle logs: what it saw, emitted and cost. `unresolved`
 * repositories could not be read and had nothing known: their entities were left as they were.
 */
export function syncSummaryLine(
  profile: ProfileConfig,
  stats: SyncStats,
  cycle: { unresolved: number; runs: number; held: boolean; stateRows: { written: number; deleted: number }; durationMs: number },
): string {
  const { seen, emitted, skipped, failed, withContext, unchanged, requests } = stats;
  return (
    `Synced profile ${profile.profileName} (organization ${profile.organization}): ` +
    `${seen} repositories seen, ${emitted} emitted, ${skipped} skipped, ${failed} failed, ${cycle.unresolved} unresolved, ` +
    `${withContext} with application context, ${unchanged} files unchanged, ` +
    `${cycle.runs} ${cycle.runs === 1 ? 'run' : 'runs'}${cycle.held ? ' (removals held)' : ''}, ` +
    requestStatsText(requests) +
    `${cycle.stateRows.written} state rows written, ${cycle.stateRows.deleted} deleted, ` +
    `${cycle.durationMs} ms`
  );
}
