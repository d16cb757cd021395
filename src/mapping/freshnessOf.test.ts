import { freshnessOf } from './freshnessOf';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * 24 * 60 * 60 * 1000).toISOString();

describe('freshnessOf', () => {
  it.each<[string, string | undefined, string]>([
    ['a commit today', daysAgo(0), 'active'],
    ['a commit exactly 90 days ago', daysAgo(90), 'active'],
    ['a commit 91 days ago', daysAgo(91), 'inactive'],
    ['a commit exactly 180 days ago', daysAgo(180), 'inactive'],
    ['a commit 181 days ago', daysAgo(181), 'dormant'],
    ['a commit dated in the future', daysAgo(-2), 'active'],
    ['no commit data', undefined, 'unknown'],
    ['a date that does not parse', 'yesterday', 'unknown'],
  ])('%s is %s', (_, lastCommitAt, freshness) => {
    expect(freshnessOf(lastCommitAt, NOW)).toBe(freshness);
  });

  it('moves with the clock alone', () => {
    const lastCommitAt = daysAgo(80);
    expect(freshnessOf(lastCommitAt, NOW)).toBe('active');
    expect(freshnessOf(lastCommitAt, NOW + 20 * 24 * 60 * 60 * 1000)).toBe('inactive');
    expect(freshnessOf(lastCommitAt, NOW + 120 * 24 * 60 * 60 * 1000)).toBe('dormant');
  });
});
