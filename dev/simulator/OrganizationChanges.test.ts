import { createServer } from 'node:net';
import { AzureDevOpsSimulator } from './AzureDevOpsSimulator';
import { collectionIdOf } from './hostIds';
import { DEMO_ORGANIZATION_FIXTURE, loadOrganization } from './loadOrganization';
import { NULL_COMMIT_ID } from './organization';
import type { ServiceHookPayload } from './serviceHooks/ServiceHookPayload';
import { simulatorWithReceiver } from './serviceHooks/simulatorWithReceiver';

const SECRET = 'demo-secret';

type Push = ServiceHookPayload & {
  resource: { refUpdates: Array<{ name: string; oldObjectId: string; newObjectId: string }>; pushId: number };
};

describe('changes through the simulator send service hooks', () => {
  const started = simulatorWithReceiver({
    organizations: () => [loadOrganization(DEMO_ORGANIZATION_FIXTURE)],
    serviceHooks: { secret: SECRET, firstRetryDelayMs: 1 },
  });

  /** In the order of each subscription's notifications: concurrent deliveries may arrive in any order. */
  const received = async () => {
    await started.simulator.serviceHookDeliveries();
    return started.receiver
      .payloads<ServiceHookPayload>()
      .sort((a, b) => a.notificationId - b.notificationId || a.eventType.localeCompare(b.eventType));
  };

  it('posts git.push for a file written on the default branch, with the secret', async () => {
    const before = started.simulator.repository('demo', 'Platform', 'api');
    const oldCommit = before.commitId;
    const after = started.simulator.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', 'kind: Component\n');

    const [push] = (await received()) as Push[];
    expect(started.receiver.received[0].headers['x-ado-webhook-secret']).toBe(SECRET);
    expect(push).toMatchObject({ eventType: 'git.push', publisherId: 'tfs', resourceVersion: '1.0' });
    expect(push.resource.refUpdates).toEqual([{ name: 'refs/heads/main', oldObjectId: oldCommit, newObjectId: after.commitId }]);
    expect(push.resource).toMatchObject({ pushId: 1, repository: { id: after.id, name: 'api', defaultBranch: 'refs/heads/main' } });
    expect(push.resourceContainers.collection.id).toBe(collectionIdOf('demo'));
    expect(started.simulator.deliveredServiceHooks).toEqual([expect.objectContaining({ eventType: 'git.push', status: 202, attempts: 1 })]);
  });

  it('numbers pushes and notifications per repository and subscription, each push following the last', async () => {
    const first = started.simulator.setFile('demo', 'Platform', 'api', 'a.txt', 'a').commitId;
    const second = started.simulator.setFile('demo', 'Platform', 'api', 'a.txt', undefined).commitId;
    const pushes = (await received()) as Push[];
    expect(pushes.map(push => [push.notificationId, push.resource.pushId])).toEqual([[1, 1], [2, 2]]);
    expect(pushes[1].resource.refUpdates[0]).toMatchObject({ oldObjectId: first, newObjectId: second });
  });

  it('posts git.push for another branch, leaving the default branch as it is', async () => {
    const tip = started.simulator.repository('demo', 'Platform', 'api').commitId;
    const created = started.simulator.pushToBranch('demo', 'Platform', 'api', 'feature/owner');
    const moved = started.simulator.pushToBranch('demo', 'Platform', 'api', 'refs/heads/feature/owner');

    const pushes = (await received()) as Push[];
    expect(pushes.map(push => push.resource.refUpdates)).toEqual([
      [{ name: 'refs/heads/feature/owner', oldObjectId: NULL_COMMIT_ID, newObjectId: created.newObjectId }],
      [{ name: 'refs/heads/feature/owner', oldObjectId: created.newObjectId, newObjectId: moved.newObjectId }],
    ]);
    expect(started.simulator.repository('demo', 'Platform', 'api').commitId).toBe(tip);
    expect(() => started.simulator.pushToBranch('demo', 'Platform', 'api', 'main')).toThrow('default branch');
  });

  it('posts git.repo.created, then the first push, for a repository created with files', async () => {
    const created = started.simulator.addRepository('demo', 'Platform', { name: 'billing', files: { 'catalog-info.yaml': 'kind: Component\n' } });
    const payloads = await received();
    expect(payloads.map(payload => payload.eventType).sort()).toEqual(['git.push', 'git.repo.created']);
    const announced = payloads.find(payload => payload.eventType === 'git.repo.created');
    expect(announced?.resource).toMatchObject({ repository: { id: created.id, name: 'billing', isDisabled: false } });
    const push = payloads.find(payload => payload.eventType === 'git.push') as Push;
    expect(push.resource.refUpdates).toEqual([{ name: 'refs/heads/main', oldObjectId: NULL_COMMIT_ID, newObjectId: created.commitId }]);
  });

  it('posts git.repo.created alone for an empty repository', async () => {
    started.simulator.addRepository('demo', 'Platform', { name: 'scratch', empty: true });
    const [created, ...rest] = await received();
    expect(rest).toEqual([]);
    expect(created.eventType).toBe('git.repo.created');
    expect(created.resource.repository).not.toHaveProperty('defaultBranch');
  });

  it('posts git.repo.deleted without a repository object', async () => {
    const { id } = started.simulator.repository('demo', 'Platform', 'api');
    expect(started.simulator.removeRepository('demo', 'Platform', 'api')).toBe(true);
    expect(started.simulator.removeRepository('demo', 'Platform', 'api')).toBe(false);
    const [deleted, ...rest] = await received();
    expect(rest).toEqual([]);
    expect(deleted).toMatchObject({ eventType: 'git.repo.deleted', resource: { repositoryId: id, repositoryName: 'api', isHardDelete: false } });
    expect(deleted.resource).not.toHaveProperty('repository');
  });

  it('posts git.repo.renamed with both names, the id unchanged; no event when the name stays', async () => {
    const { id } = started.simulator.repository('demo', 'Platform', 'api');
    const renamed = started.simulator.renameRepository('demo', 'Platform', 'api', 'public-api');
    started.simulator.renameRepository('demo', 'Platform', 'public-api', 'public-api');
    const [event, ...rest] = await received();
    expect(rest).toEqual([]);
    expect(renamed.id).toBe(id);
    expect(started.simulator.repository('demo', 'Platform', 'public-api').id).toBe(id);
    expect(event).toMatchObject({ eventType: 'git.repo.renamed', resource: { oldName: 'api', newName: 'public-api', repository: { id, name: 'public-api' } } });
  });

  it('posts git.repo.statuschanged when the state changes, and only then', async () => {
    started.simulator.setRepositoryDisabled('demo', 'Platform', 'api', true);
    started.simulator.setRepositoryDisabled('demo', 'Platform', 'api', true);
    started.simulator.setRepositoryDisabled('demo', 'Platform', 'api', false);
    const events = await received();
    expect(events.map(event => [event.eventType, event.resource.disabled])).toEqual([
      ['git.repo.statuschanged', true],
      ['git.repo.statuschanged', false],
    ]);
  });

  it('sends Minimal resources when the subscription asks for them', async () => {
    started.simulator.setServiceHooks({ url: started.receiver.url, resourceDetails: 'minimal' });
    started.simulator.setFile('demo', 'Platform', 'api', 'a.txt', 'a');
    const [push] = await received();
    expect(Object.keys(push.resource).sort()).toEqual(['pushId', 'url']);
    expect(started.receiver.received[0].headers).not.toHaveProperty('x-ado-webhook-secret');
  });

  it('sends nothing once service hooks are unset, and the change still happens', async () => {
    started.simulator.setServiceHooks(undefined);
    const changed = started.simulator.setFile('demo', 'Platform', 'api', 'a.txt', 'a');
    expect(await started.simulator.serviceHookDeliveries()).toEqual([]);
    expect(started.receiver.received).toEqual([]);
    expect(changed.files['a.txt']).toBe('a');
  });

  it('makes the change when the target is down, and records why the delivery failed', async () => {
    const server = createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise(resolve => server.close(resolve));
    started.simulator.setServiceHooks({ url: `http://127.0.0.1:${port}/api/events/http/azureDevOps` });

    const { result, deliveries } = await started.simulator.withServiceHookDeliveries(() =>
      started.simulator.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', 'kind: Component\n'),
    );
    expect(started.simulator.repository('demo', 'Platform', 'api').commitId).toBe(result.commitId);
    expect(deliveries).toEqual([expect.objectContaining({ eventType: 'git.push', error: expect.stringMatching(/ECONNREFUSED/) })]);
  });

  it('builds a payload without sending or changing anything', async () => {
    const tip = started.simulator.repository('demo', 'Platform', 'api').commitId;
    const push = started.simulator.serviceHookPayload('git.push', 'demo', 'Platform', 'api') as Push;
    expect(push.resource.refUpdates).toEqual([{ name: 'refs/heads/main', oldObjectId: NULL_COMMIT_ID, newObjectId: tip }]);

    const written = started.simulator.setFile('demo', 'Platform', 'api', 'a.txt', 'a');
    const again = started.simulator.serviceHookPayload('git.push', 'DEMO', 'platform', 'API') as Push;
    expect(again.resource.refUpdates[0]).toMatchObject({ oldObjectId: tip, newObjectId: written.commitId });
    expect(again.resource.pushId).toBe(1);
    expect(new URL(again.resource.url as string).pathname.split('/')[1]).toBe('demo');

    const renamed = started.simulator.serviceHookPayload('git.repo.renamed', 'demo', 'Platform', 'api', { oldName: 'old-api' });
    expect(renamed.resource).toMatchObject({ oldName: 'old-api', newName: 'api' });
    for (const eventType of ['git.repo.created', 'git.repo.deleted', 'git.repo.statuschanged'] as const) {
      expect(started.simulator.serviceHookPayload(eventType, 'demo', 'Platform', 'api').eventType).toBe(eventType);
    }
    expect(started.simulator.repository('demo', 'Platform', 'api').name).toBe('api');
    expect(await received()).toHaveLength(1);
    expect(() => started.simulator.serviceHookPayload('git.push', 'demo', 'Platform', 'api', { branch: 'nope' })).toThrow('no branch nope');
  });
});

describe('a simulator without service hooks', () => {
  it('sends nothing and changes as before', async () => {
    const simulator = await AzureDevOpsSimulator.start({ organizations: [loadOrganization(DEMO_ORGANIZATION_FIXTURE)] });
    try {
      simulator.setFile('demo', 'Platform', 'api', 'a.txt', 'a');
      simulator.addRepository('demo', 'Platform', { name: 'new' });
      simulator.renameRepository('demo', 'Platform', 'new', 'newer');
      simulator.setRepositoryDisabled('demo', 'Platform', 'newer', true);
      simulator.removeRepository('demo', 'Platform', 'newer');
      expect(await simulator.serviceHookDeliveries()).toEqual([]);
    } finally {
      await simulator.stop();
    }
  });
});
