/** How recently a repository's default branch moved, in Snyk Essentials' terms. */
export type Freshness = 'active' | 'inactive' | 'dormant' | 'unknown';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Up to this age the repository is active; Snyk Essentials says "3 months". */
export const ACTIVE_DAYS = 90;
/** Up to this age it is inactive, beyond it dormant; "6 months". */
export const INACTIVE_DAYS = 180;

/**
 * The freshness of a repository whose latest commit is `lastCommitAt` (ISO-8601), at `now` (epoch
 * ms): `unknown` without commit data. A commit dated in the future (a committer's clock) is active.
 */
export function freshnessOf(lastCommitAt: string | undefined, now: number): Freshness {
  const time = lastCommitAt === undefined ? NaN : Date.parse(lastCommitAt);
  if (Number.isNaN(time)) return 'unknown';
  const age = now - time;
  if (age <= ACTIVE_DAYS * DAY_MS) return 'active';
  if (age <= INACTIVE_DAYS * DAY_MS) return 'inactive';
  return 'dormant';
}
