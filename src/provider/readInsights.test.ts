import { mockServices } from '@backstage/backend-test-utils';
import type { AzureDevOpsCommit } from '../client/AzureDevOpsApi';
import { AzureDevOpsError } from '../client/AzureDevOpsError';
import type { RepositoryEntity } from '../mapping/RepositoryEntity';
import { buildProfile, buildRepository, PROJECT_ID, type ProfileOverrides } from '../__testUtils__/builders';
import { FakeAzureDevOpsApi } from '../__testUtils__/FakeAzureDevOpsApi';
import { PersistingTaskRunner } from '../__testUtils__/PersistingTaskRunner';
import { RecordingConnection } from '../__testUtils__/RecordingConnection';
import { testStateStore } from '../__testUtils__/testStateStore';
import { AzureDevOpsRepositoriesProvider } from './AzureDevOpsRepositoriesProvider';
import { COMMITS_PAGE, CycleLanguages, readCommitInsights } from './readInsights';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ACTIVE = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000001', name: 'active' });
const DORMANT = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000002', name: 'dormant' });
const EMPTY = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000003', name: 'empty', defaultBranch: undefined });
const DISABLED = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000004', name: 'disabled', isDisabled: true });

function commit(email: string, daysAgo: number, name = email.split('@')[0]): AzureDevOpsCommit {
  return { commitId: `${email}-${daysAgo}`, author: { name, email }, committedAt: new Date(NOW - daysAgo * DAY) };
}

const destroyers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const destroy of destroyers.splice(0)) await destroy();
});

/** A profile synced by the provider over the fake, with a real state store, the clock moved by hand. */
async function setup(overrides: ProfileOverrides = {}, repositories = [ACTIVE, DORMANT, EMPTY, DISABLED]) {
  const profile = buildProfile(overrides);
  const api = new FakeAzureDevOpsApi(repositories);
  api.commits.set(ACTIVE.id, [commit('ada@example.com', 1), commit('ADA@example.com', 5), commit('grace@example.com', 30), commit('dependabot[bot]@example.com', 2, 'dependabot[bot]')]);
  api.commits.set(DORMANT.id, [commit('linus@example.com', 400)]);
  api.languages.set(PROJECT_ID, {
    phase: 'full',
    repositories: new Map([[ACTIVE.id, [{ name: 'TypeScript', percentage: 80 }, { name: 'Shell', percentage: 20 }]]]),
  });
  const logger = mockServices.logger.mock();
  logger.child.mockImplementation(() => logger);
  const { store, destroy } = await testStateStore();
  destroyers.push(destroy);
  const clock = { now: NOW };
  const taskRunner = new PersistingTaskRunner();
  const provider = new AzureDevOpsRepositoriesProvider({ profile, taskRunner, logger, createApi: async () => api, now: () => clock.now, store });
  const connection = new RecordingConnection();
  await provider.connect(connection);
  /** One run: a whole cycle here. What the catalog holds after it, by repository name. */
  const sync = async () => {
    api.commitCalls.length = 0;
    api.languageCalls.length = 0;
    await taskRunner.runTask();
    const counts = (await store.loadProfile(profile.id))?.lastSyncCounts;
    const specs = new Map(connection.ofKind<RepositoryEntity>('Repository').map(entity => [entity.spec.repository, entity]));
    return { counts, specs, commitReads: api.commitCalls.length, languageReads: api.languageCalls.length };
  };
  return { api, clock, sync, logger, connection };
}

describe('insights in a sync', () => {
  it('reads the commits of every readable repository and the languages of every project on a cold sync', async () => {
    const { sync } = await setup();
    const { specs, commitReads, languageReads } = await sync();
    expect(commitReads).toBe(2);
    expect(languageReads).toBe(1);
    expect(specs.get('active')?.spec).toMatchObject({
      lastCommitAt: new Date(NOW - DAY).toISOString(),
      freshness: 'active',
      contributors: { count: 2, windowDays: 90 },
      languages: [{ name: 'TypeScript', percentage: 80 }, { name: 'Shell', percentage: 20 }],
    });
    expect(specs.get('active')?.metadata.tags).toEqual(['typescript', 'shell']);
    expect(specs.get('dormant')?.spec).toMatchObject({ freshness: 'dormant', contributors: { count: 0, windowDays: 90 } });
    expect(specs.get('empty')?.spec).toMatchObject({ freshness: 'unknown', contributors: { count: 0, windowDays: 90 } });
    expect(specs.get('empty')?.spec).not.toHaveProperty('lastCommitAt');
    expect(specs.get('disabled')?.spec).toMatchObject({ freshness: 'unknown' });
  });

  it('reads nothing again on a warm sync with nothing pushed, yet freshness follows the clock', async () => {
    const { sync, clock } = await setup();
    await sync();
    clock.now += 2 * 60 * 60 * 1000;
    const warm = await sync();
    expect([warm.commitReads, warm.languageReads]).toEqual([0, 0]);
    expect(warm.specs.get('active')?.spec).toMatchObject({ freshness: 'active', contributors: { count: 2, windowDays: 90 } });
  });

  it('reads the commits of a repository pushed to, and everything again within a day', async () => {
    const { sync, clock, api } = await setup();
    await sync();
    clock.now += 60 * 60 * 1000;
    api.push(DORMANT.id, undefined, clock.now);
    api.commits.set(DORMANT.id, [commit('linus@example.com', 0), ...(api.commits.get(DORMANT.id) ?? [])]);
    const pushed = await sync();
    expect(pushed.commitReads).toBe(1);
    expect(pushed.specs.get('dormant')?.spec).toMatchObject({ freshness: 'active', contributors: { count: 1, windowDays: 90 } });

    // The next window opens an hour before the last cycle started: it reports the push again.
    clock.now += 2 * 60 * 60 * 1000;
    expect((await sync()).commitReads).toBe(1);

    // Then each repository's commits at a time of its own, between 12 and 24 hours after their last read.
    clock.now = NOW + 12 * 60 * 60 * 1000;
    expect((await sync()).commitReads).toBe(0);
    clock.now = NOW + 3 * 60 * 60 * 1000 + DAY;
    const daily = await sync();
    expect([daily.commitReads, daily.languageReads]).toEqual([2, 1]);
  });

  it('reads the languages once a day: a cycle that starts within the day asks for none', async () => {
    const { sync, clock } = await setup();
    await sync();
    clock.now += DAY - 60_000;
    expect((await sync()).languageReads).toBe(0);
    clock.now += 60_000;
    expect((await sync()).languageReads).toBe(1);
  });

  it('keeps the previous languages on a preliminary answer and when analysis is unavailable', async () => {
    const { sync, clock, api } = await setup();
    await sync();
    clock.now += DAY;
    api.languages.set(PROJECT_ID, { phase: 'preliminary', repositories: new Map([[ACTIVE.id, [{ name: 'Go', percentage: 100 }]]]) });
    const preliminary = await sync();
    expect(preliminary.languageReads).toBe(1);
    expect(preliminary.specs.get('active')?.spec?.languages).toEqual([{ name: 'TypeScript', percentage: 80 }, { name: 'Shell', percentage: 20 }]);
    clock.now += DAY;
    api.languages.delete(PROJECT_ID);
    const unavailable = await sync();
    expect(unavailable.languageReads).toBe(1);
    expect(unavailable.counts?.failed).toBe(0);
    expect(unavailable.specs.get('active')?.spec?.languages).toEqual([{ name: 'TypeScript', percentage: 80 }, { name: 'Shell', percentage: 20 }]);
  });

  it('keeps what was known when a read fails, with one warning, and asks for the languages again next sync', async () => {
    const { sync, clock, api, logger } = await setup();
    await sync();
    clock.now += DAY;
    api.commitErrors.set(ACTIVE.id, new AzureDevOpsError({ kind: 'serverError', message: 'commits answered 503' }));
    api.languageErrors.set(PROJECT_ID, new AzureDevOpsError({ kind: 'timeout', message: 'languages timed out' }));
    const failing = await sync();
    expect(failing.specs.get('active')?.spec).toMatchObject({ contributors: { count: 2, windowDays: 90 }, languages: [{ name: 'TypeScript', percentage: 80 }, { name: 'Shell', percentage: 20 }] });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/2 insight reads failed.*commits answered 503/));
    api.languageErrors.clear();
    clock.now += 60_000;
    expect((await sync()).languageReads).toBe(1);
  });

  it('costs nothing with every insight off', async () => {
    const { sync } = await setup({ insights: { freshness: false, languages: false, contributors: false } });
    const { specs, commitReads, languageReads } = await sync();
    expect([commitReads, languageReads]).toEqual([0, 0]);
    expect(specs.get('active')?.spec).not.toHaveProperty('freshness');
  });
});

describe('languages in a cycle of several steps', () => {
  it('asks a project once, although its repositories span two steps, and a second project once', async () => {
    const other = { id: 'project-2', name: 'Billing', visibility: 'private' as const };
    // 30 repositories of the first project: a first step of 25, then the rest with the other project's.
    const first = Array.from({ length: 30 }, (_, n) => buildRepository({ id: `aaaaaaaa-0000-0000-0001-${String(n).padStart(12, '0')}`, name: `first-${n}` }));
    const second = [buildRepository({ id: 'bbbbbbbb-0000-0000-0000-000000000001', name: 'second', project: other })];
    const { sync, api, connection } = await setup({ insights: { freshness: false, contributors: false } }, [...second, ...first]);
    api.languages.set(other.id, { phase: 'full', repositories: new Map([[second[0].id, [{ name: 'Go', percentage: 100 }]]]) });
    api.languages.set(PROJECT_ID, { phase: 'full', repositories: new Map(first.map(({ id }) => [id, [{ name: 'Rust', percentage: 100 }]])) });
    const { specs, languageReads } = await sync();
    expect(connection.mutations).toHaveLength(2);
    expect(languageReads).toBe(2);
    expect(api.languageCalls.map(call => call.project).sort()).toEqual([PROJECT_ID, other.id].sort());
    expect(specs.get('second')?.spec.languages).toEqual([{ name: 'Go', percentage: 100 }]);
    for (const name of ['first-0', 'first-29']) expect(specs.get(name)?.spec.languages).toEqual([{ name: 'Rust', percentage: 100 }]);
  });
});

describe('CycleLanguages', () => {
  const FULL = { phase: 'full' as const, repositories: new Map([[ACTIVE.id, [{ name: 'TypeScript', percentage: 100 }]]]) };

  it('asks each project of a step once, and keeps the last one for the next step', async () => {
    const api = new FakeAzureDevOpsApi([]);
    api.languages.set('p1', FULL);
    api.languages.set('p2', FULL);
    const languages = new CycleLanguages();
    const step1 = await languages.ofProjects(api, ['p1', 'p2'], { concurrency: 2 });
    expect([...step1.answers.keys()].sort()).toEqual(['p1', 'p2']);
    const step2 = await languages.ofProjects(api, ['p2', 'p3'], { concurrency: 2 });
    expect(step2.answers.get('p2')).toEqual(FULL);
    expect(step2.answers.get('p3')).toBeUndefined();
    expect(api.languageCalls.map(call => call.project)).toEqual(['p1', 'p2', 'p3']);
    // No analysis there at all is an answer too: nothing to ask again before the day is over.
    expect([...languages.incomplete]).toEqual([]);
  });

  it('asks only the projects it is told to, when told', async () => {
    const api = new FakeAzureDevOpsApi([]);
    api.languages.set('p1', FULL);
    api.languages.set('p2', FULL);
    const languages = new CycleLanguages({ only: ['p2'] });
    const { answers } = await languages.ofProjects(api, ['p1', 'p2'], { concurrency: 2 });
    expect([...answers.keys()]).toEqual(['p2']);
    expect(api.languageCalls.map(call => call.project)).toEqual(['p2']);
  });

  it('is complete while every answer is full', async () => {
    const api = new FakeAzureDevOpsApi([]);
    api.languages.set('p1', FULL);
    const languages = new CycleLanguages();
    await languages.ofProjects(api, ['p1'], { concurrency: 1 });
    expect([...languages.incomplete]).toEqual([]);
  });

  it.each([
    ['a preliminary answer', (api: FakeAzureDevOpsApi) => api.languages.set('p1', { ...FULL, phase: 'preliminary' })],
    ['a failed request', (api: FakeAzureDevOpsApi) => api.languageErrors.set('p1', new AzureDevOpsError({ kind: 'timeout', message: 'timed out' }))],
  ])('is incomplete after %s', async (_name, arrange) => {
    const api = new FakeAzureDevOpsApi([]);
    arrange(api);
    const languages = new CycleLanguages();
    const { failures } = await languages.ofProjects(api, ['p1'], { concurrency: 1 });
    expect([...languages.incomplete]).toEqual(['p1']);
    expect([...failures.keys()]).toEqual(api.languageErrors.size > 0 ? ['p1'] : []);
  });

  it('asks a project that failed again in the next step', async () => {
    const api = new FakeAzureDevOpsApi([]);
    api.languageErrors.set('p1', new AzureDevOpsError({ kind: 'timeout', message: 'timed out' }));
    const languages = new CycleLanguages();
    await languages.ofProjects(api, ['p1'], { concurrency: 1 });
    api.languageErrors.clear();
    api.languages.set('p1', FULL);
    const next = await languages.ofProjects(api, ['p1'], { concurrency: 1 });
    expect(next.answers.get('p1')).toEqual(FULL);
    expect(api.languageCalls).toHaveLength(2);
  });
});

describe('readCommitInsights', () => {
  it('pages while the window goes on, and stops at the first commit before it', async () => {
    const api = new FakeAzureDevOpsApi([ACTIVE]);
    const busy = Array.from({ length: 2 * COMMITS_PAGE + 10 }, (_, index) => commit(`dev${index % 150}@example.com`, index * 0.3));
    api.commits.set(ACTIVE.id, busy);
    const read = await readCommitInsights(api, ACTIVE, NOW);
    expect(api.commitCalls.map(call => call.skip ?? 0)).toEqual([0, 100, 200]);
    expect(read).toMatchObject({ lastCommitAt: new Date(NOW).toISOString(), contributors: 150, readAt: NOW, branch: 'main' });
  });

  it('costs no request for an empty repository', async () => {
    const api = new FakeAzureDevOpsApi([EMPTY]);
    expect(await readCommitInsights(api, EMPTY, NOW)).toEqual({ contributors: 0, readAt: NOW });
    expect(api.commitCalls).toEqual([]);
  });
});
