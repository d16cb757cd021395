/**
 * The removal guard against the real catalog: an answer that suddenly lists nothing (a token whose
 * user lost access to every project) keeps the catalog as it was for one sync, and the next sync
 * that sees the same applies the removal.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization, countRepositories } from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';

const TOKEN = 'e2e-guard-token-123456';
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });
/** 200 with a well-formed, empty listing: what a token that sees no project gets. */
const NOTHING_VISIBLE = { status: 200, body: { count: 0, value: [] } };

describe('the removal guard in a real catalog', () => {
  const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
  const repositoryCount = countRepositories(organization);
  let simulator: AzureDevOpsSimulator;
  let backend: CatalogBackend | undefined;
  const logs = new LogCapture();

  beforeAll(async () => {
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN] });
  });

  afterEach(async () => {
    simulator.clearFaults();
    await backend?.stop();
    backend = undefined;
  });

  afterAll(() => simulator.stop());

  async function start(settings: Record<string, string | number> = {}, knex?: Knex): Promise<CatalogBackend> {
    backend = await startCatalogBackend({
      knex: knex ?? (await databases.init('SQLITE_3')),
      config: demoProfileConfig({ apiUrl: simulator.url, token: TOKEN, maxRetries: 0, ...settings }),
      logs,
    });
    await backend.sync('demo');
    await backend.waitForEntities('kind=Repository', found => found.length === repositoryCount);
    return backend;
  }

  it('keeps every entity when a sync suddenly lists none, and removes them when the next sync confirms it', async () => {
    const catalog = await start();
    const since = logs.lines.length;

    simulator.addFault({ route: 'repositories', response: NOTHING_VISIBLE });
    await catalog.sync('demo');
    expect(await catalog.entities('kind=Repository')).toHaveLength(repositoryCount);
    const warnings = logs.ofProvider('demo', since).filter(line => line.level === 'warn');
    expect(warnings.map(line => line.message)).toEqual([
      `Profile demo: this cycle would remove ${repositoryCount} of ${repositoryCount} repositories, more than maxRemovedPercent (50%); keeping them until the next cycle confirms the removal. If the repositories are still there, check the access of the token to their projects`,
    ]);

    await catalog.sync('demo');
    await catalog.waitForEntities('kind=Repository', found => found.length === 0);
  });

  it('guards the first sync after a restart too: the sync state says what the catalog holds', async () => {
    const knex = await databases.init('SQLITE_3');
    await (await start({}, knex)).stop();

    simulator.addFault({ route: 'repositories', response: NOTHING_VISIBLE });
    const since = logs.lines.length;
    backend = await startCatalogBackend({ knex, config: demoProfileConfig({ apiUrl: simulator.url, token: TOKEN, maxRetries: 0 }), logs });
    await backend.sync('demo');

    expect(await backend.entities('kind=Repository')).toHaveLength(repositoryCount);
    expect(logs.ofProvider('demo', since).filter(line => line.level === 'warn').map(line => line.message)).toEqual([
      // The start-up token check sees the same empty listing, and says so.
      expect.stringMatching(/^Token check of profile demo: file not tried: /),
      expect.stringMatching(new RegExp(`^Profile demo: this cycle would remove ${repositoryCount} of ${repositoryCount} repositories`)),
    ]);
    await backend.sync('demo');
    await backend.waitForEntities('kind=Repository', found => found.length === 0);
  });

  it('lets the catalog recover without losing anything when access comes back', async () => {
    const catalog = await start();
    simulator.addFault({ route: 'repositories', times: 1, response: NOTHING_VISIBLE });
    await catalog.sync('demo');
    await catalog.sync('demo');
    await catalog.sync('demo');
    expect(await catalog.entities('kind=Repository')).toHaveLength(repositoryCount);
  });

  it('removes at once with maxRemovedPercent: off', async () => {
    const catalog = await start({ maxRemovedPercent: 'off' });
    simulator.addFault({ route: 'repositories', response: NOTHING_VISIBLE });
    await catalog.sync('demo');
    await catalog.waitForEntities('kind=Repository', found => found.length === 0);
  });
});
