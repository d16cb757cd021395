import { completedCycleOf, cycleProgressOf, estimatedCompletion } from './cycleProgress';

const START = Date.parse('2026-12-08T10:00:00.000Z');
const MINUTE = 60_000;

describe('cycleProgressOf', () => {
  it('shows a cycle in progress with an estimate at the pace of its runs so far', () => {
    const cycle = { id: START, total: 1_000, done: 250, runs: 3, updatedAt: START + 10 * MINUTE, stats: { requests: 520 } };
    expect(cycleProgressOf(JSON.stringify(cycle))).toEqual({
      startedAt: '2026-12-08T10:00:00.000Z',
      runs: 3,
      repositoriesDone: 250,
      repositoriesTotal: 1_000,
      requests: 520,
      // 10 minutes for a quarter: 30 more for the rest.
      estimatedCompletionAt: '2026-12-08T10:40:00.000Z',
    });
  });

  it('gives no estimate before a repository is done, and nothing for no cycle or unreadable JSON', () => {
    expect(cycleProgressOf(JSON.stringify({ id: START, total: 10, done: 0, runs: 1, updatedAt: START }))?.estimatedCompletionAt).toBeNull();
    expect(cycleProgressOf(undefined)).toBeNull();
    expect(cycleProgressOf('{not json')).toBeNull();
  });
});

describe('completedCycleOf', () => {
  it('shows the last complete cycle with its duration', () => {
    const completed = { startedAt: START, endedAt: START + 5 * MINUTE, repositories: 40, runs: 2, requests: 90 };
    expect(completedCycleOf(JSON.stringify(completed))).toEqual({
      startedAt: '2026-12-08T10:00:00.000Z',
      endedAt: '2026-12-08T10:05:00.000Z',
      durationMs: 5 * MINUTE,
      repositories: 40,
      runs: 2,
      requests: 90,
    });
    expect(completedCycleOf(undefined)).toBeNull();
  });
});

describe('estimatedCompletion', () => {
  it('is the end of the last step when every repository is done', () => {
    expect(estimatedCompletion({ id: START, total: 8, done: 8, updatedAt: START + MINUTE })).toBe(START + MINUTE);
  });

  it('stretches the time spent on what is done to the rest', () => {
    // A quarter done in 10 minutes: three quarters left, 30 minutes more.
    expect(estimatedCompletion({ id: START, total: 100, done: 25, updatedAt: START + 10 * MINUTE })).toBe(START + 40 * MINUTE);
  });

  it('is unknown before any repository is done, and for an empty organization', () => {
    expect(estimatedCompletion({ id: START, total: 100, done: 0, updatedAt: START + MINUTE })).toBeUndefined();
    expect(estimatedCompletion({ id: START, total: 0, done: 0, updatedAt: START + MINUTE })).toBeUndefined();
  });
});
