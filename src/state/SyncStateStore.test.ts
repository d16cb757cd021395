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
      '20261208000000_sync_cycle.js',
    ]);
    await SyncStateStore.create(knex);
    expect(Number((await knex(MIGRATIONS_TABLE).count({ n: '*' }))[0].n)).toBe(4);
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

  it('reads back which cycle saw a repository and when its file was read', async () => {
    const seen = repository('a', { seenInCycle: 1_764_500_000_000, fileReadAt: 1_764_500_000_123 });
    const never = repository('b');
    await store.save('columns', { upserted: [seen, never], deleted: [] });
    const loaded = await store.loadRepositories('columns', ['a', 'b']);
    expect(loaded.get('a')).toEqual(seen);
    expect(loaded.get('a')?.seenInCycle).toBe(1_764_500_000_000);
    expect(loaded.get('a')?.fileReadAt).toBe(1_764_500_000_123);
    expect(loaded.get('b')).toMatchObject({ seenInCycle: undefined, fileReadAt: undefined });
    expect((await store.load('columns')).repositories.get('a')).toEqual(seen);
  });

  it('loads the rows of some repositories only, by id, whatever their case with ignoreCase', async () => {
    await store.save('cased', { upserted: [repository('Repo-A'), repository('repo-b'), repository('repo-c')], deleted: [] });
    await store.save('other-profile', { upserted: [repository('repo-a')], deleted: [] });

    expect([...(await store.loadRepositories('cased', ['Repo-A', 'repo-c', 'missing'])).keys()].sort()).toEqual(['Repo-A', 'repo-c']);
    // Without ignoreCase the case must match; with it, the rows come back under the ids as stored.
    expect((await store.loadRepositories('cased', ['REPO-A'])).size).toBe(0);
    const ignoringCase = await store.loadRepositories('cased', ['REPO-A', 'Repo-B'], { ignoreCase: true });
    expect([...ignoringCase.keys()].sort()).toEqual(['Repo-A', 'repo-b']);
    expect(ignoringCase.get('Repo-A')).toEqual(repository('Repo-A'));
    expect(await store.loadRepositories('cased', [])).toEqual(new Map());
  });

  it('loads more ids than one statement takes', async () => {
    const many = Array.from({ length: 450 }, (_, index) => repository(`Row-${index}`));
    await store.save('chunked', { upserted: many, deleted: [] });
    const ids = many.map(row => row.id);
    expect((await store.loadRepositories('chunked', ids)).size).toBe(450);
    expect((await store.loadRepositories('chunked', ids.map(id => id.toUpperCase()), { ignoreCase: true })).size).toBe(450);
  });

  it('marks the repositories a step saw with its cycle, changed or not, and tells which rows a cycle has not seen', async () => {
    await store.save('cycle', {
      upserted: [repository('a', { seenInCycle: 5 }), repository('b', { seenInCycle: 5 }), repository('c'), repository('d', { seenInCycle: 6 })],
      deleted: [],
    });
    await store.save('cycle-other', { upserted: [repository('x', { seenInCycle: 5 })], deleted: [] });
    // A step of cycle 6 saw a (its row unchanged) and b (changed), and an id with no row.
    await store.save('cycle', { upserted: [repository('b', { branch: 'refs/heads/develop' })], deleted: [], seen: { ids: ['a', 'b', 'gone'], cycleId: 6 } });

    const rows = await store.loadRepositories('cycle', ['a', 'b', 'c', 'd', 'gone']);
    expect([...rows.values()].map(row => [row.id, row.seenInCycle])).toEqual(
      expect.arrayContaining([['a', 6], ['b', 6], ['c', undefined], ['d', 6]]),
    );
    expect(rows.has('gone')).toBe(false);
    expect((await store.repositoriesNotSeenIn('cycle', 6)).map(row => row.id)).toEqual(['c']);
    expect((await store.repositoriesNotSeenIn('cycle', 7)).map(row => row.id).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(await store.countRepositories('cycle')).toBe(4);
    expect(await store.countRepositories('never')).toBe(0);
  });

  it('gives the refs each repository emitted, and nothing else of its row', async () => {
    await store.save('refs', {
      upserted: [repository('a', { entityRefs: ['repository:default/a', 'component:default/x'] }), repository('b', { entityRefs: [] })],
      deleted: [],
    });
    expect(await store.entityRefsByRepository('refs')).toEqual(
      new Map([
        ['a', ['repository:default/a', 'component:default/x']],
        ['b', []],
      ]),
    );
  });

  it('keeps the cycle in progress and the last complete one in the profile row, beside the rest', async () => {
    expect(await store.loadProfile('cycles')).toBeUndefined();
    await store.save('cycles', { upserted: [], deleted: [], cycle: '{"id":1}' });
    expect(await store.loadProfile('cycles')).toMatchObject({ cycle: '{"id":1}', lastCycle: undefined });

    // A step writes its rows and the cycle; the profile row's other columns stay.
    await store.saveTokenCheck('cycles', '{"ok":true}');
    await store.save('cycles', { upserted: [repository('a')], deleted: [], cycle: '{"id":1,"done":1}' });
    expect(await store.loadProfile('cycles')).toMatchObject({ cycle: '{"id":1,"done":1}' });

    // The cycle's end: the profile row as the last sync, no cycle in progress, the last one kept.
    await store.save('cycles', { profile: PROFILE, upserted: [], deleted: ['a'], cycle: null, lastCycle: '{"startedAt":1}' });
    const ended = await store.loadProfile('cycles');
    expect(ended).toMatchObject({ ...PROFILE, lastCycle: '{"startedAt":1}' });
    expect(ended?.cycle).toBeUndefined();
    expect((await store.readStatus(['cycles'])).get('cycles')).toMatchObject({ lastCycle: '{"startedAt":1}', tokenCheck: '{"ok":true}' });
    expect((await store.readStatus(['cycles'])).get('cycles')?.cycle).toBeUndefined();
    expect(await store.countRepositories('cycles')).toBe(0);
  });

  it('records a run that ended with its cycle in progress: not running, no failure', async () => {
    await store.recordFailure('run-ended', { startedAt: 1, endedAt: 2, error: 'boom' });
    await store.recordSyncStarted('run-ended', { startedAt: 3, expiresAt: 63 });
    await store.recordRunEnded('run-ended');
    const status = (await store.readStatus(['run-ended'])).get('run-ended');
    expect(status).toMatchObject({ consecutiveFailures: 0, syncStartedAt: undefined, syncExpiresAt: undefined });
  });

  describe('withApplyLock', () => {
    it('keeps a second holder out until the first releases it, and gives back what it applied', async () => {
      const order: string[] = [];
      let release!: () => void;
      const released = new Promise<void>(resolve => (release = resolve));
      let firstIn!: () => void;
      const firstHolds = new Promise<void>(resolve => (firstIn = resolve));

      const first = store.withApplyLock('locked', async () => {
        order.push('first in');
        firstIn();
        await released;
        order.push('first out');
        return 'first';
      });
      await firstHolds;
      const second = store.withApplyLock('locked', async () => {
        order.push('second in');
        return 'second';
      });
      // Long enough for several attempts of the second holder.
      await new Promise(resolve => setTimeout(resolve, 200));
      expect(order).toEqual(['first in']);

      release();
      await expect(Promise.all([first, second])).resolves.toEqual(['first', 'second']);
      expect(order).toEqual(['first in', 'first out', 'second in']);
    });

    it('is a lock per profile', async () => {
      let release!: () => void;
      const released = new Promise<void>(resolve => (release = resolve));
      const holding = store.withApplyLock('profile-1', () => released);
      await expect(store.withApplyLock('profile-2', async () => 'not kept out')).resolves.toBe('not kept out');
      release();
      await holding;
    });

    it('releases the lock when what it applies throws', async () => {
      await expect(store.withApplyLock('throwing', async () => Promise.reject(new Error('catalog down')))).rejects.toThrow('catalog down');
      await expect(store.withApplyLock('throwing', async () => 'taken again')).resolves.toBe('taken again');
      const [row] = await knex(PROFILES_TABLE).where({ profile_id: 'throwing' });
      expect(row.apply_lock_holder).toBeNull();
      expect(row.apply_lock_until).toBeNull();
    });

    it('takes over a lock whose holder died once it lapsed', async () => {
      await store.save('lapsed', { upserted: [], deleted: [], cycle: '{"id":1}' });
      await knex(PROFILES_TABLE).where({ profile_id: 'lapsed' }).update({ apply_lock_holder: 'dead-replica', apply_lock_until: Date.now() - 1 });
      await expect(store.withApplyLock('lapsed', async () => 'taken')).resolves.toBe('taken');
      // The row's other columns stay as they were.
      expect((await store.loadProfile('lapsed'))?.cycle).toBe('{"id":1}');
    });
  });

  it('finds what the catalog holds from the provider that no row holds, and nothing without the catalog', async () => {
    await store.save('orphans', { upserted: [repository('kept', { entityRefs: ['repository:default/kept', 'component:default/declared'] })], deleted: [] });
    // Nothing to read yet: no catalog tables in this database.
    expect(await store.catalogRefsNotHeld('orphans', 'AzureDevOpsRepositoriesProvider:orphans')).toEqual([]);
    // The catalog's table of what each provider emitted, with the columns read here.
    await knex.schema.createTable('refresh_state_references', table => {
      table.string('source_key').nullable();
      table.string('target_entity_ref').notNullable();
    });
    try {
      await knex('refresh_state_references').insert([
        { source_key: 'AzureDevOpsRepositoriesProvider:orphans', target_entity_ref: 'repository:default/kept' },
        { source_key: 'AzureDevOpsRepositoriesProvider:orphans', target_entity_ref: 'component:default/declared' },
        { source_key: 'AzureDevOpsRepositoriesProvider:orphans', target_entity_ref: 'repository:default/lost' },
        { source_key: 'AzureDevOpsRepositoriesProvider:other', target_entity_ref: 'repository:default/theirs' },
      ]);
      expect(await store.catalogRefsNotHeld('orphans', 'AzureDevOpsRepositoriesProvider:orphans')).toEqual(['repository:default/lost']);
    } finally {
      await knex.schema.dropTable('refresh_state_references');
    }
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
