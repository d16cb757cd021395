/**
 * Service hooks as Azure DevOps delivers them to a web hook subscription, checked on what the
 * simulator actually POSTs. Each behaviour names its source.
 *
 * Sources:
 * - [events] MicrosoftDocs/azure-devops-docs, docs/service-hooks/events.md: the git.push sample
 *   (`publisherId: "tfs"`, resource version 1.0, `resourceContainers` of ids, the push's fields,
 *   the repository's `url` without project).
 * - [samples] Microsoft's samples of git.repo.created, git.repo.renamed and git.repo.deleted, as the
 *   subscription's Test button sends them, reproduced in mia-platform/integration-connector-agent,
 *   docs/sources/45_azure_devops.md (resource version 1.0-preview.1, `initiatedBy`,
 *   `utcTimestamp`, no repository in git.repo.deleted, `isHardDelete: false` and "Repository can
 *   be restored: true").
 * - [recorded] A git.push delivered by Azure DevOps Services in 2023, kept in argoproj/argo-cd,
 *   util/webhook/testdata/azuredevops-git-push-event.json: repository `url` by id without project,
 *   `remoteUrl` without user name, project `visibility: "unchanged"` and zero `lastUpdateTime`,
 *   `notificationId` and `pushId` integers, push `url` ending `/pushes/{pushId}`, `_links` to the
 *   repository with the project id. Two more recorded deliveries in public test files (2015, 2023)
 *   agree; the 2015 one pushes a new branch with an all-zero `oldObjectId`.
 * - [argo-cd] argoproj/argo-cd PR #27421: "Azure DevOps push webhook payloads do not include
 *   file-level change information"; issue #9824: a Test delivery's only header of note is
 *   `Content-Type: application/json; charset=utf-8`.
 * - [schemas] mburumaxwell/paklo, packages/core/src/azure/events.ts: zod schemas of the git.*
 *   events (git.repo.statuschanged is `disabled` and `repository`; git.repo.deleted is `project`,
 *   `repositoryId`, `repositoryName`, `isHardDelete`), and its subscriptions made per project
 *   because "the git.repo.* events do not support global subscriptions".
 * - [webhooks] docs/service-hooks/services/webhooks.md: Minimal "sends only key fields like URL
 *   and ID"; custom HTTP headers are the only secret a subscription can carry (nothing is signed).
 * - [troubleshoot] docs/service-hooks/troubleshoot.md: 408, 502, 503 and 504 are retried.
 *
 * Left out on purpose: deliveries since 2023 also carry `baseUrl` in each resource container and
 * `_links`/`descriptor` in `pushedBy`; the documented samples do not, so the simulator sends the
 * documented shape and a client cannot come to depend on either.
 */
import { createProject, createRepository, NULL_COMMIT_ID, type SimulatedOrganization } from '../organization';
import type { ServiceHookPayload } from '../serviceHooks/ServiceHookPayload';
import { simulatorWithReceiver } from '../serviceHooks/simulatorWithReceiver';

const ORGANIZATION = 'fidelity';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OBJECT_ID = /^[0-9a-f]{40}$/;

function organization(): SimulatedOrganization {
  const project = createProject(ORGANIZATION, { name: 'Mobile Apps' });
  project.repositories = [
    createRepository(ORGANIZATION, project.name, { name: 'alpha app', files: { 'catalog-info.yaml': 'kind: Component\n' } }),
  ];
  const other = createProject(ORGANIZATION, { name: 'Web' });
  other.repositories = [createRepository(ORGANIZATION, other.name, { name: 'site', files: { 'README.md': '# site\n' } })];
  return { name: ORGANIZATION, projects: [project, other] };
}

const started = simulatorWithReceiver({
  organizations: () => [organization()],
  serviceHooks: { secret: 'fidelity-secret', firstRetryDelayMs: 1 },
});

/** What reached the receiver, in each subscription's order. */
async function delivered(change: () => unknown): Promise<ServiceHookPayload[]> {
  await started.simulator.withServiceHookDeliveries(change);
  return started.receiver.payloads<ServiceHookPayload>().sort((a, b) => a.notificationId - b.notificationId);
}

async function onePayload(change: () => unknown): Promise<ServiceHookPayload> {
  const payloads = await delivered(change);
  expect(payloads).toHaveLength(1);
  return payloads[0];
}

/** The fields of a git.push resource these tests read. */
interface PushResource {
  commits: Array<Record<string, unknown>>;
  refUpdates: Array<Record<string, unknown>>;
  repository: { defaultBranch?: string; url: string; remoteUrl: string; project: unknown };
  pushedBy: Record<string, unknown>;
  pushId: number;
  date: string;
  url: string;
  _links: { repository: { href: string } };
}

function pushResource(payload: ServiceHookPayload): PushResource {
  return payload.resource as unknown as PushResource;
}

const organizationUrl = () => started.simulator.organizationUrl(ORGANIZATION);
const alpha = () => started.simulator.repository(ORGANIZATION, 'Mobile Apps', 'alpha app');
const mobileApps = () => started.simulator.organization(ORGANIZATION).projects[0];

describe('the envelope', () => {
  it('carries the fields of every service hook, publisher tfs, containers by GUID only [events, samples, recorded]', async () => {
    const payload = await onePayload(() => started.simulator.setRepositoryDisabled(ORGANIZATION, 'Mobile Apps', 'alpha app', true));
    expect(Object.keys(payload)).toEqual([
      'subscriptionId',
      'notificationId',
      'id',
      'eventType',
      'publisherId',
      'message',
      'detailedMessage',
      'resource',
      'resourceVersion',
      'resourceContainers',
      'createdDate',
    ]);
    expect(payload.subscriptionId).toMatch(GUID);
    expect(payload.id).toMatch(GUID);
    expect(Number.isInteger(payload.notificationId)).toBe(true);
    expect(payload.publisherId).toBe('tfs');
    for (const message of [payload.message, payload.detailedMessage]) expect(Object.keys(message).sort()).toEqual(['html', 'markdown', 'text']);
    expect(Object.keys(payload.resourceContainers)).toEqual(['collection', 'account', 'project']);
    for (const container of Object.values(payload.resourceContainers)) {
      expect(Object.keys(container)).toEqual(['id']);
      expect(container.id).toMatch(GUID);
    }
    expect(payload.resourceContainers.project.id).toBe(mobileApps().id);
    expect(new Date(payload.createdDate).toISOString()).toBe(payload.createdDate);
  });

  it('comes as JSON with the subscription\'s custom header and no signature [argo-cd, webhooks]', async () => {
    await delivered(() => started.simulator.setFile(ORGANIZATION, 'Mobile Apps', 'alpha app', 'a.txt', 'a'));
    const [{ headers }] = started.receiver.received;
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(headers['x-ado-webhook-secret']).toBe('fidelity-secret');
    expect(Object.keys(headers).filter(name => /signature/i.test(name))).toEqual([]);
  });

  it('comes from one subscription per project and event type, each counting its own notifications [schemas, recorded]', async () => {
    const payloads = await delivered(() => {
      started.simulator.setFile(ORGANIZATION, 'Mobile Apps', 'alpha app', 'a.txt', 'a');
      started.simulator.setFile(ORGANIZATION, 'Mobile Apps', 'alpha app', 'a.txt', 'b');
      started.simulator.setFile(ORGANIZATION, 'Web', 'site', 'a.txt', 'a');
      started.simulator.setRepositoryDisabled(ORGANIZATION, 'Mobile Apps', 'alpha app', true);
    });
    const byProjectAndEvent = new Map<string, ServiceHookPayload[]>();
    for (const payload of payloads) {
      const key = `${payload.resourceContainers.project.id} ${payload.eventType}`;
      byProjectAndEvent.set(key, [...(byProjectAndEvent.get(key) ?? []), payload]);
    }
    const subscriptions = [...byProjectAndEvent.values()].map(group => ({
      ids: new Set(group.map(payload => payload.subscriptionId)).size,
      notifications: group.map(payload => payload.notificationId),
    }));
    expect(subscriptions.sort((a, b) => b.notifications.length - a.notifications.length)).toEqual([
      { ids: 1, notifications: [1, 2] },
      { ids: 1, notifications: [1] },
      { ids: 1, notifications: [1] },
    ]);
    expect(new Set(payloads.map(payload => payload.subscriptionId)).size).toBe(3);
  });
});

describe('git.push', () => {
  it('is resource version 1.0 with commits, ref updates, repository, pusher, push id, date and URL [events, recorded]', async () => {
    const oldObjectId = alpha().commitId;
    const payload = await onePayload(() => started.simulator.setFile(ORGANIZATION, 'Mobile Apps', 'alpha app', 'catalog-info.yaml', 'kind: API\n'));
    expect(payload).toMatchObject({ eventType: 'git.push', resourceVersion: '1.0' });
    const resource = pushResource(payload);
    expect(resource.refUpdates).toEqual([{ name: 'refs/heads/main', oldObjectId, newObjectId: alpha().commitId }]);
    expect(resource.commits).toHaveLength(1);
    expect(resource.commits[0]).toMatchObject({
      commitId: alpha().commitId,
      author: { name: expect.any(String), email: expect.any(String), date: expect.any(String) },
      committer: { name: expect.any(String), email: expect.any(String), date: expect.any(String) },
      comment: expect.any(String),
    });
    expect(resource.pushedBy).toMatchObject({ id: expect.stringMatching(GUID), displayName: expect.any(String), uniqueName: expect.any(String) });
    expect(Number.isInteger(resource.pushId)).toBe(true);
    expect(resource.url).toBe(`${organizationUrl()}/_apis/git/repositories/${alpha().id}/pushes/${resource.pushId}`);
    expect(new Date(resource.date).toISOString()).toBe(resource.date);
    expect(resource._links.repository.href).toBe(`${organizationUrl()}/${mobileApps().id}/_apis/git/repositories/${alpha().id}`);
  });

  it('never says which files a push changed [argo-cd]', async () => {
    const payload = await onePayload(() => started.simulator.setFile(ORGANIZATION, 'Mobile Apps', 'alpha app', 'catalog-info.yaml', 'kind: API\n'));
    expect(JSON.stringify(payload.resource)).not.toMatch(/"changes"|"changeCounts"|"path"|catalog-info\.yaml/);
  });

  it('names a new branch by an all-zero old object id [recorded]', async () => {
    const payload = await onePayload(() => started.simulator.pushToBranch(ORGANIZATION, 'Mobile Apps', 'alpha app', 'feature/x'));
    expect(pushResource(payload).refUpdates).toEqual([
      { name: 'refs/heads/feature/x', oldObjectId: NULL_COMMIT_ID, newObjectId: expect.stringMatching(OBJECT_ID) },
    ]);
    expect(pushResource(payload).repository.defaultBranch).toBe('refs/heads/main');
  });

  it('writes the repository as push hooks do, unlike the REST listing [recorded, events]', async () => {
    const payload = await onePayload(() => started.simulator.setFile(ORGANIZATION, 'Mobile Apps', 'alpha app', 'a.txt', 'a'));
    const { repository } = pushResource(payload);
    expect(Object.keys(repository)).toEqual(['id', 'name', 'url', 'project', 'defaultBranch', 'remoteUrl']);
    expect(repository.url).toBe(`${organizationUrl()}/_apis/git/repositories/${alpha().id}`);
    expect(repository.project).toEqual({
      id: mobileApps().id,
      name: 'Mobile Apps',
      url: `${organizationUrl()}/_apis/projects/${mobileApps().id}`,
      state: 'wellFormed',
      visibility: 'unchanged',
      lastUpdateTime: '0001-01-01T00:00:00',
    });
    expect(new URL(repository.remoteUrl).username).toBe('');
    expect(repository.remoteUrl).toBe(`${organizationUrl()}/Mobile%20Apps/_git/alpha%20app`);

    const listing = await fetch(`${organizationUrl()}/_apis/git/repositories?api-version=7.1`, {
      headers: { authorization: `Basic ${Buffer.from('PAT:sim-token').toString('base64')}` },
    });
    const rest = ((await listing.json()) as { value: Array<{ id: string; url: string; remoteUrl: string }> }).value.find(entry => entry.id === alpha().id);
    expect(rest?.url).toBe(`${organizationUrl()}/${mobileApps().id}/_apis/git/repositories/${alpha().id}`);
    expect(new URL(rest?.remoteUrl ?? '').username).toBe(ORGANIZATION);
  });
});

describe('git.repo.*', () => {
  const repositoryKeys = ['id', 'name', 'url', 'project', 'defaultBranch', 'size', 'remoteUrl', 'sshUrl', 'isDisabled'];

  it('git.repo.created: the repository in full, who created it and when, version 1.0-preview.1 [samples]', async () => {
    const payloads = await delivered(() => started.simulator.addRepository(ORGANIZATION, 'Mobile Apps', { name: 'beta', empty: true }));
    const [payload] = payloads;
    expect(payload).toMatchObject({ eventType: 'git.repo.created', resourceVersion: '1.0-preview.1' });
    expect(Object.keys(payload.resource)).toEqual(['repository', 'initiatedBy', 'utcTimestamp']);
    expect(Object.keys(payload.resource.repository as object)).toEqual(repositoryKeys.filter(key => key !== 'defaultBranch'));
    expect(Object.keys((payload.resource.repository as { project: object }).project)).toEqual(
      expect.arrayContaining(['id', 'name', 'url', 'state', 'revision', 'visibility', 'lastUpdateTime']),
    );
    expect(Object.keys(payload.resource.initiatedBy as object)).toEqual(['displayName', 'id', 'uniqueName']);
  });

  it('git.repo.renamed: both names beside the renamed repository, its id unchanged [samples, schemas]', async () => {
    const { id } = alpha();
    const payload = await onePayload(() => started.simulator.renameRepository(ORGANIZATION, 'Mobile Apps', 'alpha app', 'alpha'));
    expect(payload).toMatchObject({ eventType: 'git.repo.renamed', resourceVersion: '1.0-preview.1' });
    expect(Object.keys(payload.resource)).toEqual(['oldName', 'newName', 'repository', 'initiatedBy', 'utcTimestamp']);
    expect(payload.resource).toMatchObject({ oldName: 'alpha app', newName: 'alpha', repository: { id, name: 'alpha' } });
    expect(Object.keys(payload.resource.repository as object)).toEqual(repositoryKeys);
  });

  it('git.repo.deleted: no repository object, a soft delete [samples, schemas]', async () => {
    const { id } = alpha();
    const payload = await onePayload(() => started.simulator.removeRepository(ORGANIZATION, 'Mobile Apps', 'alpha app'));
    expect(payload).toMatchObject({ eventType: 'git.repo.deleted', resourceVersion: '1.0-preview.1' });
    expect(Object.keys(payload.resource)).toEqual(['project', 'repositoryId', 'repositoryName', 'isHardDelete', 'initiatedBy', 'utcTimestamp']);
    expect(payload.resource).toMatchObject({ project: { id: mobileApps().id, name: 'Mobile Apps' }, repositoryId: id, repositoryName: 'alpha app', isHardDelete: false });
    expect(payload.detailedMessage.text).toContain('Repository can be restored: true');
  });

  it('git.repo.statuschanged: whether disabled now, and the repository [schemas]', async () => {
    const payload = await onePayload(() => started.simulator.setRepositoryDisabled(ORGANIZATION, 'Mobile Apps', 'alpha app', true));
    expect(payload).toMatchObject({ eventType: 'git.repo.statuschanged', resourceVersion: '1.0-preview.1' });
    expect(Object.keys(payload.resource)).toEqual(['disabled', 'repository']);
    expect(payload.resource).toMatchObject({ disabled: true, repository: { id: alpha().id, isDisabled: true } });
  });
});

describe('resource details and delivery', () => {
  it('Minimal sends only key fields: no repository, ref updates or commits [webhooks]', async () => {
    started.simulator.setServiceHooks({ url: started.receiver.url, resourceDetails: 'minimal' });
    const payloads = await delivered(() => {
      started.simulator.setFile(ORGANIZATION, 'Mobile Apps', 'alpha app', 'a.txt', 'a');
      started.simulator.removeRepository(ORGANIZATION, 'Web', 'site');
    });
    for (const payload of payloads) {
      for (const [key, value] of Object.entries(payload.resource)) {
        expect(key).toMatch(/^(id|url|name)$|(Id|Name)$/);
        expect(['string', 'number']).toContain(typeof value);
      }
      expect(payload.resourceContainers.project.id).toMatch(GUID);
    }
  });

  it('retries a 503 and not a 403 [troubleshoot]', async () => {
    started.receiver.answerWith([503]);
    const retried = await started.simulator.withServiceHookDeliveries(() => started.simulator.setFile(ORGANIZATION, 'Mobile Apps', 'alpha app', 'a.txt', 'a'));
    expect(retried.deliveries).toEqual([expect.objectContaining({ status: 202, attempts: 2 })]);
    started.receiver.answerWith([403]);
    const refused = await started.simulator.withServiceHookDeliveries(() => started.simulator.setFile(ORGANIZATION, 'Mobile Apps', 'alpha app', 'a.txt', 'b'));
    expect(refused.deliveries).toEqual([expect.objectContaining({ status: 403, attempts: 1 })]);
  });
});
