import { NULL_COMMIT_ID } from '../organization';
import { gitPushPayload, type GitPush } from './gitPushPayload';
import { FIXTURE_BASE_URL, FIXTURE_ORGANIZATION, hookFixture } from './hookFixture';

const NEW_COMMIT = 'a'.repeat(40);

function push(resourceDetails: 'all' | 'minimal' = 'all', overrides: Partial<GitPush> = {}) {
  const { origin, notification, project, repository } = hookFixture(resourceDetails);
  const payload = gitPushPayload(origin, notification, {
    project,
    repository,
    branch: 'main',
    oldObjectId: repository.commitId,
    newObjectId: NEW_COMMIT,
    pushId: 7,
    date: new Date('2025-06-01T11:59:59.000Z'),
    comment: 'Update catalog-info.yaml',
    ...overrides,
  });
  return { payload, project, repository };
}

describe('gitPushPayload', () => {
  it('is a git.push of resource version 1.0 with one commit and one ref update', () => {
    const { payload, repository } = push();
    expect(payload).toMatchObject({ eventType: 'git.push', publisherId: 'tfs', resourceVersion: '1.0', notificationId: 3 });
    expect(payload.resource.refUpdates).toEqual([
      { name: 'refs/heads/main', oldObjectId: repository.commitId, newObjectId: NEW_COMMIT },
    ]);
    expect(payload.resource.commits).toEqual([
      {
        commitId: NEW_COMMIT,
        author: { name: 'Simulated Pusher', email: 'pusher@simulator.invalid', date: '2025-06-01T11:59:59.000Z' },
        committer: { name: 'Simulated Pusher', email: 'pusher@simulator.invalid', date: '2025-06-01T11:59:59.000Z' },
        comment: 'Update catalog-info.yaml',
        url: `${FIXTURE_BASE_URL}/${FIXTURE_ORGANIZATION}/_apis/git/repositories/${repository.id}/commits/${NEW_COMMIT}`,
      },
    ]);
    expect(payload.resource).toMatchObject({ pushId: 7, date: '2025-06-01T11:59:59.000Z' });
  });

  it('names no changed files: the commits carry none', () => {
    const { payload } = push();
    for (const commit of payload.resource.commits as Array<Record<string, unknown>>) {
      expect(Object.keys(commit).sort()).toEqual(['author', 'comment', 'commitId', 'committer', 'url']);
    }
  });

  it('writes the repository the way push payloads do: by id alone, short project, remote URL without user', () => {
    const { payload, project, repository } = push();
    const organizationUrl = `${FIXTURE_BASE_URL}/${FIXTURE_ORGANIZATION}`;
    expect(payload.resource.repository).toEqual({
      id: repository.id,
      name: 'alpha app',
      url: `${organizationUrl}/_apis/git/repositories/${repository.id}`,
      project: {
        id: project.id,
        name: 'Mobile Apps',
        url: `${organizationUrl}/_apis/projects/${project.id}`,
        state: 'wellFormed',
        visibility: 'unchanged',
        lastUpdateTime: '0001-01-01T00:00:00',
      },
      defaultBranch: 'refs/heads/main',
      remoteUrl: `${organizationUrl}/Mobile%20Apps/_git/alpha%20app`,
    });
  });

  it('points every URL back at the organization on the simulator', () => {
    const { payload } = push();
    const resource = payload.resource as { url: string; repository: { url: string; remoteUrl: string; project: { url: string } } };
    for (const address of [resource.url, resource.repository.url, resource.repository.remoteUrl, resource.repository.project.url]) {
      const parsed = new URL(address);
      expect(parsed.origin).toBe(FIXTURE_BASE_URL);
      expect(parsed.pathname.split('/')[1]).toBe(FIXTURE_ORGANIZATION);
      expect(parsed.username).toBe('');
    }
    expect(resource.url).toBe(`${resource.repository.url}/pushes/7`);
  });

  it('names a branch other than the default in the ref update, and a new branch by an all-zero old id', () => {
    const { payload } = push('all', { branch: 'feature/x', oldObjectId: NULL_COMMIT_ID });
    expect(payload.resource.refUpdates).toEqual([{ name: 'refs/heads/feature/x', oldObjectId: NULL_COMMIT_ID, newObjectId: NEW_COMMIT }]);
    expect((payload.resource.repository as { defaultBranch: string }).defaultBranch).toBe('refs/heads/main');
    expect(payload.message.text).toContain('alpha app:feature/x');
  });

  it('keeps only the push id and URL with Minimal details', () => {
    const { payload, repository } = push('minimal');
    expect(payload.resource).toEqual({
      pushId: 7,
      url: `${FIXTURE_BASE_URL}/${FIXTURE_ORGANIZATION}/_apis/git/repositories/${repository.id}/pushes/7`,
    });
    expect(payload.message.text).toContain('pushed updates to alpha app:main');
  });
});
