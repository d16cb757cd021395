/**
 * The module's metrics, through the OpenTelemetry API as Backstage's own plugins emit theirs: the
 * backend's OpenTelemetry setup (an `instrumentation.js` loaded before the backend, see the README's
 * "Monitoring") decides where they go. Without one, the API's meter is a no-op and recording costs
 * next to nothing.
 *
 * The meter and its instruments are made when a `SyncMetrics` is constructed, never when this file
 * is imported: the API hands out a no-op meter until a global meter provider is registered, so one
 * made at import time could stay a no-op for good.
 *
 * Every data point carries the `profile` attribute (the key under
 * `catalog.providers.azureDevOpsRepositories`); the other attributes take a few fixed values each, so
 * the number of series stays bounded by the number of profiles.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { metrics, type Counter, type Gauge, type Histogram, type MeterProvider } from '@opentelemetry/api';
import type { RequestStats } from '../client/AzureDevOpsApi';

/** The first segment of every instrument's name. */
export const METRIC_PREFIX = 'catalog_azure_devops_repositories';

/** How a sync ended: `failed` when it threw (its listing failed, the catalog or the store refused it). */
export type SyncOutcome = 'succeeded' | 'failed';

/** Who sent requests: a scheduled sync, or a batch of service hook events. */
export type RequestSource = 'sync' | 'events';

/**
 * What became of a service hook event: `applied` when it changed the catalog (an upsert or a
 * removal), `ignored` when it asked for nothing (another organization, a push to another branch, a
 * file that stayed as it was, a repository the filters leave out), `failed` when reading Azure
 * DevOps or applying the batch failed (the next sync repairs it).
 */
export type EventResult = 'applied' | 'ignored' | 'failed';

/**
 * The counts of a sync that the metrics read; the provider's `SyncStats` is one. Repositories are
 * counted under every outcome that applies: one emitted with its last known context after a
 * failed read is `emitted`, `failed` and `with_context` at once.
 */
export interface SyncCounts {
  /** Listed by Azure DevOps, before the profile's filters. */
  seen: number;
  /** Emitted as a `Repository` entity. */
  emitted: number;
  /** Left out: by the filters, in an unusable shape, or gone while read. */
  skipped: number;
  /** Whose catalog file could not be read. */
  failed: number;
  /** Emitted with an application context. */
  withContext: number;
  /** Whose catalog file was not read again: nothing was pushed to it. */
  unchanged: number;
  /** What the sync's requests cost, when the client counts them. */
  requests?: RequestStats;
}

/** One sync, as {@link SyncMetrics.recordSync} takes it. */
export interface SyncRecord {
  result: SyncOutcome;
  /** From the start of the sync to its end, its mutation and state write included. */
  durationMs: number;
  /** The sync's counts; absent for a failed sync, which applied nothing. */
  stats?: SyncCounts;
}

/** Options of {@link SyncMetrics}. */
export interface SyncMetricsOptions {
  /** Where the instruments come from. Defaults to the global one of `@opentelemetry/api`. */
  meterProvider?: MeterProvider;
}

/** The repository outcomes of `sync.repositories`, and the {@link SyncCounts} field of each. */
const REPOSITORY_OUTCOMES = {
  seen: 'seen',
  emitted: 'emitted',
  skipped: 'skipped',
  failed: 'failed',
  with_context: 'withContext',
  unchanged: 'unchanged',
} as const satisfies Record<string, keyof Omit<SyncCounts, 'requests'>>;

/**
 * Bucket bounds of `sync.duration`, in seconds: a sync of a small organization takes seconds, a
 * cold one of tens of thousands of repositories or one held back by throttling takes minutes, and
 * a cycle of a large organization runs over many runs of the schedule. The SDK's default bounds (0 to 10,000) are made for
 * milliseconds.
 */
const SYNC_DURATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/**
 * One set of the module's instruments. Make one per provider (or one for the module, shared): the
 * SDK merges instruments of the same name and meter, so several instances add to the same series.
 */
export class SyncMetrics {
  readonly #syncDuration: Histogram;
  readonly #repositories: Counter;
  readonly #fileReadsSkipped: Counter;
  readonly #requests: Counter;
  readonly #retries: Counter;
  readonly #throttledWait: Counter;
  readonly #eventsHandled: Counter;
  readonly #cycleProgress: Gauge;

  constructor(options: SyncMetricsOptions = {}) {
    const { name, version } = packageIdentity();
    const meter = (options.meterProvider ?? metrics).getMeter(name, version);
    this.#syncDuration = meter.createHistogram(`${METRIC_PREFIX}.sync.duration`, {
      description: 'How long a sync of a profile took, by result',
      unit: 's',
      advice: { explicitBucketBoundaries: SYNC_DURATION_BUCKETS },
    });
    this.#repositories = meter.createCounter(`${METRIC_PREFIX}.sync.repositories`, {
      description: 'Repositories each sync saw, by outcome; one repository may count under several outcomes',
      unit: '{repository}',
    });
    this.#fileReadsSkipped = meter.createCounter(`${METRIC_PREFIX}.file_reads.skipped`, {
      description: 'Catalog files incremental sync did not read again, as nothing was pushed to their repository',
      unit: '{file}',
    });
    this.#requests = meter.createCounter(`${METRIC_PREFIX}.requests`, {
      description: 'HTTP requests sent to Azure DevOps, retries included, by source',
      unit: '{request}',
    });
    this.#retries = meter.createCounter(`${METRIC_PREFIX}.retries`, {
      description: 'Requests sent again after a 429, a 5xx, a timeout or a network fault, by source',
      unit: '{request}',
    });
    // A counter of seconds, not a histogram: a sync reports its throttled time already summed (and
    // counted once however many requests waited together), so single waits are not there to put in
    // buckets, and a sum per sync would only mirror the sync's length. As a counter, its rate is the
    // share of time the profile was held back.
    this.#throttledWait = meter.createCounter(`${METRIC_PREFIX}.throttled_wait`, {
      description: 'Time requests were held back by a Retry-After pause or the rate-limit pacing, by source',
      unit: 's',
    });
    this.#eventsHandled = meter.createCounter(`${METRIC_PREFIX}.events.handled`, {
      description: 'Service hook events a profile took, by topic and result',
      unit: '{event}',
    });
    this.#cycleProgress = meter.createGauge(`${METRIC_PREFIX}.cycle.progress`, {
      description: 'Share of the listed repositories the sync cycle in progress has gone through (1 once complete)',
      unit: '1',
    });
  }

  /** Records where the cycle in progress stands after a step (or 1 at its end). */
  recordCycleProgress(profileId: string, cycle: { done: number; total: number }): void {
    this.#cycleProgress.record(cycle.total === 0 ? 1 : Math.min(1, cycle.done / cycle.total), { profile: profileId });
  }

  /** Records one sync: its duration, and with `stats` its repositories, skipped file reads and requests. */
  recordSync(profileId: string, sync: SyncRecord): void {
    this.#syncDuration.record(Math.max(0, sync.durationMs) / 1000, { profile: profileId, result: sync.result });
    const { stats } = sync;
    if (!stats) return;
    for (const [outcome, field] of Object.entries(REPOSITORY_OUTCOMES)) {
      // Zeros too, so that every outcome's series exists from the first sync on.
      this.#repositories.add(stats[field], { profile: profileId, outcome });
    }
    this.#fileReadsSkipped.add(stats.unchanged, { profile: profileId });
    if (stats.requests) this.recordRequests(profileId, 'sync', stats.requests);
  }

  /** Records what requests cost: of a batch of events, or of a sync whose counts came apart from it. */
  recordRequests(profileId: string, source: RequestSource, requests: RequestStats): void {
    const attributes = { profile: profileId, source };
    this.#requests.add(requests.requests, attributes);
    this.#retries.add(requests.retries, attributes);
    this.#throttledWait.add(requests.throttledMs / 1000, attributes);
  }

  /**
   * Records one service hook event, `topic` being its Azure DevOps event type (`git.push`). Callers
   * keep the topics to a known few: every distinct value is a series of its own.
   */
  recordEvent(profileId: string, event: { topic: string; result: EventResult }): void {
    this.#eventsHandled.add(1, { profile: profileId, topic: event.topic, result: event.result });
  }
}

let identity: { name: string; version: string } | undefined;

/**
 * The package's name and version, for the meter. Read from `package.json` at the package's root,
 * two folders up from here in `src/metrics/` as in `dist/metrics/`; an import of the file would put
 * it outside the build's `rootDir`.
 */
function packageIdentity(): { name: string; version: string } {
  identity ??= JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: identity.name, version: identity.version };
}
