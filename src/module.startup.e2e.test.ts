/**
 * Start-up never waits for Azure DevOps: with Backstage's real scheduler, a backend whose only
 * profile points at a host that accepts connections and never answers starts, serves the catalog,
 * and fills it by itself once the host answers again.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization, countRepositories } from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';
import { LoopbackProxy } from './__testUtils__/LoopbackProxy';
import { waitUntil } from './__testUtils__/waitUntil';

const TOKEN = 'startup-token-0123456789';
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

describe('start-up with an organization that does not answer', () => {
  const logs = new LogCapture();
  let repositoryCount = 0;
  let simulator: AzureDevOpsSimulator;
  let proxy: LoopbackProxy;
  let backend: CatalogBackend;
  /** Lines of the provider when start-up completed. */
  let linesAtStart: string[] = [];

  beforeAll(async () => {
    const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
    repositoryCount = countRepositories(organization);
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN] });
    proxy = await LoopbackProxy.start(simulator.url);
    await proxy.setMode('blackhole');
    backend = await startCatalogBackend({
      knex: await databases.init('SQLITE_3'),
      logs,
      // The token check hangs on the silent host like the sync: start-up waits for neither.
      awaitTokenChecks: false,
      scheduler: 'real',
      config: demoProfileConfig({
        apiUrl: proxy.url,
        token: TOKEN,
        requestTimeoutSeconds: 3,
        maxRetries: 0,
        // No initial delay: the first sync starts while the backend starts.
        schedule: { frequency: { seconds: 1 }, timeout: { minutes: 1 } },
      }),
    });
    linesAtStart = logs.ofProvider('demo').map(line => line.message);
  });

  afterAll(async () => {
    await backend?.stop();
    await proxy?.stop();
    await simulator?.stop();
  });

  it('serves the catalog while the first sync hangs, and says why that sync failed', async () => {
    // The first sync is under way and stuck on the silent host, yet the backend has started and answers.
    await waitUntil(() => proxy.openConnections > 0, 'the first sync to reach the host');
    await expect(backend.entities('kind=Repository')).resolves.toEqual([]);
    expect(proxy.openConnections).toBeGreaterThan(0);
    // Start-up did not wait for the first sync: it had not ended (nor logged anything) when the backend was up.
    expect(linesAtStart).toEqual([]);

    // The sync gives up after the request timeout, with one line saying why; the catalog still serves.
    await waitUntil(() => logs.ofProvider('demo').some(line => line.level === 'error'), 'the first sync to fail');
    expect(logs.ofProvider('demo').find(line => line.level === 'error')?.message).toMatch(
      /^Sync of profile Demo \(demo\) failed; the catalog keeps its entities until a sync succeeds: .*: discovering the API locations failed: no answer within 3 s$/,
    );
    await expect(backend.entities('kind=Repository')).resolves.toEqual([]);
  });

  it('fills the catalog by itself once the host answers again, with no restart', async () => {
    await proxy.setMode('forward');
    await backend.waitForEntities('kind=Repository', found => found.length === repositoryCount, 8_000);
    expect(logs.ofProvider('demo').some(line => /^Synced profile Demo/.test(line.message))).toBe(true);
  });
});
