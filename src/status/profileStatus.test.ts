import { buildProfile } from '../__testUtils__/builders';
import type { StoredProfileStatus } from '../state/types';
import { profileStatusOf, type ProfileStatusContext } from './profileStatus';

const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const MINUTE = 60_000;
const CONTEXT: ProfileStatusContext = { now: NOW, eventsSubscribed: true, task: { nextRunAt: '2026-11-30T12:30:00.000Z' } };

function stored(overrides: Partial<StoredProfileStatus> = {}): StoredProfileStatus {
  return {
    profileId: 'acme',
    lastSyncStartedAt: NOW - 10 * MINUTE,
    lastSyncEndedAt: NOW - 9 * MINUTE,
    lastSyncOutcome: 'succeeded',
    lastSyncCounts: { seen: 12, emitted: 10, skipped: 2, failed: 0, withContext: 7, unchanged: 8, requests: 31, retries: 1, throttledMs: 1_500 },
    lastMutation: 'full',
    activityCursor: NOW - 10 * MINUTE,
    removalsAwaitingConfirmation: false,
    consecutiveFailures: 0,
    lastSuccessAt: NOW - 9 * MINUTE,
    ...overrides,
  };
}

describe('profileStatusOf', () => {
  it('describes a profile whose last sync succeeded, without its secrets', () => {
    const profile = buildProfile({ token: 'SECRET-PAT', broker: { url: 'https://broker.example', token: 'SECRET-BROKER' } });
    const status = profileStatusOf(profile, stored({ lastEventAt: NOW - MINUTE }), CONTEXT);
    expect(status).toEqual({
      id: 'acme',
      profileName: 'Acme cloud',
      organization: 'acme',
      host: 'dev.azure.com',
      broker: true,
      status: 'ok',
      lastSync: {
        startedAt: '2026-11-30T11:50:00.000Z',
        endedAt: '2026-11-30T11:51:00.000Z',
        durationMs: MINUTE,
        outcome: 'succeeded',
        counts: { seen: 12, emitted: 10, skipped: 2, failed: 0, withContext: 7, unchanged: 8 },
        requests: 31,
        retries: 1,
        throttledMs: 1_500,
      },
      lastSuccessAt: '2026-11-30T11:51:00.000Z',
      lastError: null,
      consecutiveFailures: 0,
      syncing: null,
      cycle: null,
      lastCycle: null,
      nextRunAt: '2026-11-30T12:30:00.000Z',
      incrementalSync: { active: true, fullReadsUntil: null },
      events: { subscribed: true, lastAppliedAt: '2026-11-30T11:59:00.000Z' },
      tokenCheck: null,
    });
    expect(JSON.stringify(status)).not.toMatch(/SECRET/);
  });

  it('is never-synced without a row, or with a row but no sync ended', () => {
    expect(profileStatusOf(buildProfile(), undefined, CONTEXT)).toMatchObject({ status: 'never-synced', lastSync: null, consecutiveFailures: 0 });
    const onlyTokenCheck: StoredProfileStatus = { profileId: 'acme', removalsAwaitingConfirmation: false, consecutiveFailures: 0, tokenCheck: '{"ok":true}' };
    expect(profileStatusOf(buildProfile(), onlyTokenCheck, CONTEXT)).toMatchObject({ status: 'never-synced', tokenCheck: { ok: true } });
  });

  it('is ok, with where the cycle stands, while a first cycle goes on between its runs', () => {
    const cycle = { id: NOW - 10 * MINUTE, total: 400, done: 100, runs: 2, updatedAt: NOW - 5 * MINUTE, stats: { requests: 150 } };
    const inProgress: StoredProfileStatus = { profileId: 'acme', removalsAwaitingConfirmation: false, consecutiveFailures: 0, cycle: JSON.stringify(cycle) };
    expect(profileStatusOf(buildProfile(), inProgress, CONTEXT)).toMatchObject({
      status: 'ok',
      lastSync: null,
      cycle: { startedAt: '2026-11-30T11:50:00.000Z', runs: 2, repositoriesDone: 100, repositoriesTotal: 400, requests: 150 },
      lastCycle: null,
    });
  });

  it('shows the last complete cycle', () => {
    const lastCycle = { startedAt: NOW - 10 * MINUTE, endedAt: NOW - 9 * MINUTE, repositories: 12, runs: 1, requests: 31 };
    expect(profileStatusOf(buildProfile(), stored({ lastCycle: JSON.stringify(lastCycle) }), CONTEXT).lastCycle).toEqual({
      startedAt: '2026-11-30T11:50:00.000Z',
      endedAt: '2026-11-30T11:51:00.000Z',
      durationMs: MINUTE,
      repositories: 12,
      runs: 1,
      requests: 31,
    });
  });

  it('is no longer failing once a run after the failed one went on with its cycle', () => {
    const recovered = stored({ lastSyncOutcome: 'failed', lastError: 'a step failed', consecutiveFailures: 0, cycle: JSON.stringify({ id: NOW, total: 10, done: 5, runs: 2, updatedAt: NOW }) });
    expect(profileStatusOf(buildProfile(), recovered, CONTEXT)).toMatchObject({ status: 'ok', lastError: null, consecutiveFailures: 0 });
  });

  it('is syncing while a started sync has not timed out, and not once it has (a replica died mid-sync)', () => {
    const running = stored({ syncStartedAt: NOW - MINUTE, syncExpiresAt: NOW + MINUTE });
    expect(profileStatusOf(buildProfile(), running, CONTEXT)).toMatchObject({
      status: 'syncing',
      syncing: { startedAt: '2026-11-30T11:59:00.000Z', timesOutAt: '2026-11-30T12:01:00.000Z' },
    });
    const dead = stored({ syncStartedAt: NOW - 3 * MINUTE, syncExpiresAt: NOW - MINUTE });
    expect(profileStatusOf(buildProfile(), dead, CONTEXT)).toMatchObject({ status: 'ok', syncing: null });
    const first = { ...running, lastSyncStartedAt: undefined, lastSyncEndedAt: undefined, lastSyncOutcome: undefined };
    expect(profileStatusOf(buildProfile(), first, CONTEXT).status).toBe('syncing');
  });

  it('stays failing while a new sync runs after failures, with the error and the failures in a row', () => {
    const failing = stored({
      lastSyncOutcome: 'failed',
      lastError: 'Azure DevOps rejected the token (401)',
      consecutiveFailures: 3,
      syncStartedAt: NOW - 1_000,
      syncExpiresAt: NOW + MINUTE,
    });
    const status = profileStatusOf(buildProfile(), failing, CONTEXT);
    expect(status).toMatchObject({
      status: 'failing',
      lastError: 'Azure DevOps rejected the token (401)',
      consecutiveFailures: 3,
      lastSuccessAt: '2026-11-30T11:51:00.000Z',
      syncing: { startedAt: '2026-11-30T11:59:59.000Z' },
    });
    // The counts of a failed sync would be those of an older one: left out.
    expect(status.lastSync).toEqual({ startedAt: '2026-11-30T11:50:00.000Z', endedAt: '2026-11-30T11:51:00.000Z', durationMs: MINUTE, outcome: 'failed' });
  });

  it('says when incremental sync is off, and when the scheduler could not be asked', () => {
    const fullReads = stored({ activityUnavailableUntil: NOW + 60 * MINUTE });
    const status = profileStatusOf(buildProfile(), fullReads, { now: NOW, eventsSubscribed: false, schedulerError: 'the scheduler answered 503' });
    expect(status).toMatchObject({
      incrementalSync: { active: false, fullReadsUntil: '2026-11-30T13:00:00.000Z' },
      events: { subscribed: false, lastAppliedAt: null },
      nextRunAt: null,
      schedulerError: 'the scheduler answered 503',
    });
    expect(profileStatusOf(buildProfile(), stored({ activityCursor: undefined }), CONTEXT).incrementalSync.active).toBe(false);
  });
});
