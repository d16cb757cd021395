/**
 * Service hooks with two replicas on one PostgreSQL database: the replica that receives an event
 * applies it to the shared catalog and writes the shared sync state, so the other replica serves
 * the change and its next sync starts from it.
 *
 * Runs only when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set (`dev/postgres.sh start`).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, countRepositories, loadOrganization } from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';
import { serviceHookFeatures, serviceHookIngressUrl, serviceHooksConfig } from './__testUtils__/serviceHooksBackend';

const CONNECTION_STRING = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const TOKEN = 'hooks-replicas-token-0123456789';
const SECRET = 'hooks-replicas-secret';
const databases = TestDatabases.create({ ids: ['POSTGRES_15'], disableDocker: true });

function ownerOf(entities: Entity[], project: string, repository: string): unknown {
  const found = entities.find(entity => entity.spec?.project === project && entity.spec?.repository === repository);
  return (found?.spec?.applicationContext as { owner?: unknown } | undefined)?.owner;
}

(CONNECTION_STRING ? describe : describe.skip)('service hooks with two replicas on one PostgreSQL database', () => {
  const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
  const logsOfB = new LogCapture();
  let simulator: AzureDevOpsSimulator;
  let replicaA: CatalogBackend;
  let replicaB: CatalogBackend;

  beforeAll(async () => {
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN] });
    // A database per plugin, as a production backend has, shared by every replica.
    const knexByPlugin = { catalog: await databases.init('POSTGRES_15'), events: await databases.init('POSTGRES_15') };
    const start = (logs?: LogCapture) =>
      startCatalogBackend({
        knexByPlugin,
        config: { ...demoProfileConfig({ apiUrl: simulator.url, token: TOKEN, maxRetries: 0 }), ...serviceHooksConfig(SECRET) },
        features: serviceHookFeatures(),
        logs,
      });
    replicaA = await start();
    replicaB = await start(logsOfB);
  });

  afterAll(async () => {
    await replicaA?.stop();
    await replicaB?.stop();
    await simulator.stop();
  });

  it('an event received by replica A reaches replica B through the shared catalog and state', async () => {
    await replicaA.sync('demo');
    await replicaB.waitForEntities('kind=Repository', found => found.length === countRepositories(organization));

    simulator.setServiceHooks({ url: serviceHookIngressUrl(replicaA), secret: SECRET });
    const { deliveries } = await simulator.withServiceHookDeliveries(() =>
      simulator.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata: { name: platform-api }',
        'spec: { type: service, lifecycle: production, owner: team-from-replica-a }',
        '',
      ].join('\n')),
    );
    expect(deliveries.map(delivery => delivery.status)).toEqual([202]);
    await replicaB.waitForEntities('kind=Repository', found => ownerOf(found, 'Platform', 'api') === 'team-from-replica-a');

    // B reads the pushed file again (it is in its activity window) and finds what A's event stored.
    const before = logsOfB.lines.length;
    await replicaB.sync('demo');
    const synced = logsOfB.ofProvider('demo', before).filter(line => line.message.startsWith('Synced profile'));
    // One row: the pushed repository's, whose commits B read again (their readAt); no file changed.
    expect(synced.map(line => line.message)).toEqual([expect.stringMatching(/, 10 files unchanged, .*, 1 state rows written, 0 deleted,/)]);
    expect(ownerOf(await replicaB.entities('kind=Repository'), 'Platform', 'api')).toBe('team-from-replica-a');
  });
});
