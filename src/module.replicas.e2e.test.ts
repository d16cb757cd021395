/**
 * Two backend replicas on one PostgreSQL database, each with its own connection pool and Backstage's
 * real scheduler: a profile's sync runs once per interval across both, both serve the same
 * entities, and when the replica running a sync dies mid-way the run is taken over, nothing lost.
 *
 * Runs only when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set (`dev/postgres.sh start`).
 */
import type { Entity } from '@backstage/catalog-model';
import knexFactory, { type Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization, countRepositories } from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';
import { waitUntil } from './__testUtils__/waitUntil';

const CONNECTION_STRING = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const TOKEN = 'replicas-token-0123456789';
const TASK_ID = 'AzureDevOpsRepositoriesProvider:demo:refresh';
const INTERVAL_SECONDS = 2;
/** The scheduler's task timeout: after it, a run whose replica died may be taken over. */
const TIMEOUT_SECONDS = 4;

/** knex for one database of the server in the connection string. */
function connect(database: string): Knex {
  const url = new URL(CONNECTION_STRING!);
  return knexFactory({
    client: 'pg',
    connection: {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database,
    },
    pool: { min: 0, max: 10 },
  });
}

interface Replica {
  name: string;
  knex: Knex;
  backend: CatalogBackend;
  logs: LogCapture;
  stopped: boolean;
}

(CONNECTION_STRING ? describe : describe.skip)('two replicas on one PostgreSQL database', () => {
  const database = `azdo_replicas_${randomBytes(6).toString('hex')}`;
  const replicas: Replica[] = [];
  let simulator: AzureDevOpsSimulator;
  let repositoryCount = 0;

  const config = () =>
    demoProfileConfig({
      apiUrl: simulator.url,
      token: TOKEN,
      maxRetries: 0,
      requestTimeoutSeconds: 10,
      // No initial delay; scope global is the module's default.
      schedule: { frequency: { seconds: INTERVAL_SECONDS }, timeout: { seconds: TIMEOUT_SECONDS } },
    });

  async function startReplica(name: string): Promise<Replica> {
    const knex = connect(database);
    const logs = new LogCapture();
    try {
      const backend = await startCatalogBackend({ knex, logs, scheduler: 'real', config: config() });
      const replica = { name, knex, backend, logs, stopped: false };
      replicas.push(replica);
      return replica;
    } catch (error) {
      await knex.destroy();
      throw error;
    }
  }

  /** What the replica's scheduler says its worker for the profile's task is doing. */
  async function workerStatus(replica: Replica): Promise<string | undefined> {
    const response = await fetch(`${replica.backend.catalogUrl}/.backstage/scheduler/v1/tasks`);
    const { tasks } = (await response.json()) as { tasks: Array<{ taskId: string; workerState?: { status: string } }> };
    return tasks.find(task => task.taskId === TASK_ID)?.workerState?.status;
  }

  function syncsLogged(replica: Replica): number {
    return replica.logs.ofProvider('demo').filter(line => /^Synced profile Demo/.test(line.message)).length;
  }

  function repositories(entities: Entity[]): string[] {
    return entities.map(entity => `${entity.spec?.project}/${entity.spec?.repository}`).sort();
  }

  beforeAll(async () => {
    const admin = connect('postgres');
    try {
      await admin.raw('CREATE DATABASE ??', [database]);
    } finally {
      await admin.destroy();
    }
    const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
    repositoryCount = countRepositories(organization);
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN] });
  });

  afterAll(async () => {
    for (const replica of replicas) {
      if (!replica.stopped) await replica.backend.stop();
      await replica.knex.destroy();
    }
    await simulator?.stop();
    const admin = connect('postgres');
    try {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
    } finally {
      await admin.destroy();
    }
  });

  it('runs each sync once per interval across both replicas, which serve the same entities', async () => {
    const [a, b] = [await startReplica('a'), await startReplica('b')];
    await a.backend.waitForEntities('kind=Repository', found => found.length === repositoryCount);

    simulator.resetRequests();
    const syncsBefore = syncsLogged(a) + syncsLogged(b);
    const windowSeconds = 5 * INTERVAL_SECONDS;
    await new Promise(resolve => setTimeout(resolve, windowSeconds * 1000));
    const listings = simulator.requests.filter(request => request.route === 'repositories').length;
    const syncs = syncsLogged(a) + syncsLogged(b) - syncsBefore;

    // About one sync per interval, not two: replicas running the task each would list twice as often.
    expect(listings).toBeGreaterThanOrEqual(windowSeconds / INTERVAL_SECONDS - 2);
    expect(listings).toBeLessThanOrEqual(windowSeconds / INTERVAL_SECONDS + 1);
    // Every listing belongs to exactly one sync on one replica (a sync may straddle the window's edges).
    expect(Math.abs(syncs - listings)).toBeLessThanOrEqual(1);

    const [fromA, fromB] = [await a.backend.entities('kind=Repository'), await b.backend.entities('kind=Repository')];
    expect(repositories(fromA)).toHaveLength(repositoryCount);
    expect(fromB.map(entity => entity.metadata.uid).sort()).toEqual(fromA.map(entity => entity.metadata.uid).sort());
  });

  it('hands the sync of a replica that died mid-way to another once its timeout expired, nothing lost', async () => {
    const [a, b] = replicas;
    // The next sync reads every catalog file, slowly, and there is news to pick up.
    for (const project of simulator.organization('demo').projects) {
      for (const repository of project.repositories) {
        if (repository.defaultBranch !== undefined && !repository.isDisabled) {
          simulator.setFile('demo', project.name, repository.name, 'README.md', '# pushed\n');
        }
      }
    }
    simulator.addRepository('demo', 'Sandbox', { name: 'added-while-a-replica-died' });
    const slow = simulator.addFault({ route: 'items', response: { type: 'delay', ms: 3 * TIMEOUT_SECONDS * 1000 } });
    const faultAddedAt = Date.now();
    await waitUntil(() => simulator.requests.some(request => request.route === 'items' && request.time >= faultAddedAt), 'a sync to read files', 15_000);

    // Kill the replica running it: stop it and take its database connections away, as a crash would.
    const statuses = await Promise.all([workerStatus(a), workerStatus(b)]);
    expect(statuses.filter(status => status === 'running')).toHaveLength(1);
    const [dead, survivor] = statuses[0] === 'running' ? [a, b] : [b, a];
    await dead.backend.stop();
    dead.stopped = true;
    await dead.knex.destroy();
    slow();

    // The dead run still holds the task's lock: the survivor does not run the task meanwhile.
    const killedAt = Date.now();
    await new Promise(resolve => setTimeout(resolve, (TIMEOUT_SECONDS + 1) * 1000));
    expect(simulator.requests.filter(request => request.route === 'repositories' && request.time >= killedAt)).toEqual([]);
    expect(await survivor.backend.entities('kind=Repository')).toHaveLength(repositoryCount);

    // A replacement replica starts; its scheduler janitor (off under NODE_ENV=test, so switched on
    // here) releases the lock whose timeout expired, and a live replica takes the next run.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    let replacement: Replica;
    try {
      replacement = await startReplica('c');
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    const expected = repositories(await survivor.backend.entities('kind=Repository')).concat('Sandbox/added-while-a-replica-died').sort();
    for (const replica of [survivor, replacement]) {
      const entities = await replica.backend.waitForEntities('kind=Repository', found => found.length === expected.length, 15_000);
      expect(repositories(entities)).toEqual(expected);
    }
    expect(replacement.logs.lines.map(line => line.message)).toContainEqual(`Task timed out and was lost: ${TASK_ID}`);
    // Nothing lost: the application context read before the crash is still there.
    const commerceApi = (await survivor.backend.entities('kind=Repository')).find(entity => entity.spec?.project === 'Commerce' && entity.spec?.repository === 'api');
    expect(commerceApi?.spec?.applicationContext).toMatchObject({ owner: 'team-commerce', application: 'commerce' });
  });
});

/**
 * Two replicas on one PostgreSQL database share the sync state: each sync starts from the last sync
 * of either, so a replica never re-emits a context older than the one the other applied. The syncs
 * are driven by hand here, to choose which replica runs each.
 */
(CONNECTION_STRING ? describe : describe.skip)('two replicas sharing the sync state on one PostgreSQL database', () => {
  const database = `azdo_shared_state_${randomBytes(6).toString('hex')}`;
  const knexes: Knex[] = [];
  const backends: CatalogBackend[] = [];
  let simulator: AzureDevOpsSimulator;

  beforeAll(async () => {
    const admin = connect('postgres');
    try {
      await admin.raw('CREATE DATABASE ??', [database]);
    } finally {
      await admin.destroy();
    }
    simulator = await AzureDevOpsSimulator.start({ organizations: [loadOrganization(DEMO_ORGANIZATION_FIXTURE)], tokens: [TOKEN] });
  });

  afterAll(async () => {
    for (const backend of backends) await backend.stop();
    for (const knex of knexes) await knex.destroy();
    await simulator?.stop();
    const admin = connect('postgres');
    try {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
    } finally {
      await admin.destroy();
    }
  });

  async function startReplica(): Promise<CatalogBackend> {
    const knex = connect(database);
    knexes.push(knex);
    const backend = await startCatalogBackend({
      knex,
      config: demoProfileConfig({ apiUrl: simulator.url, token: TOKEN, maxRetries: 0, requestTimeoutSeconds: 10 }),
    });
    backends.push(backend);
    return backend;
  }

  function ownerOfPlatformApi(entities: Entity[]): string | undefined {
    const api = entities.find(entity => entity.spec?.project === 'Platform' && entity.spec?.repository === 'api');
    return (api?.spec?.applicationContext as { owner?: string } | undefined)?.owner;
  }

  it('keeps the context replica A synced when a read fails on replica B, which last synced before the change', async () => {
    const [a, b] = [await startReplica(), await startReplica()];
    await b.sync('demo');
    await b.waitForEntities('kind=Repository', found => ownerOfPlatformApi(found)?.includes('team-platform') ?? false);

    simulator.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: platform-api\nspec:\n  owner: team-moved\n');
    await a.sync('demo');
    await a.waitForEntities('kind=Repository', found => ownerOfPlatformApi(found)?.includes('team-moved') ?? false);

    // A push makes the file worth reading again, and on replica B the read fails.
    simulator.setFile('demo', 'Platform', 'api', 'README.md', '# pushed\n');
    simulator.addFault({ route: 'items', repository: 'api', response: { type: 'error', status: 503, typeKey: 'ServiceUnavailableException', message: 'TF400898: An internal error occurred.' } });
    // A repository added with it shows when the catalog has processed what B's sync emitted.
    simulator.addRepository('demo', 'Sandbox', { name: 'added-before-b-synced' });
    const since = Date.now();
    await b.sync('demo');
    expect(simulator.requests.some(request => request.route === 'items' && request.status === 503 && request.time >= since)).toBe(true);

    for (const replica of [a, b]) {
      const entities = await replica.waitForEntities('kind=Repository', found => found.some(entity => entity.spec?.repository === 'added-before-b-synced'));
      expect(ownerOfPlatformApi(entities)).toContain('team-moved');
    }
  });
});
