import { parseAllDocuments } from 'yaml';
import { DEMO_ORGANIZATION_FIXTURE, loadOrganization, organizationFromYaml } from './loadOrganization';
import { deterministicGuid, NULL_COMMIT_ID, type SimulatedRepository } from './organization';

describe('loadOrganization', () => {
  const demo = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
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
    expect(loadOrganization(DEMO_ORGANIZATION_FIXTURE)).toEqual(demo);
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
    expect(api.lastPushDate).toEqual(new Date('2025-05-02T09:30:00Z'));
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
  ])('names the key path of a shape error', (yaml, message) => {
    expect(() => organizationFromYaml(yaml, 'x')).toThrow(message);
  });
});
