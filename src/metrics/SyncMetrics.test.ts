/**
 * What `SyncMetrics` records, read back through the OpenTelemetry SDK with an in-memory reader
 * registered as the global meter provider. This file imports `SyncMetrics` before any provider is
 * registered, and each test makes its instance after: instruments made at construction, not at
 * import, are what lets that work.
 */
import { MetricsCapture } from '../__testUtils__/MetricsCapture';
import { METRIC_PREFIX, SyncMetrics, type SyncCounts } from './SyncMetrics';

const name = (suffix: string) => `${METRIC_PREFIX}.${suffix}`;

const STATS: SyncCounts = {
  seen: 12,
  emitted: 10,
  skipped: 2,
  failed: 1,
  withContext: 6,
  unchanged: 7,
  requests: { requests: 31, retries: 3, throttledMs: 12_300 },
};

let capture: MetricsCapture;

beforeEach(() => {
  capture = MetricsCapture.start();
});

afterEach(async () => {
  await capture.stop();
});

describe('SyncMetrics', () => {
  it('names every instrument under one prefix, with its unit and kind', async () => {
    const metrics = new SyncMetrics();
    metrics.recordSync('acme', { result: 'succeeded', durationMs: 1_000, stats: STATS });
    metrics.recordEvent('acme', { topic: 'git.push', result: 'applied' });
    metrics.recordCycleProgress('acme', { done: 1, total: 2 });
    const collected = await capture.collect();
    expect(Object.fromEntries([...collected].map(([key, { unit, kind }]) => [key, { unit, kind }]))).toEqual({
      [name('sync.duration')]: { unit: 's', kind: 'histogram' },
      [name('sync.repositories')]: { unit: '{repository}', kind: 'counter' },
      [name('file_reads.skipped')]: { unit: '{file}', kind: 'counter' },
      [name('requests')]: { unit: '{request}', kind: 'counter' },
      [name('retries')]: { unit: '{request}', kind: 'counter' },
      [name('throttled_wait')]: { unit: 's', kind: 'counter' },
      [name('events.handled')]: { unit: '{event}', kind: 'counter' },
      [name('cycle.progress')]: { unit: '1', kind: 'gauge' },
    });
  });

  it('records a sync that succeeded: its duration in seconds, its repositories, skipped file reads and requests', async () => {
    new SyncMetrics().recordSync('acme', { result: 'succeeded', durationMs: 12_500, stats: STATS });

    expect(await capture.points(name('sync.duration'))).toEqual([
      {
        attributes: { profile: 'acme', result: 'succeeded' },
        value: { count: 1, sum: 12.5, boundaries: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600] },
      },
    ]);
    expect(await capture.points(name('sync.repositories'))).toEqual(
      [
        ['seen', 12],
        ['emitted', 10],
        ['skipped', 2],
        ['failed', 1],
        ['with_context', 6],
        ['unchanged', 7],
      ].map(([outcome, value]) => ({ attributes: { profile: 'acme', outcome }, value })),
    );
    expect(await capture.points(name('file_reads.skipped'))).toEqual([{ attributes: { profile: 'acme' }, value: 7 }]);
    const sync = { profile: 'acme', source: 'sync' };
    expect(await capture.points(name('requests'))).toEqual([{ attributes: sync, value: 31 }]);
    expect(await capture.points(name('retries'))).toEqual([{ attributes: sync, value: 3 }]);
    expect(await capture.points(name('throttled_wait'))).toEqual([{ attributes: sync, value: 12.3 }]);
  });

  it('records only the duration of a sync that failed', async () => {
    new SyncMetrics().recordSync('acme', { result: 'failed', durationMs: 800 });

    expect(await capture.points(name('sync.duration'))).toEqual([
      { attributes: { profile: 'acme', result: 'failed' }, value: expect.objectContaining({ count: 1, sum: 0.8 }) },
    ]);
    const collected = await capture.collect();
    expect([...collected.keys()]).toEqual([name('sync.duration')]);
  });

  it('creates every outcome series from the first sync on, zeros included', async () => {
    new SyncMetrics().recordSync('acme', {
      result: 'succeeded',
      durationMs: 10,
      stats: { seen: 3, emitted: 3, skipped: 0, failed: 0, withContext: 1, unchanged: 0 },
    });
    expect(await capture.value(name('sync.repositories'), { profile: 'acme', outcome: 'failed' })).toBe(0);
    expect(await capture.value(name('file_reads.skipped'), { profile: 'acme' })).toBe(0);
    expect(await capture.points(name('requests'))).toEqual([]);
  });

  it('adds up syncs of a profile, and of instances sharing the meter, keeping profiles apart', async () => {
    const first = new SyncMetrics();
    const second = new SyncMetrics();
    first.recordSync('acme', { result: 'succeeded', durationMs: 2_000, stats: STATS });
    first.recordSync('acme', { result: 'failed', durationMs: 1_000 });
    second.recordSync('acme', { result: 'succeeded', durationMs: 4_000, stats: STATS });
    second.recordSync('beta', { result: 'succeeded', durationMs: 1_000, stats: { ...STATS, emitted: 1 } });

    expect(await capture.value(name('sync.duration'), { profile: 'acme', result: 'succeeded' })).toMatchObject({ count: 2, sum: 6 });
    expect(await capture.value(name('sync.duration'), { profile: 'acme', result: 'failed' })).toMatchObject({ count: 1, sum: 1 });
    expect(await capture.value(name('sync.repositories'), { profile: 'acme', outcome: 'emitted' })).toBe(20);
    expect(await capture.value(name('sync.repositories'), { profile: 'beta', outcome: 'emitted' })).toBe(1);
    expect(await capture.value(name('requests'), { profile: 'acme', source: 'sync' })).toBe(62);
  });

  it('records the requests of service hook events apart from those of syncs', async () => {
    const metrics = new SyncMetrics();
    metrics.recordSync('acme', { result: 'succeeded', durationMs: 10, stats: STATS });
    metrics.recordRequests('acme', 'events', { requests: 3, retries: 1, throttledMs: 0 });

    expect(await capture.points(name('requests'))).toEqual([
      { attributes: { profile: 'acme', source: 'sync' }, value: 31 },
      { attributes: { profile: 'acme', source: 'events' }, value: 3 },
    ]);
    expect(await capture.value(name('retries'), { profile: 'acme', source: 'events' })).toBe(1);
    expect(await capture.value(name('throttled_wait'), { profile: 'acme', source: 'events' })).toBe(0);
  });

  it('keeps where the cycle in progress stands, as a share of the listed repositories', async () => {
    const metrics = new SyncMetrics();
    metrics.recordCycleProgress('acme', { done: 250, total: 1_000 });
    expect(await capture.value(name('cycle.progress'), { profile: 'acme' })).toBe(0.25);
    metrics.recordCycleProgress('acme', { done: 1_000, total: 1_000 });
    metrics.recordCycleProgress('empty', { done: 0, total: 0 });
    expect(await capture.points(name('cycle.progress'))).toEqual([
      { attributes: { profile: 'acme' }, value: 1 },
      { attributes: { profile: 'empty' }, value: 1 },
    ]);
  });

  it('counts service hook events by topic and result', async () => {
    const metrics = new SyncMetrics();
    metrics.recordEvent('acme', { topic: 'git.push', result: 'applied' });
    metrics.recordEvent('acme', { topic: 'git.push', result: 'applied' });
    metrics.recordEvent('acme', { topic: 'git.push', result: 'ignored' });
    metrics.recordEvent('acme', { topic: 'git.repo.deleted', result: 'failed' });

    expect(await capture.points(name('events.handled'))).toEqual([
      { attributes: { profile: 'acme', topic: 'git.push', result: 'applied' }, value: 2 },
      { attributes: { profile: 'acme', topic: 'git.push', result: 'ignored' }, value: 1 },
      { attributes: { profile: 'acme', topic: 'git.repo.deleted', result: 'failed' }, value: 1 },
    ]);
  });

  it('records nothing, without failing, when no meter provider is registered', async () => {
    await capture.stop();
    const metrics = new SyncMetrics();
    expect(() => metrics.recordSync('acme', { result: 'succeeded', durationMs: 10, stats: STATS })).not.toThrow();
    capture = MetricsCapture.start();
    expect(await capture.collect()).toEqual(new Map());
  });
});
