import { mockServices } from '@backstage/backend-test-utils';
import type { AzureDevOpsCommit } from '../client/AzureDevOpsApi';
import { AzureDevOpsError } from '../client/AzureDevOpsError';
import { buildProfile, buildRepository, PROJECT_ID, type ProfileOverrides } from '../__testUtils__/builders';
import { FakeAzureDevOpsApi } from '../__testUtils__/FakeAzureDevOpsApi';
import { ChangeTracker } from './ChangeTracker';
import { KnownRepositories } from './KnownRepositories';
import { readRepositoryEntities } from './readRepositoryEntities';
import { COMMITS_PAGE, readCommitInsights } from './readInsights';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ACTIVE = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000001', name: 'active' });
const DORMANT = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000002', name: 'dormant' });
const EMPTY = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000003', name: 'empty', defaultBranch: undefined });
const DISABLED = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000004', name: 'disabled', isDisabled: true });

function commit(email: string, daysAgo: number, name = email.split('@')[0]): AzureDevOpsCommit {
  return { commitId: `${email}-${daysAgo}`, author: { name, email }, committedAt: new Date(NOW - daysAgo * DAY) };
}

/** A profile synced with the real sync code over the fake, the clock moved by hand. */
function setup(overrides: ProfileOverrides = {}) {
  const profile = buildProfile(overrides);
  const api = new FakeAzureDevOpsApi([ACTIVE, DORMANT, EMPTY, DISABLED]);
  api.commits.set(ACTIVE.id, [commit('ada@example.com', 1), commit('ADA@example.com', 5), commit('grace@example.com', 30), commit('dependabot[bot]@example.com', 2, 'dependabot[bot]')]);
  api.commits.set(DORMANT.id, [commit('linus@example.com', 400)]);
  api.languages.set(PROJECT_ID, {
    phase: 'full',
    repositories: new Map([[ACTIVE.id, [{ name: 'TypeScript', percentage: 80 }, { name: 'Shell', percentage: 20 }]]]),
  });
  const knownRepositories = new KnownRepositories({ profile });
  const changeTracker = new ChangeTracker({ profile });
  const logger = mockServices.logger.mock();
  const clock = { now: NOW, languagesReadAt: undefined as number | undefined };
  const sync = async () => {
    api.commitCalls.length = 0;
    api.languageCalls.length = 0;
    const result = await readRepositoryEntities({
      profile,
      createApi: async () => api,
      changeTracker,
      knownRepositories,
      languagesReadAt: clock.languagesReadAt,
      now: () => clock.now,
      locationKey: 'AzureDevOpsRepositoriesProvider:acme',
      logger,
    });
    if (result.languagesReadAt !== undefined) clock.languagesReadAt = result.languagesReadAt;
    const specs = new Map(result.entities.map(({ entity }) => [entity.spec?.repository as string, entity]));
    return { result, specs, commitReads: api.commitCalls.length, languageReads: api.languageCalls.length };
  };
  return { api, clock, sync, logger };
}

describe('insights in a sync', () => {
  it('reads the commits of every readable repository and the languages of every project on a cold sync', async () => {
    const { sync } = setup();
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
    const { sync, clock } = setup();
    await sync();
    clock.now += 2 * 60 * 60 * 1000;
    const warm = await sync();
    expect([warm.commitReads, warm.languageReads]).toEqual([0, 0]);
    expect(warm.specs.get('active')?.spec).toMatchObject({ freshness: 'active', contributors: { count: 2, windowDays: 90 } });
  });

  it('reads the commits of a repository pushed to, and everything again a day later', async () => {
    const { sync, clock, api } = setup();
    await sync();
    clock.now += 60 * 60 * 1000;
    api.push(DORMANT.id, undefined, clock.now);
    api.commits.set(DORMANT.id, [commit('linus@example.com', 0), ...(api.commits.get(DORMANT.id) ?? [])]);
    const pushed = await sync();
    expect(pushed.commitReads).toBe(1);
    expect(pushed.specs.get('dormant')?.spec).toMatchObject({ freshness: 'active', contributors: { count: 1, windowDays: 90 } });

    clock.now += DAY;
    const daily = await sync();
    expect([daily.commitReads, daily.languageReads]).toEqual([2, 1]);
  });

  it('keeps the previous languages on a preliminary answer and when analysis is unavailable', async () => {
    const { sync, clock, api } = setup();
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
    expect(unavailable.result.stats.failed).toBe(0);
    expect(unavailable.specs.get('active')?.spec?.languages).toEqual([{ name: 'TypeScript', percentage: 80 }, { name: 'Shell', percentage: 20 }]);
  });

  it('keeps what was known when a read fails, with one warning, and asks for the languages again next sync', async () => {
    const { sync, clock, api, logger } = setup();
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
    const { sync } = setup({ insights: { freshness: false, languages: false, contributors: false } });
    const { specs, commitReads, languageReads } = await sync();
    expect([commitReads, languageReads]).toEqual([0, 0]);
    expect(specs.get('active')?.spec).not.toHaveProperty('freshness');
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
