import { parse } from 'yaml';
import { GENERATED_BOTS, MOST_RECENT_COMMITS } from './generatedHistory';
import { CATALOG_FILE_PATH, generateOrganization, summarizeOrganization } from './generateOrganization';
import { commitHistory } from './organization';

const DAY_MS = 86_400_000;

describe('generateOrganization', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  const options = { name: 'synthetic', repos: 1000, projects: 7, withFile: 0.4, seed: 42, now };

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateOrganization(options)).toEqual(generateOrganization(options));
    expect(generateOrganization({ ...options, seed: 43 })).not.toEqual(generateOrganization(options));
  });

  it('spreads repositories with exact file shares and small special-case shares', () => {
    const organization = generateOrganization(options);
    const summary = summarizeOrganization(organization);
    expect(summary).toMatchObject({ projects: 7, repositories: 1000, withCatalogFile: 400, empty: 20 });
    expect(summary.disabled).toBeGreaterThan(0);
    expect(summary.disabled).toBeLessThan(40);
    expect(summary.forks).toBeGreaterThan(0);
    expect(summary.forks).toBeLessThan(60);
    expect(organization.projects.map(project => project.repositories.length)).toEqual([143, 143, 143, 143, 143, 143, 142]);
    expect(organization.projects.some(project => project.name.includes(' '))).toBe(true);

    const ids = organization.projects.flatMap(project => project.repositories.map(repository => repository.id));
    expect(new Set(ids).size).toBe(1000);
    const forks = organization.projects.flatMap(project => project.repositories.filter(repository => repository.isFork));
    expect(forks.every(fork => fork.parentRepositoryId !== undefined && ids.includes(fork.parentRepositoryId))).toBe(true);
  });

  it('writes valid Backstage components named after their repository', () => {
    const organization = generateOrganization({ ...options, repos: 50, withFile: 1 });
    const repositories = organization.projects.flatMap(project => project.repositories);
    expect(repositories.every(repository => CATALOG_FILE_PATH in repository.files)).toBe(true);
    for (const repository of repositories) {
      const entity = parse(repository.files[CATALOG_FILE_PATH]);
      expect(entity).toMatchObject({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: repository.name },
        spec: {
          owner: expect.stringMatching(/^team-/),
          system: expect.any(String),
          type: expect.any(String),
          lifecycle: expect.any(String),
        },
      });
    }
  });

  describe('commit histories', () => {
    const repositories = generateOrganization(options).projects.flatMap(project => project.repositories);
    const nonEmpty = repositories.filter(repository => repository.defaultBranch !== undefined);
    const ageInDays = (date: Date) => (now.getTime() - date.getTime()) / DAY_MS;

    it('makes about 60% of the repositories active, 20% inactive and 20% dormant at `now`', () => {
      const shares = { active: 0, inactive: 0, dormant: 0 };
      for (const repository of nonEmpty) {
        const age = ageInDays(repository.lastPushDate);
        shares[age < 90 ? 'active' : age < 180 ? 'inactive' : 'dormant'] += 1 / nonEmpty.length;
      }
      expect(shares.active).toBeCloseTo(0.6, 1);
      expect(shares.inactive).toBeCloseTo(0.2, 1);
      expect(shares.dormant).toBeCloseTo(0.2, 1);
    });

    it('starts every history at the tip, newest first, in whole seconds and at least a day before `now`', () => {
      for (const repository of nonEmpty) {
        const history = commitHistory(repository);
        expect(history[0]).toMatchObject({ id: repository.commitId, committedAt: repository.lastPushDate });
        const times = history.map(commit => commit.committedAt.getTime());
        expect(times).toEqual([...times].sort((a, b) => b - a));
        expect(times.every(time => time % 1000 === 0 && now.getTime() - time >= DAY_MS)).toBe(true);
        expect(history.every(commit => /^[0-9a-f]{40}$/.test(commit.id))).toBe(true);
        expect(new Set(history.map(commit => commit.id)).size).toBe(history.length);
      }
      expect(repositories.filter(repository => repository.defaultBranch === undefined).every(repository => repository.commits === undefined)).toBe(true);
    });

    it('gives an active repository 1 to 30 commits in its last 90 days, and keeps histories short', () => {
      const recentCounts = nonEmpty
        .map(repository => commitHistory(repository).filter(commit => ageInDays(commit.committedAt) < 90).length)
        .filter(count => count > 0);
      expect(Math.min(...recentCounts)).toBe(1);
      expect(Math.max(...recentCounts)).toBeLessThanOrEqual(MOST_RECENT_COMMITS);
      expect(Math.max(...recentCounts)).toBeGreaterThan(MOST_RECENT_COMMITS / 2);
      const commits = nonEmpty.reduce((sum, repository) => sum + commitHistory(repository).length, 0);
      expect(commits / nonEmpty.length).toBeLessThan(10);
    });

    it('draws authors from a pool with bots and addresses that differ only in case', () => {
      const authors = nonEmpty.flatMap(repository => commitHistory(repository).map(commit => commit.author));
      const addresses = new Set(authors.map(author => author.email));
      const folded = new Set([...addresses].map(address => address.toLowerCase()));
      expect(folded.size).toBeLessThan(addresses.size);
      for (const bot of GENERATED_BOTS) expect(addresses).toContain(bot.email);
      expect(authors.some(author => author.name.endsWith('[bot]'))).toBe(true);
      const multiAuthor = nonEmpty.filter(repository => new Set(commitHistory(repository).map(commit => commit.author.email)).size > 1);
      expect(multiAuthor.length).toBeGreaterThan(nonEmpty.length / 10);
    });

    it('gives every non-empty repository bytes per language, varied across repositories', () => {
      expect(nonEmpty.every(repository => repository.languages && Object.keys(repository.languages).length > 0)).toBe(true);
      const mainLanguages = new Set(
        nonEmpty.map(repository => Object.entries(repository.languages ?? {}).sort(([, a], [, b]) => b - a)[0][0]),
      );
      expect(mainLanguages.size).toBeGreaterThan(5);
    });

    it('moves the dates with `now`', () => {
      const later = new Date(now.getTime() + 10 * DAY_MS);
      const moved = generateOrganization({ ...options, now: later }).projects[0].repositories.find(repository => repository.defaultBranch !== undefined);
      const original = nonEmpty.find(repository => repository.id === moved?.id);
      expect(moved?.lastPushDate.getTime()).toBe((original?.lastPushDate.getTime() ?? 0) + 10 * DAY_MS);
    });
  });

  it('refuses impossible options', () => {
    expect(() => generateOrganization({ ...options, projects: 0 })).toThrow('projects');
    expect(() => generateOrganization({ ...options, withFile: 1.5 })).toThrow('withFile');
  });
});
