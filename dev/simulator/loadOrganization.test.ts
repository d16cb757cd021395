import { parseAllDocuments } from 'yaml';
import { DEMO_ORGANIZATION_FIXTURE, loadOrganization, organizationFromYaml } from './loadOrganization';
import { commitHistory, deterministicGuid, NULL_COMMIT_ID, type SimulatedRepository } from './organization';

const DAY_MS = 86_400_000;

describe('loadOrganization', () => {
  const now = new Date('2026-11-30T12:00:00.500Z');
  const demo = loadOrganization(DEMO_ORGANIZATION_FIXTURE, { now });
  const repository = (project: string, name: string): SimulatedRepository => {
    const found = demo.projects.find(candidate => candidate.name === project)?.repositories.find(r => r.name === name);
    if (!found) throw new Error(`${project}/${name} missing from the demo fixture`);
    return found;
  };

  it('reads the demo organization with derived, stable ids', () => {
    expect(demo.name).toBe('demo');
    expect(demo.projects.map(project => project.name)).toEqual(['Platform', 'Commerce', 'Mobile Apps', 'Sandbox']);
    expect(repository('Platform', 'api').id).toBe(deterministicGuid('demo', 'Platform', 'api'));
    expect(repository('Platform', 'api').id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(repository('Commerce', 'api').id).not.toBe(repository('Platform', 'api').id);
    expect(loadOrganization(DEMO_ORGANIZATION_FIXTURE, { now })).toEqual(demo);
  });

  it('holds one repository per case the module handles', () => {
    const documents = (name: string, project = 'Platform') =>
      parseAllDocuments(repository(project, name).files['catalog-info.yaml'] ?? '');

    expect(documents('api').map(document => document.toJS().kind)).toEqual(['Component']);
    expect(documents('platform-docs').map(document => document.toJS().kind)).toEqual(['System', 'Component', 'API']);
    expect(documents('broken-catalog', 'Commerce')[0].errors.length).toBeGreaterThan(0);
    expect(documents('checkout-web', 'Commerce')[0].toJS().metadata.annotations).toEqual({
      'example.com/team': 'team-checkout',
    });
    expect(repository('Platform', 'infrastructure').files).not.toHaveProperty(['catalog-info.yaml']);
    expect(repository('Platform', 'legacy-monolith').isDisabled).toBe(true);

    const empty = repository('Commerce', 'new-service');
    expect(empty).toMatchObject({ files: {}, size: 0, commitId: NULL_COMMIT_ID });
    expect(empty).not.toHaveProperty('defaultBranch');

    expect(repository('Mobile Apps', 'ios-app-fork')).toMatchObject({
      isFork: true,
      parentRepositoryId: repository('Mobile Apps', 'ios-app').id,
    });
  });

  it('derives the commit from the files and sums their sizes', () => {
    const api = repository('Platform', 'api');
    expect(api.commitId).toMatch(/^[0-9a-f]{40}$/);
    expect(api.size).toBe(Object.values(api.files).reduce((sum, content) => sum + Buffer.byteLength(content), 0));
    expect(api.defaultBranch).toBe('main');
    expect(repository('Platform', 'legacy-monolith').lastPushDate).toEqual(new Date('2023-11-30T17:45:00Z'));
  });

  it('dates commits in days before now, in whole seconds, newest first, the newest being the tip', () => {
    const api = repository('Platform', 'api');
    const history = commitHistory(api);
    // `now` has half a second, which whole-second dates drop.
    const wholeSecondsAgo = (days: number) => new Date(Date.parse('2026-11-30T12:00:00Z') - days * DAY_MS);
    expect(history.map(commit => commit.committedAt)).toEqual([3, 9, 24, 61, 240].map(wholeSecondsAgo));
    expect(history[0]).toMatchObject({ id: api.commitId, committedAt: api.lastPushDate, comment: 'Add rate limiting to the public endpoints' });
    expect(api.languages).toEqual({ TypeScript: 184000, JavaScript: 12500, Dockerfile: 900 });
  });

  it('shows every freshness state, an empty repository, a bot and one person under two spellings', () => {
    const ageInDays = (project: string, name: string) => (now.getTime() - repository(project, name).lastPushDate.getTime()) / DAY_MS;
    expect(ageInDays('Platform', 'api')).toBeLessThan(90);
    expect(ageInDays('Commerce', 'api')).toBeLessThan(90);
    expect(ageInDays('Platform', 'platform-docs')).toBeGreaterThan(90);
    expect(ageInDays('Platform', 'platform-docs')).toBeLessThan(180);
    expect(ageInDays('Platform', 'infrastructure')).toBeGreaterThan(180);
    expect(commitHistory(repository('Commerce', 'new-service'))).toEqual([]);

    const authors = demo.projects.flatMap(project => project.repositories.flatMap(found => commitHistory(found).map(commit => commit.author)));
    expect(authors.some(author => author.name.endsWith('[bot]'))).toBe(true);
    expect(authors).toContainEqual({ name: 'Azure Pipelines', email: 'azuredevops@microsoft.com' });
    const alice = authors.filter(author => author.email.toLowerCase() === 'alice.martin@contoso.example');
    expect(new Set(alice.map(author => author.email)).size).toBe(2);
  });

  it('moves relative dates with now', () => {
    const later = loadOrganization(DEMO_ORGANIZATION_FIXTURE, { now: new Date(now.getTime() + DAY_MS) });
    const api = later.projects[0].repositories[0];
    expect(api.lastPushDate.getTime()).toBe(repository('Platform', 'api').lastPushDate.getTime() + DAY_MS);
    expect(later.projects[0].repositories[3].lastPushDate).toEqual(repository('Platform', 'legacy-monolith').lastPushDate);
  });

  it('reads a project whose language analysis is unavailable', () => {
    const yaml = 'organization: o\nprojects:\n  - name: P\n    languageAnalysis: unavailable\n';
    expect(organizationFromYaml(yaml, 'x').projects[0].languageAnalysis).toBe('unavailable');
  });

  it.each([
    ['organization: demo\nprojects:\n  - repositories: []\n', 'x: projects[0].name: expected a non-empty string'],
    ['organization: demo\nprojects:\n  - name: P\n    colour: red\n', 'x: projects[0]: unknown key "colour"'],
    [
      'organization: demo\nprojects:\n  - name: P\n    repositories:\n      - name: r\n        forkOf: P/nope\n',
      'x: projects[0].repositories[0].forkOf: expected "<project>/<repository>"',
    ],
    [
      'organization: demo\nprojects:\n  - name: P\n    repositories:\n      - name: r\n        files: { a.txt: 3 }\n',
      'x: projects[0].repositories[0].files.a.txt: expected the file content as a string',
    ],
    [
      'organization: demo\nprojects:\n  - name: P\n    repositories:\n      - name: r\n        commits:\n          - { author: nobody, daysAgo: 1 }\n',
      'x: projects[0].repositories[0].commits[0].author: expected "Name <address>"',
    ],
    [
      'organization: demo\nprojects:\n  - name: P\n    repositories:\n      - name: r\n        commits:\n          - { author: A <a@b.example>, daysAgo: -1 }\n',
      'x: projects[0].repositories[0].commits[0].daysAgo: expected a number of days ≥ 0',
    ],
    [
      'organization: demo\nprojects:\n  - name: P\n    repositories:\n      - name: r\n        lastPushDate: 2025-01-01T00:00:00Z\n        commits: []\n',
      'x: projects[0].repositories[0]: give lastPushDate or commits, not both',
    ],
    [
      'organization: demo\nprojects:\n  - name: P\n    repositories:\n      - name: r\n        languages: { Go: lots }\n',
      'x: projects[0].repositories[0].languages.Go: expected a whole number of bytes',
    ],
    ['organization: demo\nprojects:\n  - name: P\n    languageAnalysis: maybe\n', 'x: projects[0].languageAnalysis: expected available or unavailable'],
  ])('names the key path of a shape error', (yaml, message) => {
    expect(() => organizationFromYaml(yaml, 'x')).toThrow(message);
  });
});
