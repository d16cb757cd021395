import { FIXTURE_BASE_URL, FIXTURE_ORGANIZATION, hookFixture } from './hookFixture';
import { repositoryCreatedPayload } from './repositoryCreatedPayload';
import { repositoryDeletedPayload } from './repositoryDeletedPayload';
import { repositoryRenamedPayload } from './repositoryRenamedPayload';
import { repositoryStatusChangedPayload } from './repositoryStatusChangedPayload';
import type { ResourceDetails, ServiceHookPayload } from './ServiceHookPayload';

const AT = new Date('2025-06-01T11:00:00.000Z');
const ORGANIZATION_URL = `${FIXTURE_BASE_URL}/${FIXTURE_ORGANIZATION}`;

/** The four git.repo.* builders over the same repository, renamed from `old name` and disabled. */
function payloads(resourceDetails: ResourceDetails): Record<string, ServiceHookPayload> {
  const { origin, notification, project, repository } = hookFixture(resourceDetails);
  repository.isDisabled = true;
  const change = { project, repository, at: AT };
  return {
    'git.repo.created': repositoryCreatedPayload(origin, notification, change),
    'git.repo.renamed': repositoryRenamedPayload(origin, notification, { ...change, oldName: 'old name' }),
    'git.repo.deleted': repositoryDeletedPayload(origin, notification, { ...change, isHardDelete: false }),
    'git.repo.statuschanged': repositoryStatusChangedPayload(origin, notification, change),
  };
}

describe('git.repo.* payloads', () => {
  const { project, repository } = hookFixture();
  const repositoryJson = {
    id: repository.id,
    name: 'alpha app',
    url: `${ORGANIZATION_URL}/_apis/git/repositories/${repository.id}`,
    project: expect.objectContaining({ id: project.id, name: 'Mobile Apps', url: `${ORGANIZATION_URL}/_apis/projects/${project.id}`, state: 'wellFormed' }),
    defaultBranch: 'refs/heads/main',
    size: repository.size,
    remoteUrl: `${ORGANIZATION_URL}/Mobile%20Apps/_git/alpha%20app`,
    sshUrl: 'git@127.0.0.1:v3/fabrikam/Mobile%20Apps/alpha%20app',
    isDisabled: true,
  };
  const initiatedBy = { displayName: 'Simulated Pusher', id: expect.any(String), uniqueName: 'pusher@simulator.invalid' };

  it.each([
    ['git.repo.created', { repository: repositoryJson, initiatedBy, utcTimestamp: AT.toISOString() }],
    ['git.repo.renamed', { oldName: 'old name', newName: 'alpha app', repository: repositoryJson, initiatedBy, utcTimestamp: AT.toISOString() }],
    [
      'git.repo.deleted',
      {
        project: expect.objectContaining({ id: project.id, name: 'Mobile Apps' }),
        repositoryId: repository.id,
        repositoryName: 'alpha app',
        isHardDelete: false,
        initiatedBy,
        utcTimestamp: AT.toISOString(),
      },
    ],
    ['git.repo.statuschanged', { disabled: true, repository: repositoryJson }],
  ])('%s carries its documented resource, version 1.0-preview.1', (eventType, resource) => {
    const payload = payloads('all')[eventType];
    expect(payload).toMatchObject({ eventType, publisherId: 'tfs', resourceVersion: '1.0-preview.1' });
    expect(payload.resource).toEqual(resource);
  });

  it('git.repo.deleted names no repository object: the repository is gone', () => {
    expect(payloads('all')['git.repo.deleted'].resource).not.toHaveProperty('repository');
  });

  it.each([
    ['git.repo.created', {}],
    ['git.repo.renamed', { oldName: 'old name', newName: 'alpha app' }],
    ['git.repo.deleted', { repositoryId: repository.id, repositoryName: 'alpha app' }],
    ['git.repo.statuschanged', {}],
  ])('%s keeps only top-level ids and names with Minimal details', (eventType, resource) => {
    expect(payloads('minimal')[eventType].resource).toEqual(resource);
  });

  it.each(['git.repo.created', 'git.repo.renamed', 'git.repo.deleted', 'git.repo.statuschanged'])(
    '%s has a message in text, html and markdown',
    eventType => {
      const { message, detailedMessage } = payloads('all')[eventType];
      for (const text of [message, detailedMessage]) {
        expect(Object.keys(text).sort()).toEqual(['html', 'markdown', 'text']);
        expect(text.text).toContain(repository.id);
      }
    },
  );
});
