import { DEMO_ORGANIZATION_FIXTURE, loadOrganization } from './loadOrganization';
import { simulatorWithReceiver } from './serviceHooks/simulatorWithReceiver';

describe('control routes', () => {
  const started = simulatorWithReceiver({
    organizations: () => [loadOrganization(DEMO_ORGANIZATION_FIXTURE)],
    serviceHooks: { secret: 'demo-secret' },
  });

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${started.simulator.url}/_simulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it('reads a file and writes it as a push, answering with the delivery', async () => {
    const read = await call('GET', 'demo/Platform/api/file?path=catalog-info.yaml');
    expect(read.status).toBe(200);
    expect(read.json.content).toContain('owner: team-platform');

    const written = await call('POST', 'demo/Platform/api/file', { path: '/catalog-info.yaml', content: 'kind: Component\n' });
    expect(written.status).toBe(200);
    expect(written.json).toMatchObject({
      repository: { name: 'api', project: 'Platform', commitId: started.simulator.repository('demo', 'Platform', 'api').commitId },
      path: 'catalog-info.yaml',
      deleted: false,
      serviceHooks: [{ eventType: 'git.push', status: 202, attempts: 1 }],
    });
    expect(started.receiver.received[0].headers['x-ado-webhook-secret']).toBe('demo-secret');
    expect(started.simulator.repository('demo', 'Platform', 'api').files['catalog-info.yaml']).toBe('kind: Component\n');
  });

  it('deletes a file with content null', async () => {
    const { json } = await call('POST', 'demo/Platform/api/file', { path: 'README.md', content: null });
    expect(json).toMatchObject({ deleted: true, serviceHooks: [{ eventType: 'git.push' }] });
    expect(started.simulator.repository('demo', 'Platform', 'api').files).not.toHaveProperty('README.md');
  });

  it('pushes to another branch', async () => {
    const { status, json } = await call('POST', 'demo/Platform/api/push', { branch: 'feature/x' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ push: { branch: 'feature/x', pushId: 1 }, serviceHooks: [{ eventType: 'git.push' }] });
  });

  it.each([
    ['disable', 'git.repo.statuschanged', { isDisabled: true }],
    ['rename', 'git.repo.renamed', { name: 'public-api' }],
  ])('%s posts %s', async (action, eventType, expected) => {
    const body = action === 'rename' ? { name: 'public-api' } : undefined;
    const { status, json } = await call('POST', `demo/Platform/api/${action}`, body);
    expect(status).toBe(200);
    expect(json).toMatchObject({ repository: expected, serviceHooks: [{ eventType, status: 202 }] });
  });

  it('enables a disabled repository', async () => {
    const { json } = await call('POST', 'demo/Platform/legacy-monolith/enable');
    expect(json).toMatchObject({ repository: { isDisabled: false }, serviceHooks: [{ eventType: 'git.repo.statuschanged' }] });
  });

  it('creates a repository with files: created, then its first push', async () => {
    const { status, json } = await call('POST', 'demo/Platform/repositories', {
      name: 'billing',
      files: { 'catalog-info.yaml': 'kind: Component\n' },
    });
    expect(status).toBe(201);
    expect(json.repository).toMatchObject({ name: 'billing', defaultBranch: 'main' });
    expect((json.serviceHooks as Array<{ eventType: string }>).map(hook => hook.eventType)).toEqual(['git.repo.created', 'git.push']);
  });

  it('deletes a repository', async () => {
    const { id } = started.simulator.repository('demo', 'Platform', 'api');
    const { status, json } = await call('DELETE', 'demo/Platform/api');
    expect(status).toBe(200);
    expect(json).toMatchObject({ removed: { id, name: 'api' }, serviceHooks: [{ eventType: 'git.repo.deleted' }] });
  });

  it.each([
    ['GET', 'demo/Platform/nope/file?path=a', 404, undefined],
    ['GET', 'demo/Platform/api/file?path=missing.txt', 404, undefined],
    ['DELETE', 'demo/Nowhere/api', 404, undefined],
    ['POST', 'demo/Platform/api/rename', 409, { name: 'infrastructure' }],
    ['POST', 'demo/Platform/repositories', 409, { name: 'api' }],
    ['POST', 'demo/Platform/api/file', 400, { content: 'x' }],
    ['POST', 'demo/Platform/api/push', 400, { branch: 'main' }],
    ['POST', 'demo/Platform/api/explode', 404, {}],
    ['PUT', 'demo/Platform/api/file', 404, {}],
  ])('%s %s answers %d with a message', async (method, path, status, body) => {
    const answer = await call(method, path, body);
    expect(answer.status).toBe(status);
    expect(answer.json.message).toEqual(expect.any(String));
    expect(await started.simulator.serviceHookDeliveries()).toEqual([]);
  });

  it('answers 400 to a body that is no JSON object', async () => {
    const response = await fetch(`${started.simulator.url}/_simulator/demo/Platform/api/rename`, { method: 'POST', body: '[1' });
    expect(response.status).toBe(400);
  });

  it('keeps control requests out of the request log and needs no credentials', async () => {
    await call('POST', 'demo/Platform/api/disable');
    expect(started.simulator.requests).toEqual([]);
  });

  it('answers with no deliveries when no service hooks are set', async () => {
    started.simulator.setServiceHooks(undefined);
    const { json } = await call('POST', 'demo/Platform/api/disable');
    expect(json.serviceHooks).toEqual([]);
  });
});
