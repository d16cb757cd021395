/**
 * The store on SQLite, and on PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is
 * set: migrations from an empty database, round trips, one transaction per sync, housekeeping.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { MIGRATIONS_TABLE, PROFILES_TABLE, REPOSITORIES_TABLE, SyncStateStore } from './SyncStateStore';
import { repositoryChanges, type StoredProfile, type StoredRepository } from './types';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'], disableDocker: true });

function repository(id: string, extra: Partial<StoredRepository> = {}): StoredRepository {
  return {
    id,
    branch: 'refs/heads/main',
    fileId: 'a'.repeat(40),
    outcome: JSON.stringify({ kind: 'read', facts: { namespace: 'default' } }),
    stale: false,
    failedUnknown: false,
    entityRefs: [`repository:default/${id}`],
    insights: JSON.stringify({ commits: { lastCommitAt: '2026-11-01T00:00:00.000Z', contributors: 2, readAt: 1, branch: 'main' } }),
    ...extra,
  };
}

const PROFILE: StoredProfile = {
  lastSyncStartedAt: 1_764_500_000_000,
  lastSyncEndedAt: 1_764_500_001_000,
  lastSyncOutcome: 'succeeded',
  lastSyncCounts: { seen: 2, emitted: 2 },
  activityCursor: 1_764_500_000_000,
  lastFullReadAt: 1_764_400_000_000,
  removalsAwaitingConfirmation: false,
  languagesReadAt: 1_764_450_000_000,
};

describe.each(databases.eachSupportedId())('SyncStateStore on %s', databaseId => {
  let knex: Knex;
  let store: SyncStateStore;

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    store = await SyncStateStore.create(knex);
  });

  it('creates its own tables and migrations table from an empty database, and migrating again changes nothing', async () => {
    expect(await knex.schema.hasTable(PROFILES_TABLE)).toBe(true);
    expect(await knex.schema.hasTable(REPOSITORIES_TABLE)).toBe(true);
    const applied = await knex(MIGRATIONS_TABLE).select('name');
    expect(applied.map(row => row.name)).toEqual([
      '20261130000000_sync_state.js',
      '20261201000000_repository_insights.js',
      '20261202000000_profile_status.js',
    ]);
    await SyncStateStore.create(knex);
    expect(Number((await knex(MIGRATIONS_TABLE).count({ n: '*' }))[0].n)).toBe(3);
  });

  it('has nothing for a profile that never synced', async () => {
    expect(await store.load('never')).toEqual({ profile: undefined, repositories: new Map() });
  });

  it('reads back what it wrote, numbers and booleans as they were', async () => {
    const stale = repository('b', { stale: true, failedUnknown: false, fileId: undefined, insights: undefined });
    await store.save('round', { profile: PROFILE, upserted: [repository('a'), stale], deleted: [] });
    const loaded = await store.load('round');
    expect(loaded.profile).toEqual({ ...PROFILE, lastError: undefined, activityUnavailableUntil: undefined });
    expect(loaded.repositories).toEqual(new Map([['a', repository('a')], ['b', stale]]));
  });

  it('upserts changed rows and deletes gone ones, leaving other profiles alone', async () => {
    await store.save('p1', { profile: PROFILE, upserted: [repository('a'), repository('b'), repository('c')], deleted: [] });
    await store.save('p2', { profile: PROFILE, upserted: [repository('a')], deleted: [] });
    const changedB = repository('b', { branch: 'refs/heads/develop' });
    await store.save('p1', {
      profile: { ...PROFILE, removalsAwaitingConfirmation: true },
      upserted: [changedB],
      deleted: ['c'],
    });
    const loaded = await store.load('p1');
    expect(loaded.repositories).toEqual(new Map([['a', repository('a')], ['b', changedB]]));
    expect(loaded.profile?.removalsAwaitingConfirmation).toBe(true);
    expect((await store.load('p2')).repositories.size).toBe(1);
  });

  it('writes all of a sync or nothing', async () => {
    await store.save('atomic', { profile: PROFILE, upserted: [repository('a')], deleted: [] });
    // The repository rows are written after the profile row: take their table away so that they fail.
    await knex.schema.renameTable(REPOSITORIES_TABLE, 'hidden_repositories');
    try {
      // Not `rejects.toThrow()`: under load the driver's error sometimes failed Jest's error check,
      // which then reported a rejected write as one that "did not throw".
      const outcome = await store
        .save('atomic', { profile: { ...PROFILE, activityCursor: 1 }, upserted: [repository('c')], deleted: ['a'] })
        .then(
          () => 'written',
          (error: unknown) => `refused: ${String(error)}`,
        );
      expect(outcome).toMatch(/^refused: .*azure_devops_repositories_repositories/);
    } finally {
      await knex.schema.renameTable('hidden_repositories', REPOSITORIES_TABLE);
    }
    const loaded = await store.load('atomic');
    expect(loaded.profile?.activityCursor).toBe(PROFILE.activityCursor);
    expect([...loaded.repositories.keys()]).toEqual(['a']);
  });

  it('records a failed sync without touching what the next sync starts from', async () => {
    await store.save('failing', { profile: PROFILE, upserted: [repository('a')], deleted: [] });
    await store.recordFailure('failing', { startedAt: 5, endedAt: 6, error: 'listing failed' });
    const loaded = await store.load('failing');
    expect(loaded.profile).toMatchObject({
      lastSyncStartedAt: 5,
      lastSyncEndedAt: 6,
      lastSyncOutcome: 'failed',
      lastError: 'listing failed',
      activityCursor: PROFILE.activityCursor,
      lastFullReadAt: PROFILE.lastFullReadAt,
    });
    expect(loaded.repositories.size).toBe(1);
  });

  it('keeps what the status route reads: the sync in progress, failures in a row, events, the token check', async () => {
    expect(await store.readStatus(['status'])).toEqual(new Map());
    await store.saveTokenCheck('status', '{"ok":false}');
    await store.recordSyncStarted('status', { startedAt: 10, expiresAt: 70 });
    expect((await store.readStatus(['status'])).get('status')).toMatchObject({
      profileId: 'status',
      syncStartedAt: 10,
      syncExpiresAt: 70,
      consecutiveFailures: 0,
      tokenCheck: '{"ok":false}',
    });

    await store.recordFailure('status', { startedAt: 10, endedAt: 20, error: 'first' });
    await store.recordFailure('status', { startedAt: 30, endedAt: 40, error: 'second' });
    const failing = (await store.readStatus(['status'])).get('status');
    expect(failing).toMatchObject({ consecutiveFailures: 2, lastError: 'second', lastSyncOutcome: 'failed', tokenCheck: '{"ok":false}' });
    expect(failing?.syncStartedAt).toBeUndefined();

    await store.save('status', { profile: { ...PROFILE, lastMutation: 'delta' }, upserted: [], deleted: [], eventsAppliedAt: 99 });
    const recovered = (await store.readStatus(['status', 'absent'])).get('status');
    expect(recovered).toMatchObject({
      consecutiveFailures: 0,
      lastSyncOutcome: 'succeeded',
      lastMutation: 'delta',
      lastSuccessAt: PROFILE.lastSyncEndedAt,
      lastEventAt: 99,
      // A sync writes the sync columns only: the token check stays.
      tokenCheck: '{"ok":false}',
    });
    expect(recovered?.lastError).toBeUndefined();
    // A batch of events writes its time and nothing else of the profile row.
    await store.save('status', { upserted: [repository('e')], deleted: [], eventsAppliedAt: 123 });
    expect((await store.readStatus(['status'])).get('status')).toMatchObject({ lastEventAt: 123, lastSuccessAt: PROFILE.lastSyncEndedAt });
  });

  it('deletes the state of profiles no longer configured', async () => {
    await store.save('kept', { profile: PROFILE, upserted: [repository('a')], deleted: [] });
    await store.save('removed', { profile: PROFILE, upserted: [repository('a'), repository('b')], deleted: [] });
    const deleted = await store.deleteProfilesOtherThan(['kept']);
    expect(deleted).toContain('removed');
    expect(await store.load('removed')).toEqual({ profile: undefined, repositories: new Map() });
    expect((await store.load('kept')).repositories.size).toBe(1);
  });

  it('writes thousands of rows in one sync', async () => {
    const many = Array.from({ length: 2_500 }, (_, index) => repository(`r${index}`));
    await store.save('large', { profile: PROFILE, upserted: many, deleted: [] });
    expect((await store.load('large')).repositories.size).toBe(2_500);
  });
});

describe('repositoryChanges', () => {
  it('writes only the rows that differ and deletes the ones gone', () => {
    const before = new Map([
      ['a', repository('a')],
      ['b', repository('b')],
      ['c', repository('c')],
    ]);
    const after = new Map([
      ['a', repository('a')],
      ['b', repository('b', { stale: true })],
      ['d', repository('d')],
    ]);
    expect(repositoryChanges(before, after)).toEqual({
      upserted: [repository('b', { stale: true }), repository('d')],
      deleted: ['c'],
    });
  });
});
