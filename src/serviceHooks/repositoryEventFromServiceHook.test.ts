import { repositoryEventFromServiceHook, SERVICE_HOOK_TOPICS } from './repositoryEventFromServiceHook';

const ORG = 'https://dev.azure.com/contoso';
const PROJECT = { id: 'P-1', name: 'Payments', url: `${ORG}/_apis/projects/P-1`, state: 'wellFormed' };
const REPOSITORY = {
  id: 'R-1',
  name: 'payments-api',
  url: `${ORG}/P-1/_apis/git/repositories/R-1`,
  project: PROJECT,
  defaultBranch: 'refs/heads/main',
  remoteUrl: 'https://contoso@dev.azure.com/contoso/Payments/_git/payments-api',
};

function envelope(eventType: string, resource: unknown) {
  return { subscriptionId: 's', notificationId: 1, id: 'e', eventType, publisherId: 'tfs', resource, resourceVersion: '1.0' };
}

describe('repositoryEventFromServiceHook', () => {
  it('subscribes to the five repository events the Azure module routes', () => {
    expect(SERVICE_HOOK_TOPICS).toEqual([
      'azureDevOps.git.push',
      'azureDevOps.git.repo.created',
      'azureDevOps.git.repo.renamed',
      'azureDevOps.git.repo.statuschanged',
      'azureDevOps.git.repo.deleted',
    ]);
  });

  it('reads a push: repository, project, the branches of refUpdates and every URL', () => {
    const payload = envelope('git.push', {
      commits: [{ commitId: 'c2' }],
      refUpdates: [
        { name: 'refs/heads/main', oldObjectId: 'c1', newObjectId: 'c2' },
        { name: 'refs/tags/v1', oldObjectId: '0', newObjectId: 'c2' },
      ],
      repository: REPOSITORY,
    });
    expect(repositoryEventFromServiceHook('azureDevOps.git.push', payload)).toEqual({
      type: 'push',
      repositoryId: 'r-1',
      repositoryName: 'payments-api',
      project: 'P-1',
      projectName: 'Payments',
      pushedBranches: ['main'],
      urls: [REPOSITORY.url, PROJECT.url, REPOSITORY.remoteUrl],
    });
  });

  it('leaves the pushed branches open when refUpdates is absent or has an entry without a name', () => {
    const minimal = envelope('git.push', { repository: { id: 'R-1', url: REPOSITORY.url, project: { id: 'P-1' } } });
    expect(repositoryEventFromServiceHook('azureDevOps.git.push', minimal)).toEqual({
      type: 'push',
      repositoryId: 'r-1',
      project: 'P-1',
      urls: [REPOSITORY.url],
    });
    const unnamed = envelope('git.push', { refUpdates: [{ newObjectId: 'c2' }], repository: REPOSITORY });
    expect(repositoryEventFromServiceHook('azureDevOps.git.push', unnamed)).not.toHaveProperty('pushedBranches');
  });

  it.each([
    ['azureDevOps.git.repo.created', 'created'],
    ['azureDevOps.git.repo.renamed', 'renamed'],
    ['azureDevOps.git.repo.statuschanged', 'statusChanged'],
  ])('reads %s from its repository', (topic, type) => {
    const payload = envelope(topic.slice('azureDevOps.'.length), { repository: REPOSITORY, oldName: 'old', newName: 'payments-api', disabled: true });
    expect(repositoryEventFromServiceHook(topic, payload)).toEqual({
      type,
      repositoryId: 'r-1',
      repositoryName: 'payments-api',
      project: 'P-1',
      projectName: 'Payments',
      urls: [REPOSITORY.url, PROJECT.url, REPOSITORY.remoteUrl],
    });
  });

  it('reads a deletion from repositoryId and project, since its payload has no repository', () => {
    const payload = envelope('git.repo.deleted', {
      project: PROJECT,
      repositoryId: 'R-1',
      repositoryName: 'payments-api',
      isHardDelete: false,
    });
    expect(repositoryEventFromServiceHook('azureDevOps.git.repo.deleted', payload)).toEqual({
      type: 'deleted',
      repositoryId: 'r-1',
      repositoryName: 'payments-api',
      project: 'P-1',
      projectName: 'Payments',
      urls: [PROJECT.url],
    });
  });

  it('reads a Minimal push: the repository from the push URL, the project from resourceContainers', () => {
    const payload = {
      ...envelope('git.push', { pushId: 7, url: `${ORG}/_apis/git/repositories/R-1/pushes/7` }),
      resourceContainers: { collection: { id: 'C' }, account: { id: 'A' }, project: { id: 'P-1' } },
    };
    expect(repositoryEventFromServiceHook('azureDevOps.git.push', payload)).toEqual({
      type: 'push',
      repositoryId: 'r-1',
      project: 'P-1',
      urls: [`${ORG}/_apis/git/repositories/R-1/pushes/7`],
    });
  });

  it('reads a Minimal deletion: the project from resourceContainers', () => {
    const payload = {
      ...envelope('git.repo.deleted', { repositoryId: 'R-1', repositoryName: 'payments-api' }),
      resourceContainers: { project: { id: 'P-1' } },
    };
    expect(repositoryEventFromServiceHook('azureDevOps.git.repo.deleted', payload)).toMatchObject({ type: 'deleted', repositoryId: 'r-1', project: 'P-1' });
  });

  it('takes the project name when the payload gives no id', () => {
    const payload = envelope('git.push', { repository: { ...REPOSITORY, project: { name: 'Payments' } } });
    expect(repositoryEventFromServiceHook('azureDevOps.git.push', payload)).toMatchObject({ project: 'Payments' });
  });

  it.each<[string, string, unknown]>([
    ['another topic', 'azureDevOps.build.complete', envelope('build.complete', { repository: REPOSITORY })],
    ['no payload', 'azureDevOps.git.push', undefined],
    ['a string', 'azureDevOps.git.push', 'git.push'],
    ['an array', 'azureDevOps.git.push', [REPOSITORY]],
    ['no resource', 'azureDevOps.git.push', envelope('git.push', null)],
    ['a resource that is a list', 'azureDevOps.git.push', envelope('git.push', [REPOSITORY])],
    ['no repository', 'azureDevOps.git.push', envelope('git.push', { refUpdates: [] })],
    ['a repository without an id', 'azureDevOps.git.repo.created', envelope('git.repo.created', { repository: { ...REPOSITORY, id: 42 } })],
    ['a repository without a project', 'azureDevOps.git.repo.renamed', envelope('git.repo.renamed', { repository: { id: 'R-1' } })],
    ['a deletion with a repository only', 'azureDevOps.git.repo.deleted', envelope('git.repo.deleted', { repository: REPOSITORY })],
    ['a deletion without a project', 'azureDevOps.git.repo.deleted', envelope('git.repo.deleted', { repositoryId: 'R-1' })],
    ['a push URL that does not decode', 'azureDevOps.git.push', { ...envelope('git.push', { url: `${ORG}/_apis/git/repositories/%E0%A4%A/pushes/1` }), resourceContainers: { project: { id: 'P-1' } } }],
  ])('ignores %s, saying why', (_, topic, payload) => {
    const result = repositoryEventFromServiceHook(topic, payload);
    expect(result).toEqual({ ignored: expect.stringContaining(topic) });
  });
});
