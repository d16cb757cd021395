import type { RequestStats } from '../client/AzureDevOpsApi';

/** What a sync is doing, in the order it does it. */
export type SyncPhase = 'listing repositories' | 'reading repositories';

/**
 * Where a running sync stands, for the progress lines a long sync logs: the phase, repositories
 * done of the phase's total, and the requests so far. Written by the sync, read by a timer.
 */
export class SyncProgress {
  phase: SyncPhase = 'listing repositories';
  done = 0;
  total = 0;
  /** The sync's requests so far, once its client exists. */
  requests?: () => RequestStats | undefined;

  startPhase(phase: SyncPhase, total: number): void {
    this.phase = phase;
    this.total = total;
    this.done = 0;
  }

  /** One step of the current phase done. */
  step(): void {
    this.done++;
  }

  /** E.g. `reading catalog files, 1,200 of 10,000 repositories, 1,450 requests, 3 retries, 12.5 s throttled`. */
  describe(): string {
    const parts: string[] = [this.phase];
    if (this.phase !== 'listing repositories') parts.push(`${count(this.done)} of ${count(this.total)} repositories`);
    const requests = this.requests?.();
    if (requests) {
      parts.push(`${count(requests.requests)} requests`, `${count(requests.retries)} retries`);
      parts.push(`${((requests.throttledMs ?? 0) / 1000).toFixed(1)} s throttled`);
    }
    return parts.join(', ');
  }
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
