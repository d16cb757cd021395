/**
 * The sync state in the catalog plugin's database, against the real catalog on SQLite: a backend
 * that restarts on the same database syncs warm (no file read), falls back on the stored context
 * when a file fails right after the restart, and a sync whose state write fails is reported failed
 * and leaves the next sync to start from the last state written.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization, countRepositories } from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';
import { PROFILES_TABLE, REPOSITORIES_TABLE } from './state/SyncStateStore';

const TOKEN = 'e2e-state-token-0123456789';
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });
const DISCOVERY_ROUTES: ReadonlySet<string> = new Set(['location', 'resourceAreas', 'areaOptions']);
const UNAVAILABLE = { type: 'error', status: 503, typeKey: 'ServiceUnavailableException', message: 'TF400898: An internal error occurred.' } as const;

function contextOf(entities: Entity[], project: string, repository: string): unknown {
  const found = entities.find(entity => entity.spec?.project === project && entity.spec?.repository === repository);
  if (!found) throw new Error(`No entity for ${project}/${repository}`);
  return found.spec?.applicationContext;
}

describe('the sync state across restarts of a backend on one database', () => {
  const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
  const repositoryCount = countRepositories(organization);
  const projectCount = organization.projects.length;
  const logs = new LogCapture();
  let simulator: AzureDevOpsSimulator;
  let knex: Knex;
  let backend: CatalogBackend | undefined;

  beforeAll(async () => {
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN] });
    knex = await databases.init('SQLITE_3');
  });

  afterEach(async () => {
    simulator.clearFaults();
    await backend?.stop();
    backend = undefined;
  });

  afterAll(() => simulator.stop());

  async function restart(): Promise<CatalogBackend> {
    await backend?.stop();
    backend = await startCatalogBackend({
      knex,
      config: demoProfileConfig({ apiUrl: simulator.url, token: TOKEN, maxRetries: 0 }),
      logs,
    });
    return backend;
  }

  /**
   * Syncs once: the requests it made (without the client's discovery of the API's areas, which a
   * new process makes once whatever it knows), those discovery requests, and the file reads.
   */
  async function sync(catalog: CatalogBackend): Promise<{ requests: number; discovery: string[]; fileReads: number }> {
    simulator.resetRequests();
    await catalog.sync('demo');
    const discovery = simulator.requests.map(request => request.route).filter(route => DISCOVERY_ROUTES.has(route));
    return {
      requests: simulator.requests.length - discovery.length,
      discovery,
      fileReads: simulator.countRequests('items'),
    };
  }

  it('syncs warm after a restart: no file read, no more requests than a warm sync, the same entities', async () => {
    let catalog = await restart();
    const cold = await sync(catalog);
    expect(cold.fileReads).toBeGreaterThan(0);
    const warm = await sync(catalog);
    expect(warm.fileReads).toBe(0);
    const before = await catalog.waitForEntities('kind=Repository', found => found.length === repositoryCount);

    catalog = await restart();
    const since = logs.lines.length;
    const afterRestart = await sync(catalog);

    expect(afterRestart.fileReads).toBe(0);
    // Nothing changed, so no repository row is written again.
    expect(logs.ofProvider('demo', since).map(line => line.message)).toContainEqual(
      expect.stringMatching(/^Synced profile Demo .* 0 state rows written, 0 deleted, /),
    );
    expect(afterRestart.requests).toBeLessThanOrEqual(warm.requests);
    expect(afterRestart.requests).toBeLessThanOrEqual(projectCount + 3);
    // What a new process pays once, state or not (the client finds the API's areas again), the
    // start-up token check paid through the same client before this sync.
    expect(afterRestart.discovery).toEqual([]);
    const after = await catalog.waitForEntities('kind=Repository', found => found.length === repositoryCount);
    expect(after.map(entity => entity.spec?.applicationContext)).toEqual(before.map(entity => entity.spec?.applicationContext));
  });

  it('keeps the stored context of a file whose read fails right after a restart', async () => {
    let catalog = await restart();
    await sync(catalog);
    const known = contextOf(await catalog.entities('kind=Repository'), 'Platform', 'api');
    expect(known).toMatchObject({ owner: 'team-platform' });

    // While the backend is down: a push makes the file worth reading, and reading it fails.
    simulator.setFile('demo', 'Platform', 'api', 'README.md', '# pushed while the backend was down\n');
    simulator.addFault({ route: 'items', repository: 'api', response: UNAVAILABLE });
    catalog = await restart();
    const since = logs.lines.length;
    const afterRestart = await sync(catalog);

    expect(afterRestart.fileReads).toBeGreaterThan(0);
    expect(contextOf(await catalog.entities('kind=Repository'), 'Platform', 'api')).toEqual(known);
    expect(logs.ofProvider('demo', since).map(line => line.message)).toContainEqual(
      expect.stringMatching(/repository api, path catalog-info\.yaml: reading the catalog file failed, keeping the last known context/),
    );
  });

  it('reports a step whose state write fails as failed, and the next run does that step again', async () => {
    const catalog = await restart();
    await sync(catalog);
    const apiRowBefore = await knex(REPOSITORIES_TABLE).where({ profile_id: 'demo' }).select('repository_id', 'file_id', 'outcome');

    simulator.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: platform-api\nspec:\n  owner: team-moved\n');
    for (const event of ['INSERT', 'UPDATE']) {
      await knex.raw(`CREATE TRIGGER refuse_state_${event} BEFORE ${event} ON ${REPOSITORIES_TABLE} BEGIN SELECT RAISE(ABORT, 'the disk is full'); END;`);
    }
    const since = logs.lines.length;
    const refused = await sync(catalog);

    expect(refused.fileReads).toBe(1);
    const errors = logs.ofProvider('demo', since).filter(line => line.level === 'error').map(line => line.message);
    expect(errors).toEqual([
      expect.stringMatching(/^Sync of profile Demo \(demo\) failed in a step; the steps before it are kept, and the next run resumes after them: .*the disk is full/),
    ]);
    // Nothing of the step was written: not the row of the file that changed, not the cycle's cursor.
    expect(await knex(REPOSITORIES_TABLE).where({ profile_id: 'demo' }).select('repository_id', 'file_id', 'outcome')).toEqual(apiRowBefore);
    const { cycle } = await knex(PROFILES_TABLE).where({ profile_id: 'demo' }).first();
    expect(JSON.parse(cycle)).toMatchObject({ done: 0 });
    expect(JSON.parse(cycle).cursor).toBeUndefined();
    // The catalog took the step's entities all the same.
    await catalog.waitForEntities('kind=Repository', found => JSON.stringify(contextOf(found, 'Platform', 'api')).includes('team-moved'));

    for (const event of ['INSERT', 'UPDATE']) await knex.raw(`DROP TRIGGER refuse_state_${event}`);
    const next = await sync(catalog);
    // The same cycle goes on from its last written step: the changed file is read again, and written.
    expect(next.fileReads).toBe(1);
    const apiRow = await knex(REPOSITORIES_TABLE).where({ profile_id: 'demo' }).whereNot('file_id', null).select('outcome');
    expect(apiRow.some(row => String(row.outcome).includes('team-moved'))).toBe(true);
    expect((await knex(PROFILES_TABLE).where({ profile_id: 'demo' }).first()).cycle).toBeNull();
  });
});
