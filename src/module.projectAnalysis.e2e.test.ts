/**
 * Incremental sync against project analysis as the service enforces it: the simulator refuses
 * `$top` above 100 and a `fromDate` outside the last 30 days, and lists repositories without
 * pushes with zero counts. Against the real catalog on SQLite, the real client and the simulator
 * over loopback.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization } from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';

const TOKEN = 'analysis-e2e-token-0123456789';
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

describe('incremental sync with project analysis as the service enforces it', () => {
  const logs = new LogCapture();
  let simulator: AzureDevOpsSimulator;
  let backend: CatalogBackend;
  let readableRepositories: number;

  beforeAll(async () => {
    const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
    readableRepositories = organization.projects
      .flatMap(project => project.repositories)
      .filter(repository => repository.defaultBranch !== undefined && !repository.isDisabled).length;
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN] });
    backend = await startCatalogBackend({
      knex: await databases.init('SQLITE_3'),
      logs,
      config: demoProfileConfig({ apiUrl: `${simulator.url}/`, token: TOKEN, maxRetries: 0, requestTimeoutSeconds: 5 }),
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  /** Syncs once; what it asked for, and the provider's warn and info lines about project analysis. */
  async function sync(): Promise<{ fileReads: number; activity: Array<{ status: number; top?: string }>; analysisLines: string[] }> {
    simulator.resetRequests();
    const since = logs.lines.length;
    await backend.sync('demo');
    return {
      fileReads: simulator.countRequests('items'),
      activity: simulator.requests.filter(request => request.route === 'activityMetrics').map(request => ({ status: request.status, top: request.query.$top })),
      analysisLines: logs
        .ofProvider('demo', since)
        .filter(line => /project analysis/.test(line.message))
        .map(line => `${line.level} ${line.message}`),
    };
  }

  it('reads no file on a warm sync: pages of 100, and repositories listed with zero changes are unchanged', async () => {
    expect((await sync()).fileReads).toBe(readableRepositories);

    const warm = await sync();
    expect(warm.activity.length).toBeGreaterThan(0);
    expect(warm.activity.every(request => request.status === 200 && request.top === '100')).toBe(true);
    expect(warm.fileReads).toBe(0);
    expect(warm.analysisLines).toEqual([]);
  });

  it('reads every file once project analysis refuses the question (400), says so once, and does not ask again meanwhile', async () => {
    simulator.addFault({
      route: 'activityMetrics',
      response: { type: 'error', status: 400, typeKey: 'ArgumentOutOfRangeException', message: 'Specified argument was out of the range of valid values.\r\nParameter name: from time cannot be in future' },
    });
    const refused = await sync();
    expect(refused.fileReads).toBe(readableRepositories);
    expect(refused.analysisLines).toEqual([
      expect.stringMatching(
        /^warn Profile demo: Azure DevOps refused the project analysis question, so every sync reads every catalog file until it is asked again in 24 hours: .*\(400\): Specified argument was out of the range of valid values\. Parameter name: from time cannot be in future$/,
      ),
    ]);

    simulator.clearFaults();
    const meanwhile = await sync();
    expect(meanwhile.activity).toEqual([]);
    expect(meanwhile.fileReads).toBe(readableRepositories);
    expect(meanwhile.analysisLines).toEqual([]);
  });
});
