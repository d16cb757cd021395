import type { RequestStats } from '../client/AzureDevOpsApi';

/**
 * The requests part of a sync's or a batch's log line, each part followed by `, `:
 * `64 requests, 3 retries, 12.3 s throttled, `. Throttled time only when there was some, rounded
 * up to a tenth of a second so that a short wait never reads `0.0 s`; nothing without counts (an
 * API that keeps none, as the fake one of the tests).
 */
export function requestStatsText(requests: RequestStats | undefined): string {
  if (!requests) return '';
  const throttled = requests.throttledMs > 0 ? `${(Math.ceil(requests.throttledMs / 100) / 10).toFixed(1)} s throttled, ` : '';
  return `${requests.requests} requests, ${requests.retries} retries, ${throttled}`;
}
