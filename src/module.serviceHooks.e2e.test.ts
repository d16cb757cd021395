/**
 * Live updates through the real events plumbing: the simulator posts real-shaped service hooks to
 * the events backend's ingress (`POST /api/events/http/azureDevOps`), the Azure events module checks
 * the secret and routes them by `eventType`, and the module applies each to one repository of the
 * real catalog, without listing the organization.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import {
  AzureDevOpsSimulator,
  DEMO_ORGANIZATION_FIXTURE,
  countRepositories,
  loadOrganization,
  type RecordedRequest,
} from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';
import { postServiceHook, serviceHookFeatures, serviceHookIngressUrl, serviceHooksConfig } from './__testUtils__/serviceHooksBackend';
import { waitUntil } from './__testUtils__/waitUntil';
import { REPOSITORIES_TABLE } from './state/SyncStateStore';

const TOKEN = 'e2e-hooks-token-0123456789';
const SECRET = 'e2e-webhook-secret';
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

function catalogFile(name: string, owner: string): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  type: service',
    '  lifecycle: production',
    `  owner: ${owner}`,
    '',
  ].join('\n');
}

/** The stored outcome of every repository's file and the refs emitted for it. */
async function storedFiles(knex: Knex): Promise<unknown[]> {
  return knex(REPOSITORIES_TABLE).where({ profile_id: 'demo' }).orderBy('repository_id').select('repository_id', 'branch', 'file_id', 'outcome', 'entity_refs');
}

function findRepository(entities: Entity[], project: string, repository: string): Entity | undefined {
  return entities.find(entity => entity.spec?.project === project && entity.spec?.repository === repository);
}

function ownerOf(entity: Entity | undefined): unknown {
  return (entity?.spec?.applicationContext as { owner?: unknown } | undefined)?.owner;
}

/** An organization-wide listing, or the project list: what no event may cost. */
function isListing(request: RecordedRequest): boolean {
  return request.route === 'projects' || (request.route === 'repositories' && !request.project);
}

describe('service hooks through the events backend and its Azure module', () => {
  const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
  const logs = new LogCapture();
  let simulator: AzureDevOpsSimulator;
  let knex: Knex;
  let backend: CatalogBackend;
  let ingressUrl: string;
  /** Every request the module made for the service hooks of this suite. */
  const eventRequests: RecordedRequest[] = [];

  beforeAll(async () => {
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN] });
    knex = await databases.init('SQLITE_3');
    backend = await startCatalogBackend({
      knex,
      config: { ...demoProfileConfig({ apiUrl: simulator.url, token: TOKEN, maxRetries: 0 }), ...serviceHooksConfig(SECRET) },
      features: serviceHookFeatures(),
      logs,
    });
    ingressUrl = serviceHookIngressUrl(backend);
    simulator.setServiceHooks({ url: ingressUrl, secret: SECRET });
    await backend.sync('demo');
    await backend.waitForEntities('kind=Repository', found => found.length === countRepositories(organization));
  });

  afterAll(async () => {
    await backend.stop();
    await simulator.stop();
  });

  /** Lines of the summary each applied batch logs. */
  const appliedBatches = () => logs.ofProvider('demo').filter(line => line.message.startsWith('Applied ')).length;

  /**
   * Runs a change that sends service hooks, waits until they were accepted and the module applied
   * them, and returns the requests the module made meanwhile.
   */
  async function afterHooks(change: () => unknown, batches = 1): Promise<RecordedRequest[]> {
    const before = appliedBatches();
    simulator.resetRequests();
    const { deliveries } = await simulator.withServiceHookDeliveries(change);
    expect(deliveries.map(delivery => delivery.status)).toEqual(deliveries.map(() => 202));
    await waitUntil(() => appliedBatches() >= before + batches, 'the module to apply the service hooks');
    eventRequests.push(...simulator.requests);
    return [...simulator.requests];
  }

  const post = (payload: unknown, secret = SECRET): Promise<number> => postServiceHook(ingressUrl, payload, secret);

  it('updates the context of a repository pushed to, in three requests and without a listing', async () => {
    const requests = await afterHooks(() =>
      simulator.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', catalogFile('platform-api', 'team-pushed')),
    );
    const entities = await backend.waitForEntities('kind=Repository', found => ownerOf(findRepository(found, 'Platform', 'api')) === 'team-pushed');
    expect(ownerOf(findRepository(entities, 'Platform', 'api'))).toBe('team-pushed');
    // The repository, its catalog file, and its commits (freshness and contributors).
    expect(requests.map(request => request.route)).toEqual(['repository', 'items', 'commits']);
    // In the shared state, where every replica's next sync or event starts from.
    const id = simulator.repository('demo', 'Platform', 'api').id;
    const [row] = await knex(REPOSITORIES_TABLE).where({ profile_id: 'demo', repository_id: id });
    expect(String(row.outcome)).toContain('team-pushed');
  });

  it('applies a push sent with "Resource details to send: Minimal": no repository, no refUpdates', async () => {
    simulator.setServiceHooks({ url: ingressUrl, secret: SECRET, resourceDetails: 'minimal' });
    try {
      const requests = await afterHooks(() =>
        simulator.setFile('demo', 'Commerce', 'api', 'catalog-info.yaml', catalogFile('commerce-api', 'team-minimal')),
      );
      await backend.waitForEntities('kind=Repository', found => ownerOf(findRepository(found, 'Commerce', 'api')) === 'team-minimal');
      expect(requests.map(request => request.route)).toEqual(['repository', 'items', 'commits']);
    } finally {
      simulator.setServiceHooks({ url: ingressUrl, secret: SECRET });
    }
  });

  it('ignores a push to another branch, without a request', async () => {
    const requests = await afterHooks(() => simulator.pushToBranch('demo', 'Platform', 'api', 'feature/x'));
    expect(requests).toEqual([]);
    expect(logs.ofProvider('demo').some(line => line.level === 'debug' && line.message.includes('not to the default branch'))).toBe(true);
  });

  it('adds a created repository', async () => {
    const requests = await afterHooks(() =>
      simulator.addRepository('demo', 'Commerce', { name: 'payments', files: { 'catalog-info.yaml': catalogFile('payments', 'team-created') } }),
    );
    const entities = await backend.waitForEntities('kind=Repository', found => ownerOf(findRepository(found, 'Commerce', 'payments')) === 'team-created');
    expect(findRepository(entities, 'Commerce', 'payments')).toBeDefined();
    expect(requests.filter(isListing)).toEqual([]);
  });

  it('moves a renamed repository to its new name', async () => {
    const context = findRepository(await backend.entities('kind=Repository'), 'Commerce', 'checkout-web')?.spec?.applicationContext;
    expect(context).toBeDefined();
    const requests = await afterHooks(() => simulator.renameRepository('demo', 'Commerce', 'checkout-web', 'storefront'));
    const entities = await backend.waitForEntities(
      'kind=Repository',
      found => !!findRepository(found, 'Commerce', 'storefront') && !findRepository(found, 'Commerce', 'checkout-web'),
    );
    // The file did not change with the name: its known context stands, without reading it again.
    expect(findRepository(entities, 'Commerce', 'storefront')?.spec?.applicationContext).toEqual(context);
    expect(requests.map(request => request.route)).toEqual(['repository']);
  });

  it('flips spec.disabled of a repository disabled, and back', async () => {
    const disabling = await afterHooks(() => simulator.setRepositoryDisabled('demo', 'Sandbox', 'experiments', true));
    await backend.waitForEntities('kind=Repository', found => findRepository(found, 'Sandbox', 'experiments')?.spec?.disabled === true);
    // Its own GET answers as for a missing repository: the project's listing tells it is disabled.
    expect(disabling.map(request => request.route)).toEqual(['repository', 'repositories']);
    expect(disabling[1].project).toBe(organization.projects.find(project => project.name === 'Sandbox')?.id);

    await afterHooks(() => simulator.setRepositoryDisabled('demo', 'Sandbox', 'experiments', false));
    await backend.waitForEntities('kind=Repository', found => findRepository(found, 'Sandbox', 'experiments')?.spec?.disabled === false);
  });

  it('removes a deleted repository without a request', async () => {
    const requests = await afterHooks(() => simulator.removeRepository('demo', 'Platform', 'infrastructure'));
    await backend.waitForEntities('kind=Repository', found => !findRepository(found, 'Platform', 'infrastructure'));
    expect(requests).toEqual([]);
  });

  it('changes nothing for a wrong secret, another organization or a malformed payload', async () => {
    const push = simulator.serviceHookPayload('git.push', 'demo', 'Platform', 'api');
    expect(await post(push, 'wrong-secret')).toBe(403);

    // The same push, as organization fabrikam on the same host would send it.
    const otherOrganization = JSON.parse(JSON.stringify(push).split(`${simulator.url}/demo/`).join(`${simulator.url}/fabrikam/`));
    const malformed: unknown[] = [
      { eventType: 'git.push' },
      { eventType: 'git.push', resource: 'refs/heads/main' },
      { eventType: 'git.repo.deleted', resource: { repositoryId: 42 } },
      { eventType: 'git.repo.created', resource: { repository: { id: [], project: null } } },
      [1, 2, 3],
    ];
    const before = logs.lines.length;
    simulator.resetRequests();
    for (const payload of [otherOrganization, ...malformed]) expect(await post(payload)).toBe(202);

    const lines = logs.ofProvider('demo', before);
    expect(simulator.requests).toEqual([]);
    expect(lines.filter(line => line.level !== 'debug')).toEqual([]);
    expect(lines.filter(line => line.message.includes('ignored a service hook'))).toHaveLength(5);
    expect(logs.lines.filter(line => line.message.includes('failed to process event'))).toEqual([]);
  });

  it('leaves nothing for the next scheduled sync to repair', async () => {
    const summary = (entities: Entity[]) =>
      entities.map(entity => `${entity.metadata.name} ${JSON.stringify(entity.spec)}`).sort();
    const afterEvents = summary(await backend.entities('kind=Repository'));
    const before = await storedFiles(knex);
    await backend.sync('demo');
    // The sync reads what was pushed again and finds the files the events stored (only when the
    // commits were read changes, with their readAt).
    expect(await storedFiles(knex)).toEqual(before);
    expect(summary(await backend.entities('kind=Repository'))).toEqual(afterEvents);
  });

  it('never lists the organization for any event, and keeps the token out of the logs', () => {
    expect(eventRequests.length).toBeGreaterThan(0);
    expect(eventRequests.filter(isListing)).toEqual([]);
    expect(logs.text()).not.toContain(TOKEN);
  });
});
