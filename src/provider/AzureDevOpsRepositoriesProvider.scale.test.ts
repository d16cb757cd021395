/**
 * An organization of 50,000 repositories through the real client and the provider's `refresh()`,
 * with a real state store: its cycle completes, every repository becomes an entity, and memory
 * stays bounded. The simulator runs in a child process so that this process's memory is the
 * module's (and the catalog stand-in's) alone.
 *
 * Set AZURE_DEVOPS_SCALE_REPORT=1 to print the measurements.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SyncMetrics } from '../metrics/SyncMetrics';
import { buildProfile } from '../__testUtils__/builders';
import { PersistingTaskRunner } from '../__testUtils__/PersistingTaskRunner';
import { RecordingConnection } from '../__testUtils__/RecordingConnection';
import { testStateStore } from '../__testUtils__/testStateStore';
import { AzureDevOpsRepositoriesProvider } from './AzureDevOpsRepositoriesProvider';

const REPOSITORIES = 50_000;
const TOKEN = 'scale-token-0123456789';
const MIB = 1024 * 1024;

/** Starts `npm run simulator` with a synthetic organization; resolves its URL. */
async function startSimulatorProcess(): Promise<{ child: ChildProcess; url: string }> {
  const root = path.resolve(__dirname, '../..');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'dev/simulator/main.ts', '--port', '0', '--org', 'huge', '--token', TOKEN,
      '--repos', String(REPOSITORIES), '--projects', '200', '--with-file', '0'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', code => reject(new Error(`The simulator exited with ${code}: ${output}`)));
  });
  return { child, url };
}

/** Peaks of `process.memoryUsage()` sampled every 20 ms, and of the live heap after a full GC every 5 s. */
function sampleMemory() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const baseline = process.memoryUsage();
  const peak = { rss: baseline.rss, heapUsed: baseline.heapUsed, liveHeap: baseline.heapUsed };
  const fast = setInterval(() => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
  }, 20);
  const live = setInterval(() => {
    gc();
    peak.liveHeap = Math.max(peak.liveHeap, process.memoryUsage().heapUsed);
  }, 5_000);
  return {
    stop() {
      clearInterval(fast);
      clearInterval(live);
      gc();
      const after = process.memoryUsage().heapUsed;
      peak.liveHeap = Math.max(peak.liveHeap, after);
      const mib = (bytes: number) => Math.round(bytes / MIB);
      return {
        baselineRssMiB: mib(baseline.rss),
        baselineHeapMiB: mib(baseline.heapUsed),
        peakRssMiB: mib(peak.rss),
        peakHeapUsedMiB: mib(peak.heapUsed),
        peakLiveHeapMiB: mib(peak.liveHeap),
        retainedHeapMiB: mib(after),
        liveHeapGrowthMiB: mib(peak.liveHeap - baseline.heapUsed),
      };
    },
  };
}

describe('an organization of 50,000 repositories', () => {
  let simulator: { child: ChildProcess; url: string } | undefined;
  let state: Awaited<ReturnType<typeof testStateStore>> | undefined;

  afterAll(async () => {
    await state?.destroy();
    const child = simulator?.child;
    if (child && child.exitCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('is read completely, each repository an entity, within bounded memory', async () => {
    simulator = await startSimulatorProcess();
    state = await testStateStore();
    const store = state.store;
    const metrics = new SyncMetrics();
    const recordSync = jest.spyOn(metrics, 'recordSync');
    const profile = buildProfile({
      organization: 'huge',
      apiUrl: simulator.url,
      token: TOKEN,
      concurrency: 16,
      maxRetries: 2,
      // What scales here is the listing and the entities; insights would add 50,000 commit reads
      // (measured by the benchmark instead) and double the test's time.
      insights: { freshness: false, languages: false, contributors: false },
    });
    const provider = new AzureDevOpsRepositoriesProvider({
      profile,
      taskRunner: new PersistingTaskRunner(),
      logger: mockServices.logger.mock(),
      store,
      metrics,
    });
    // The catalog's stand-in keeps the entities it holds, as the old `read()` result did, but not
    // every mutation: their entities would be the catalog's memory, not the module's.
    const connection = new RecordingConnection();
    await provider.connect(connection);

    /** Runs until the cycle is complete (a run ends itself before its timeout); the cycle's counts. */
    const cycle = async () => {
      for (let run = 0; run < 5; run++) {
        expect(await provider.refresh(mockServices.logger.mock())).toEqual({ result: 'succeeded' });
        connection.mutations.length = 0;
        if ((await store.loadProfile(profile.id))?.cycle === undefined) return recordSync.mock.calls.at(-1)![1].stats!;
      }
      throw new Error('the cycle did not complete in 5 runs');
    };

    const memory = sampleMemory();
    const started = Date.now();
    // The first cycle reads every catalog file (one request per non-empty repository: none has one).
    const first = await cycle();
    const firstMs = Date.now() - started;
    const entities = connection.ofKind('Repository');
    expect(entities).toHaveLength(REPOSITORIES);
    expect(new Set(entities.map(entity => entity.metadata.name)).size).toBe(REPOSITORIES);
    expect(first).toMatchObject({ seen: REPOSITORIES, emitted: REPOSITORIES, skipped: 0, failed: 0 });
    // The next cycle, nothing pushed meanwhile, lists and checks activity but reads no file again.
    const second = await cycle();
    expect(second).toMatchObject({ seen: REPOSITORIES, emitted: REPOSITORIES, unchanged: REPOSITORIES });
    expect(connection.ofKind('Repository')).toHaveLength(REPOSITORIES);
    const measured = { ...memory.stop(), firstSyncMs: firstMs, secondSyncMs: Date.now() - started - firstMs, requests: [first.requests, second.requests] };

    if (process.env.AZURE_DEVOPS_SCALE_REPORT) console.warn(`50,000 repositories: ${JSON.stringify(measured)}`);
    // About 150 MiB today; pending work per repository (one promise each) once took twice that.
    expect(measured.liveHeapGrowthMiB).toBeLessThan(256);
  }, 300_000);
});
