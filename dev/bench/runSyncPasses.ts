/**
 * The module's real sync path (provider `read()`, the azure-devops-node-api client, discovery,
 * incremental detection, file reading and mapping, and the sync state written to SQLite) against
 * the simulator over HTTP: a cold and a warm pass on one provider, as one backend would run them, a
 * restart pass (a new provider and client on the same database, nothing pushed) and a changed pass.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { readProfileConfigs } from '../../src/config/readProfileConfigs';
import { AzureDevOpsRepositoriesProvider } from '../../src/provider/AzureDevOpsRepositoriesProvider';
import { SyncStateStore } from '../../src/state/SyncStateStore';
import type { ThrottleOptions, ThrottleStats } from '../simulator';
import { AppliedEntitiesFile } from './AppliedEntitiesFile';
import type { Truth } from './expectedEntities';
import { SimulatorProcess, type Mutation } from './simulatorProcess';

/**
 * The restart comes before the changed pass: right after it, any sync (restarted or not) reads the
 * changed files once more, since an activity window opens an hour before the previous sync started.
 * The changed pass then runs on the restarted provider.
 */
export const PASSES = ['cold', 'warm', 'restart', 'changed'] as const;
export type PassName = (typeof PASSES)[number];

export interface SyncBenchOptions {
  repos: number;
  projects: number;
  withFile: number;
  latencyMs: number;
  /** Undefined: the module's default. */
  concurrency?: number;
  throttle?: ThrottleOptions;
  mutation: Mutation;
  seed: number;
  /** Repository insights (commits, languages): on unless false, as in a profile. */
  insights: boolean;
}

export interface PassResult {
  wallMs: number;
  /** HTTP requests that reached the simulator: what a rate limit charges. */
  requests: number;
  /** Requests as the module's request gate counts them (a discovery lookup counts once). */
  clientRequests: number;
  retries: number;
  lowerBoundMs: number;
  /** Repositories this pass had to read the catalog file of (the R of the lower bound). */
  reads: number;
  entities: number;
  failed: number;
  peakRssMb: number;
  correct: boolean;
  mismatches: string[];
  byRoute: Record<string, number>;
}

export interface SyncBenchResult {
  concurrency: number;
  passes: Record<PassName, PassResult>;
  peakRssMb: number;
  /** RSS with the module loaded, before the first pass: Node, tsx and the libraries. */
  baselineRssMb: number;
  /** Peak of the V8 heap in use (live objects and garbage not yet collected). */
  peakHeapMb: number;
  throttle: ThrottleStats;
  /** Size of the SQLite file holding the sync state after the cold pass (the catalog's tables are not in it). */
  stateBytes: number;
  warnings: number;
  errors: number;
  firstProblems: string[];
}

/** A logger that prints nothing and counts warnings and errors (the first few are kept). */
export class QuietLogger implements LoggerService {
  warnings = 0;
  errors = 0;
  readonly firstProblems: string[] = [];

  error(message: string): void {
    this.errors++;
    this.#keep(`error: ${message}`);
  }
  warn(message: string): void {
    this.warnings++;
    this.#keep(`warn: ${message}`);
  }
  info(): void {}
  debug(): void {}
  child(): LoggerService {
    return this;
  }
  #keep(line: string): void {
    if (this.firstProblems.length < 5) this.firstProblems.push(line.slice(0, 300));
  }
}

/** Peak resident set size (and V8 heap in use) of this process, sampled every 50 ms. */
export class RssSampler {
  #peak = 0;
  #passPeak = 0;
  #peakHeap = 0;
  readonly #timer: NodeJS.Timeout;

  constructor() {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), 50);
    this.#timer.unref();
  }
  /** Starts a new per-pass peak. */
  mark(): void {
    this.#passPeak = 0;
    this.#sample();
  }
  passPeakMb(): number {
    this.#sample();
    return toMb(this.#passPeak);
  }
  peakMb(): number {
    this.#sample();
    return toMb(this.#peak);
  }
  peakHeapMb(): number {
    return toMb(this.#peakHeap);
  }
  stop(): void {
    clearInterval(this.#timer);
  }
  #sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    this.#peakHeap = Math.max(this.#peakHeap, heapUsed);
    this.#peak = Math.max(this.#peak, rss);
    this.#passPeak = Math.max(this.#passPeak, rss);
  }
}

function toMb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** `latency × (2 + Σ ceil(parallel requests of each phase / concurrency))`: listing and discovery, then waves. */
export function lowerBoundMs(latencyMs: number, concurrency: number, phases: number[]): number {
  return latencyMs * (2 + phases.reduce((sum, requests) => sum + Math.ceil(requests / concurrency), 0));
}

/**
 * What a pass must read, and its waves of parallel requests: the file reads on a cold start (R, the
 * non-empty repositories, as the issue defines the bound), else one activity request per project
 * with readable repositories, then the reads of the changed repositories. With insights, a cold
 * pass also reads the commits of every readable repository and the languages of every project,
 * and a changed pass the commits of the changed repositories.
 */
export function readsAndPhases(pass: PassName, truth: Omit<Truth, 'repositories'>, changedReads: number, insights: boolean): { reads: number; phases: number[] } {
  if (pass === 'cold') {
    return { reads: truth.nonEmpty, phases: insights ? [truth.nonEmpty, truth.readable, truth.projects] : [truth.nonEmpty] };
  }
  const reads = pass === 'changed' ? changedReads : 0;
  return { reads, phases: [truth.projectsWithReadableRepositories, reads, ...(insights ? [reads] : [])] };
}

export async function runSyncPasses(options: SyncBenchOptions, sampler: RssSampler): Promise<SyncBenchResult> {
  const { simulator, url, organization, token } = await SimulatorProcess.start({
    repos: options.repos,
    projects: options.projects,
    withFile: options.withFile,
    latencyMs: options.latencyMs,
    seed: options.seed,
    throttle: options.throttle,
  });
  const stateDirectory = mkdtempSync(path.join(tmpdir(), 'azdo-bench-state-'));
  const stateFile = path.join(stateDirectory, 'state.sqlite');
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: stateFile }, useNullAsDefault: true });
  try {
    const store = await SyncStateStore.create(knex);
    const [profile] = readProfileConfigs(
      new ConfigReader({
        catalog: {
          providers: {
            azureDevOpsRepositories: {
              bench: {
                profileName: 'Benchmark',
                organization,
                apiUrl: url,
                token,
                ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
                insights: { freshness: options.insights, languages: options.insights, contributors: options.insights },
              },
            },
          },
        },
      }),
    );
    const logger = new QuietLogger();
    const catalog = new AppliedEntitiesFile(path.join(stateDirectory, 'catalog.ndjson'));
    const newProvider = async () => {
      const created = new AzureDevOpsRepositoriesProvider({ profile, taskRunner: { run: async () => {} }, logger, store });
      await created.connect(catalog);
      return created;
    };
    let provider = await newProvider();
    let stateBytes = 0;
    const concurrency = profile.concurrency;
    const baselineRssMb = toMb(process.memoryUsage().rss);

    const passes = {} as Record<PassName, PassResult>;
    for (const pass of PASSES) {
      // Files the pass must read: all on a cold start, none when nothing changed, the edited and
      // added ones after changes.
      let changedReads = 0;
      if (pass === 'changed') {
        const { edited, added } = await simulator.send({ cmd: 'mutate', mutation: options.mutation });
        changedReads = edited + added;
      }
      // A restart: a new provider and client, knowing only what the database holds.
      if (pass === 'restart') provider = await newProvider();
      await simulator.send({ cmd: 'stats', reset: true });
      // The previous pass's correctness check (the whole organization's truth over IPC, compared
      // entity by entity) is the benchmark's own garbage: collect it so it does not weigh on the
      // next pass's peak. Within a pass nothing is collected by hand.
      collectGarbage();
      sampler.mark();

      const started = performance.now();
      // One cycle, run after run as the scheduler would continue it, until it is complete.
      do {
        const outcome = await provider.refresh(logger);
        if (outcome.result === 'failed') throw new Error(`the ${pass} pass failed: ${outcome.error}`);
      } while ((await store.loadProfile(profile.id))?.cycle !== undefined);
      const wallMs = Math.round(performance.now() - started);
      const counts = (await store.loadProfile(profile.id))?.lastSyncCounts ?? {};
      if (pass === 'cold') stateBytes = statSync(stateFile).size;

      const peakRssMb = sampler.passPeakMb();
      const served = await simulator.send({ cmd: 'stats', reset: true });
      // Asked only now, so that nothing of the benchmark's own weighs on the pass's memory; the
      // organization changes only on a 'mutate' command.
      // Compared in the simulator's process: neither the truth nor the applied entities come here.
      const verdict = await simulator.send({ cmd: 'verify', file: catalog.path });
      const { reads, phases } = readsAndPhases(pass, verdict.counts, changedReads, options.insights);
      passes[pass] = {
        wallMs,
        requests: served.requests,
        clientRequests: counts.requests ?? 0,
        retries: counts.retries ?? 0,
        lowerBoundMs: lowerBoundMs(options.latencyMs, concurrency, phases),
        reads,
        entities: verdict.entities,
        failed: counts.failed ?? 0,
        peakRssMb,
        correct: verdict.correct,
        mismatches: verdict.correct ? [] : [`${verdict.mismatchCount} mismatches`, ...verdict.mismatches],
        byRoute: served.byRoute,
      };
    }
    const { throttle } = await simulator.send({ cmd: 'stats', reset: false });
    return {
      concurrency,
      passes,
      peakRssMb: sampler.peakMb(),
      baselineRssMb,
      peakHeapMb: sampler.peakHeapMb(),
      throttle,
      stateBytes,
      warnings: logger.warnings,
      errors: logger.errors,
      firstProblems: logger.firstProblems,
    };
  } finally {
    await simulator.stop();
    await knex.destroy();
    rmSync(stateDirectory, { recursive: true, force: true });
  }
}

/** `gc` exists when node runs with `--expose-gc`, as `npm run bench` does. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
