/**
 * End to end: the simulator, the real azure-devops-node-api client, this module and the real
 * catalog plugin on SQLite (and PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
 * is set), asserted through the catalog's REST API. The simulator answers as Azure DevOps Services
 * (areas found through `ResourceAreas`) on every database, and once more, on SQLite, as Azure
 * DevOps Server (no areas: everything on the configured URL).
 */
import { TestDatabases, type TestDatabaseId } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization, countRepositories, type Deployment } from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';

const TOKEN = 'e2e-token-abcdef123456';
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'], disableDocker: true });

function profileConfig(simulatorUrl: string) {
  return demoProfileConfig({ apiUrl: `${simulatorUrl}/`, token: TOKEN, maxRetries: 0, requestTimeoutSeconds: 2 });
}

function byRepository(entities: Entity[], project: string, repository: string): Entity {
  const found = entities.find(entity => entity.spec?.project === project && entity.spec?.repository === repository);
  if (!found) throw new Error(`No entity for ${project}/${repository}`);
  return found;
}

function relationsOf(entity: Entity): string[] {
  return (entity.relations ?? []).map(relation => `${relation.type} ${relation.targetRef}`).sort();
}

const RUNS: Array<[TestDatabaseId, Deployment]> = [
  ...databases.eachSupportedId().map(([databaseId]): [TestDatabaseId, Deployment] => [databaseId, 'services']),
  ['SQLITE_3', 'onPremises'],
];

describe.each(RUNS)('the module in a real catalog on %s, against Azure DevOps %s', (databaseId, deployment) => {
  let simulator: AzureDevOpsSimulator;
  let backend: CatalogBackend;
  const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
  const repositoryCount = countRepositories(organization);

  beforeAll(async () => {
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN], deployment });
    backend = await startCatalogBackend({
      knex: await databases.init(databaseId),
      config: profileConfig(simulator.url),
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('lists one Repository per repository with the contract annotations and spec', async () => {
    await backend.sync('demo');
    const entities = await backend.waitForEntities('kind=Repository', found => found.length === repositoryCount);

    for (const entity of entities) {
      const webUrl = entity.metadata.annotations?.['backstage.io/view-url'];
      expect(webUrl).toMatch(new RegExp(`^${simulator.url}/demo/.+/_git/.+`));
      expect(entity.apiVersion).toBe('azure-devops-repositories.dev/v1alpha1');
      expect(entity.metadata.annotations).toMatchObject({
        'backstage.io/managed-by-location': `url:${webUrl}`,
        'backstage.io/managed-by-origin-location': `url:${webUrl}`,
        'backstage.io/source-location': `url:${webUrl}`,
        'dev.azure.com/project-repo': `${entity.spec?.project}/${entity.spec?.repository}`,
        'dev.azure.com/host-org': `${new URL(simulator.url).host}/demo`,
      });
      expect(entity.spec).toMatchObject({
        organization: 'demo',
        project: expect.any(String),
        repository: expect.any(String),
        repositoryId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        empty: expect.any(Boolean),
        disabled: expect.any(Boolean),
        fork: expect.any(Boolean),
        visibility: expect.stringMatching(/^(private|public)$/),
      });
    }
    // Two repositories called `api` in two projects are two entities.
    expect(entities.filter(entity => entity.spec?.repository === 'api')).toHaveLength(2);
    // A listing carries isFork on forks only: the fork is told apart from the listing alone.
    expect(entities.filter(entity => entity.spec?.fork === true).map(entity => entity.spec?.repository)).toEqual(['ios-app-fork']);
  });

  it('attaches application context and links owner, system and declared entities', async () => {
    const entities = await backend.entities('kind=Repository');
    const commerceApi = byRepository(entities, 'Commerce', 'api');
    expect(commerceApi.spec).toMatchObject({
      owner: 'group:default/team-commerce',
      system: 'system:default/commerce',
      applicationContext: { owner: 'team-commerce', application: 'commerce', source: 'Backstage', path: 'catalog-info.yaml' },
    });
    expect(relationsOf(commerceApi)).toEqual([
      'declares component:default/commerce-api',
      'ownedBy group:default/team-commerce',
      'partOf system:default/commerce',
    ]);
    const withoutFile = byRepository(entities, 'Platform', 'infrastructure');
    expect(withoutFile.spec?.applicationContext).toBeUndefined();
    expect(withoutFile.metadata.title).toBe('infrastructure');
  });

  it('follows edits, removals and breakage of a catalog file, and deleted repositories, on the next sync', async () => {
    simulator.setFile('demo', 'Commerce', 'api', 'catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: commerce-api\nspec:\n  owner: group:payments/team-new\n  type: service\n');
    simulator.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', undefined);
    simulator.setFile('demo', 'Mobile Apps', 'ios-app', 'catalog-info.yaml', 'metadata: [not closed');
    simulator.removeRepository('demo', 'Sandbox', 'experiments');
    await backend.sync('demo');

    // The catalog processes each entity on its own, so wait until every change has arrived.
    const entities = await backend.waitForEntities(
      'kind=Repository',
      found =>
        found.length === repositoryCount - 1 &&
        byRepository(found, 'Commerce', 'api').spec?.owner === 'group:payments/team-new' &&
        byRepository(found, 'Platform', 'api').spec?.applicationContext === undefined &&
        byRepository(found, 'Mobile Apps', 'ios-app').spec?.applicationContext === undefined,
    );
    expect(entities.some(entity => entity.spec?.repository === 'experiments')).toBe(false);
    expect(byRepository(entities, 'Commerce', 'api').spec).not.toHaveProperty('system');
    expect(byRepository(entities, 'Platform', 'api').spec).not.toHaveProperty('owner');
    expect(byRepository(entities, 'Mobile Apps', 'ios-app').metadata.title).toBe('ios-app');
  });

  it.each([
    ['a rejected token', () => simulator.setTokens(['rotated-token'])],
    ['a listing that fails with 500', () => simulator.addFault({ route: 'repositories', response: { status: 500 } })],
    ['a connection reset', () => simulator.addFault({ route: 'repositories', response: { type: 'reset' } })],
    ['a listing cut off mid-way', () => simulator.addFault({ route: 'repositories', response: { type: 'truncated' } })],
  ])('keeps every entity after %s', async (_name, breakIt) => {
    const before = await backend.entities('kind=Repository');
    breakIt();
    try {
      await backend.sync('demo');
      // Give the catalog the time it would need to delete something, then compare.
      await new Promise(resolve => setTimeout(resolve, 1500));
      const after = await backend.entities('kind=Repository');
      expect(after.map(entity => entity.metadata.uid).sort()).toEqual(before.map(entity => entity.metadata.uid).sort());
      expect(after.map(entity => entity.spec?.applicationContext)).toEqual(before.map(entity => entity.spec?.applicationContext));
    } finally {
      simulator.clearFaults();
      simulator.setTokens([TOKEN]);
    }
  });

  it('keeps every entity while the apiUrl is unreachable, and recovers when it is back', async () => {
    const before = await backend.entities('kind=Repository');
    const port = Number(new URL(simulator.url).port);
    const state = simulator.organization('demo');
    await simulator.stop();
    try {
      await backend.sync('demo');
      await new Promise(resolve => setTimeout(resolve, 1500));
      const after = await backend.entities('kind=Repository');
      expect(after.map(entity => entity.metadata.uid).sort()).toEqual(before.map(entity => entity.metadata.uid).sort());
    } finally {
      simulator = await AzureDevOpsSimulator.start({ organizations: [state], tokens: [TOKEN], port, deployment });
    }
    simulator.addRepository('demo', 'Sandbox', { name: 'after-outage' });
    await backend.sync('demo');
    await backend.waitForEntities('kind=Repository', found => found.some(entity => entity.spec?.repository === 'after-outage'));
  });
});
