/**
 * The sync in cycles, end to end: the real catalog, Backstage's real scheduler on a real database
 * (SQLite, and PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set) and
 * the simulator over loopback, slowed down so that one cycle over a few hundred repositories needs
 * several runs of a schedule whose timeout is 6 s (a run's budget is then 3 s). The schedule's
 * frequency is half an hour: every run after a backend's first is the one the module asks for.
 */
import { TestDatabases, type TestDatabaseId } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import {
  AzureDevOpsSimulator,
  generateOrganization,
  type RecordedRequest,
  type SimulatedOrganization,
} from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';
import { postServiceHook, serviceHookFeatures, serviceHookIngressUrl, serviceHooksConfig } from './__testUtils__/serviceHooksBackend';
import { waitUntil } from './__testUtils__/waitUntil';
import type { CompletedCycle, SyncCycle } from './provider/SyncCycle';
import { PROFILES_TABLE, REPOSITORIES_TABLE } from './state/SyncStateStore';

const CONNECTION_STRING = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'], disableDocker: true });
const TOKEN = 'cycle-token-0123456789';
/** The token of a backend started after another: the simulator's request log tells their requests apart. */
const RESTART_TOKEN = 'cycle-restart-token-0123456789';
const SECRET = 'cycle-webhook-secret';
const PROFILE = 'demo';
const TASK_ID = `AzureDevOpsRepositoriesProvider:${PROFILE}:refresh`;
const TIMEOUT_SECONDS = 6;
/**
 * Two requests per repository read (its file and its commits), two at a time, 40 ms each: a run
 * reads about 70 repositories. Slow enough that a run's first step (25 repositories) takes a second.
 */
const LATENCY_MS = 40;
const CONCURRENCY = 2;
const REPOSITORIES = 200;
/** How many repositories a test pushes to, so that a warm cycle reads them again: two runs' worth. */
const PUSHED = 120;
const COMPONENT_FILE = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: created-during-a-cycle\nspec:\n  type: service\n  lifecycle: production\n  owner: team-events\n';
/** Far more than any cycle here takes (a run every 5 s or so: the scheduler's poll). */
const CYCLE_TIMEOUT_MS = 40_000;
/** The same organization every time: a fresh copy is the organization a cold cycle was measured on. */
const ORGANIZATION = { name: PROFILE, repos: REPOSITORIES, projects: 4, withFile: 0.5, seed: 21, now: new Date('2026-12-01T00:00:00Z') };

// In order, on one backend and database: the first test's cold cycle leaves the catalog the next two
// start from, and measures what the last one's interrupted cycle is held to.
describe.each(databases.eachSupportedId())('a sync cycle longer than its schedule’s timeout, on %s', databaseId => {
  const logs = new LogCapture();
  let simulator: AzureDevOpsSimulator;
  let knexByPlugin: KnexByPlugin;
  let knex: Knex;
  let backend: CatalogBackend | undefined;
  /** The file reads of the first test's uninterrupted cold cycle, its backend's token check included. */
  let coldFileReads: number | undefined;

  beforeAll(async () => {
    simulator = await startSimulator();
    knexByPlugin = await databasesOf(databaseId);
    knex = knexByPlugin.catalog;
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('completes a cold cycle run after run, each run ending itself in time, entities showing before its end', async () => {
    const since = logs.lines.length;
    backend = await startBackend(knexByPlugin, simulator, logs);
    const catalog = backend;
    const countsBeforeTheEnd: number[] = [];
    await watchCatalog(catalog, {
      // The line comes after the cycle's last change: read after the answer, its absence dates the answer.
      observe: ids => {
        if (completions(logs, since).length === 0) countsBeforeTheEnd.push(ids.size);
      },
      until: () => completions(logs, since).length > 0,
    });

    const [completed] = completions(logs, since);
    const runsInProgress = inProgressLines(logs, since);
    expect(completed).toMatchObject({ repositories: REPOSITORIES, removed: 0 });
    expect(completed.runs).toBeGreaterThan(1);
    expect(runsInProgress).toHaveLength(completed.runs - 1);
    // Every run ended itself, before the scheduler's timeout (6 s) would have cut it off.
    for (const line of runsInProgress) expect(line).toMatch(/\(this run out of time after [0-5] s\)$/);
    expect(Math.max(...countsBeforeTheEnd)).toBeGreaterThan(0);
    await catalog.waitForEntities('kind=Repository', found => sameIds(idsOf(found), repositoryIds(simulator.organization(PROFILE))));
    coldFileReads = simulator.countRequests('items');
  });

  it('retracts no entity in the middle of a cycle: a deleted repository goes at its end', async () => {
    const catalog = backend!;
    const before = await catalogRepositoryIds(catalog);
    expect(before.size).toBe(REPOSITORIES);
    // The first repository in cycle order: the cycle's first step passes where it was.
    const [deleted] = inCycleOrder(simulator.organization(PROFILE));
    simulator.removeRepository(PROFILE, deleted.project.name, deleted.repository.id);
    pushTo(simulator, PUSHED, 'pushed before the second cycle');

    const since = logs.lines.length;
    await triggerRun(catalog);
    const observations: Array<{ ids: Set<string>; cycle?: SyncCycle; lastCycle?: CompletedCycle; runsEnded: number }> = [];
    await watchCatalog(catalog, {
      // The state is read after the catalog's answer: what it says had happened before the answer may have.
      observe: async ids => observations.push({ ids, ...(await cycleState(knex)), runsEnded: inProgressLines(logs, since).length }),
      until: () => completions(logs, since).length > 0 && !observations[observations.length - 1].ids.has(deleted.repository.id),
    });

    const [completed] = completions(logs, since);
    expect(completed).toMatchObject({ repositories: REPOSITORIES - 1, removed: 1 });
    expect(completed.runs).toBeGreaterThan(1);
    const cycleId = (await cycleState(knex)).lastCycle!.startedAt;
    const others = [...before].filter(id => id !== deleted.repository.id);
    for (const { ids, cycle, lastCycle } of observations) {
      expect(others.filter(id => !ids.has(id))).toEqual([]);
      // Gone only once every step of the cycle is done: its end removes it.
      const atItsEnd = lastCycle?.startedAt === cycleId || (cycle?.id === cycleId && cycle.done === cycle.total);
      if (!atItsEnd) expect(ids.has(deleted.repository.id)).toBe(true);
    }
    // Seen in the catalog while the cycle was under way, after a run of it had ended.
    expect(observations.some(({ ids, cycle, runsEnded }) => runsEnded > 0 && cycle?.id === cycleId && ids.has(deleted.repository.id))).toBe(true);
  });

  it('keeps a repository a service hook added during a cycle, behind its cursor, when the cycle ends', async () => {
    const catalog = backend!;
    pushTo(simulator, PUSHED, 'pushed before the third cycle');
    const since = logs.lines.length;
    await triggerRun(catalog);
    await waitUntil(() => inProgressLines(logs, since).length > 0, 'the first run of the cycle to end', CYCLE_TIMEOUT_MS);
    const { cycle } = await cycleState(knex);
    expect(cycle?.cursor).toBeDefined();

    // An id that puts it first in cycle order: before the cursor, where no step of this cycle goes back to.
    const project = [...simulator.organization(PROFILE).projects].sort((a, b) => (a.id < b.id ? -1 : 1))[0];
    const id = '00000000-0000-0000-0000-000000000001';
    expect(`0/${project.id.toLowerCase()}/${id}` < cycle!.cursor!).toBe(true);
    const created = simulator.addRepository(PROFILE, project.name, { name: 'created-during-a-cycle', id, files: { 'catalog-info.yaml': COMPONENT_FILE } });
    const hook = simulator.serviceHookPayload('git.repo.created', PROFILE, project.name, created.name);
    expect(await postServiceHook(serviceHookIngressUrl(catalog), hook, SECRET)).toBe(202);
    await waitUntil(() => logs.ofProvider(PROFILE, since).some(line => line.message.startsWith('Applied 1 service hook events')), 'the module to apply the service hook');
    const [row] = await knex(REPOSITORIES_TABLE).where({ profile_id: PROFILE, repository_id: created.id });
    // Applied while this cycle was in progress: marked as seen by it.
    expect(Number(row.seen_in_cycle)).toBe(cycle!.id);
    await catalog.waitForEntities('kind=Repository', found => idsOf(found).has(created.id));
    const readsOfIt = () => simulator.requests.filter(request => request.route === 'items' && request.path.includes(created.id)).length;
    const readsByTheEvent = readsOfIt();

    const completed = await cycleCompletion(logs, since);
    expect((await cycleState(knex)).lastCycle?.startedAt).toBe(cycle!.id);
    expect(completed).toMatchObject({ repositories: REPOSITORIES, removed: 0 });
    expect(completed.runs).toBeGreaterThan(1);
    // The cycle's steps never read it, and its end left it where the event put it.
    expect(readsOfIt()).toBe(readsByTheEvent);
    expect(await catalogRepositoryIds(catalog)).toContain(created.id);
    expect(await knex(REPOSITORIES_TABLE).where({ profile_id: PROFILE, repository_id: created.id })).toHaveLength(1);
  });

  it('resumes a cycle stopped in the middle of a run where it was, in a new backend on the same database', async () => {
    expect(coldFileReads).toBeDefined(); // measured by the first test, on the same organization
    const fresh = await startSimulator();
    const resumeLogs = new LogCapture();
    const database = await databasesOf(databaseId);
    let first: CatalogBackend | undefined;
    let second: CatalogBackend | undefined;
    try {
      // Each backend with a token of its own, to tell their requests apart.
      first = await startBackend(database, fresh, resumeLogs, TOKEN);
      await waitUntil(() => inProgressLines(resumeLogs).length > 0, 'the first run to end', CYCLE_TIMEOUT_MS);
      const readsAfterFirstRun = fresh.countRequests('items');
      await waitUntil(() => fresh.countRequests('items') >= readsAfterFirstRun + 5, 'the second run to read files', CYCLE_TIMEOUT_MS);
      const stopping = first;
      first = undefined;
      await stopping.stop();
      // The stopped run ends before the restart, leaving the steps it wrote, and no more.
      await waitUntil(() => inProgressLines(resumeLogs).length === 2, 'the stopped run to end');
      expect(inProgressLines(resumeLogs)[1]).toMatch(/\(this run stopped by the scheduler \(timeout or shutdown\) after \d+ s\)$/);
      const cut = (await cycleState(database.catalog)).cycle!;
      expect(cut.done).toBeGreaterThan(0);
      expect(cut.done).toBeLessThan(cut.total);

      const since = resumeLogs.lines.length;
      second = await startBackend(database, fresh, resumeLogs, RESTART_TOKEN);
      const completed = await cycleCompletion(resumeLogs, since);
      // What the provider handed the catalog, processed or not: the stopped backend's catalog may
      // have taken some entities to process, which a catalog then takes again only after its
      // refresh interval (minutes).
      expect([...(await providedRepositoryIds(database.catalog))].sort()).toEqual([...repositoryIds(fresh.organization(PROFILE))].sort());

      // The same cycle, resumed: started before the stop, its runs on both backends.
      expect((await cycleState(database.catalog)).lastCycle?.startedAt).toBe(cut.id);
      expect(completed.runs).toBeGreaterThan(inProgressLines(resumeLogs, since).length + 1);
      expect(completed).toMatchObject({ repositories: REPOSITORIES, removed: 0 });
      // Every file read once, as in the uninterrupted cycle, but those of the step the stop cut
      // short (read after the last step written), and the second backend's token check.
      const reads = fresh.requests.filter(request => request.route === 'items');
      const lost = reads.filter(request => sentWith(TOKEN)(request) && request.time > cut.updatedAt);
      expect(reads.length).toBeLessThanOrEqual(coldFileReads! + lost.length + 1);
      expect(reads.filter(sentWith(RESTART_TOKEN)).length).toBeLessThan(coldFileReads!);
    } finally {
      await first?.stop();
      await second?.stop();
      await fresh.stop();
    }
  });
});

(CONNECTION_STRING ? describe : describe.skip)('two replicas on one PostgreSQL database share one cycle', () => {
  const replicas: Array<{ backend: CatalogBackend; logs: LogCapture }> = [];
  let simulator: AzureDevOpsSimulator;

  beforeAll(async () => {
    simulator = await startSimulator();
  });

  afterAll(async () => {
    for (const { backend } of replicas) await backend.stop();
    await simulator?.stop();
  });

  it('runs the cycle one run at a time on whichever replica takes it, completing it once, both serving every repository', async () => {
    const knexByPlugin = await databasesOf('POSTGRES_15');
    for (let replica = 0; replica < 2; replica++) {
      const logs = new LogCapture();
      replicas.push({ logs, backend: await startBackend(knexByPlugin, simulator, logs) });
    }
    await waitUntil(() => replicas.some(({ logs }) => completions(logs).length > 0), 'the cycle to complete', CYCLE_TIMEOUT_MS);
    const expected = repositoryIds(simulator.organization(PROFILE));
    for (const { backend } of replicas) await backend.waitForEntities('kind=Repository', found => sameIds(idsOf(found), expected));

    const completed = replicas.flatMap(({ logs }) => completions(logs));
    const runsEnded = replicas.map(({ logs }) => inProgressLines(logs).length);
    const started = replicas.flatMap(({ logs }) => logs.ofProvider(PROFILE).filter(line => /: cycle started over /.test(line.message)));
    expect(started).toHaveLength(1);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ repositories: REPOSITORIES, removed: 0 });
    // Every run of the cycle, on whichever replica it ran, ended with it in progress but the last.
    expect(completed[0].runs).toBeGreaterThan(1);
    expect(completed[0].runs).toBe(runsEnded[0] + runsEnded[1] + 1);
    expect(await knexByPlugin.catalog(PROFILES_TABLE).where({ profile_id: PROFILE }).whereNotNull('cycle')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

interface Completion {
  repositories: number;
  runs: number;
  requests: number;
  removed: number;
}

const IN_PROGRESS = /^Profile demo: cycle in progress: \d+ of \d+ repositories, \d+ requests so far; continuing in the next run \(.*\)$/;
const COMPLETE = /^Profile demo: cycle complete: (\d+) repositories in (\d+) runs?, (\d+) requests, \d+ s; (\d+) removed$/;

async function startSimulator(): Promise<AzureDevOpsSimulator> {
  return AzureDevOpsSimulator.start({ organizations: [generateOrganization(ORGANIZATION)], tokens: [TOKEN, RESTART_TOKEN], latencyMs: LATENCY_MS });
}

type KnexByPlugin = { catalog: Knex; events: Knex };

/** The catalog's database and the events backend's, which migrates one of its own on PostgreSQL. */
async function databasesOf(databaseId: TestDatabaseId): Promise<KnexByPlugin> {
  return { catalog: await databases.init(databaseId), events: await databases.init(databaseId) };
}

/** A backend with the real scheduler and the events backend, whose first run starts at once. */
async function startBackend(knexByPlugin: KnexByPlugin, simulator: AzureDevOpsSimulator, logs: LogCapture, token = TOKEN): Promise<CatalogBackend> {
  const config: JsonObject = {
    ...demoProfileConfig({
      apiUrl: simulator.url,
      token,
      maxRetries: 0,
      concurrency: CONCURRENCY,
      schedule: { frequency: { minutes: 30 }, timeout: { seconds: TIMEOUT_SECONDS } },
    }),
    ...serviceHooksConfig(SECRET),
  };
  return startCatalogBackend({ knexByPlugin, config, scheduler: 'real', logs, features: serviceHookFeatures() });
}

/** Whether a request carried `token` (a PAT, as Basic credentials). */
function sentWith(token: string): (request: RecordedRequest) => boolean {
  return request => Buffer.from((request.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().endsWith(`:${token}`);
}

/** The lines of runs that ended with their cycle in progress, from line `since` on. */
function inProgressLines(logs: LogCapture, since = 0): string[] {
  return logs.ofProvider(PROFILE, since).map(line => line.message).filter(message => IN_PROGRESS.test(message));
}

/** What the `cycle complete` lines from line `since` on say. */
function completions(logs: LogCapture, since = 0): Completion[] {
  return logs
    .ofProvider(PROFILE, since)
    .map(line => COMPLETE.exec(line.message))
    .filter(match => match !== null)
    .map(([, repositories, runs, requests, removed]) => ({ repositories: +repositories, runs: +runs, requests: +requests, removed: +removed }));
}

async function cycleCompletion(logs: LogCapture, since: number): Promise<Completion> {
  await waitUntil(() => completions(logs, since).length > 0, 'the cycle to complete', CYCLE_TIMEOUT_MS);
  return completions(logs, since)[0];
}

/** The cycle in progress and the last complete one, as the profile row keeps them. */
async function cycleState(knex: Knex): Promise<{ cycle?: SyncCycle; lastCycle?: CompletedCycle }> {
  const row = await knex(PROFILES_TABLE).where({ profile_id: PROFILE }).first();
  return {
    ...(row?.cycle ? { cycle: JSON.parse(row.cycle) as SyncCycle } : {}),
    ...(row?.last_cycle ? { lastCycle: JSON.parse(row.last_cycle) as CompletedCycle } : {}),
  };
}

/** Asks the scheduler for the sync's next run now, as an operator would (the schedule's is half an hour away). */
async function triggerRun(backend: CatalogBackend): Promise<void> {
  const response = await fetch(`${backend.catalogUrl}/.backstage/scheduler/v1/tasks/${encodeURIComponent(TASK_ID)}/trigger`, { method: 'POST' });
  expect(response.status).toBe(200);
}

/** Polls the catalog's Repository entities until `until` holds after an observation, for one cycle at most. */
async function watchCatalog(
  backend: CatalogBackend,
  options: { observe: (ids: Set<string>) => unknown; until: () => boolean },
): Promise<void> {
  const deadline = Date.now() + CYCLE_TIMEOUT_MS;
  for (;;) {
    await options.observe(await catalogRepositoryIds(backend));
    if (options.until()) return;
    if (Date.now() > deadline) throw new Error('The catalog did not reach the expected state within a cycle');
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** The repository ids of the catalog's Repository entities, asking for nothing else. */
async function catalogRepositoryIds(backend: CatalogBackend): Promise<Set<string>> {
  const response = await fetch(`${backend.catalogUrl}/entities?filter=kind=Repository&fields=spec.repositoryId`);
  if (!response.ok) throw new Error(`The catalog answered ${response.status}`);
  return idsOf((await response.json()) as Array<{ spec?: { repositoryId?: string } }>);
}

/** The repository ids of the entities the provider last handed the catalog, processed or not (the catalog's own table). */
async function providedRepositoryIds(knex: Knex): Promise<Set<string>> {
  const rows: Array<{ unprocessed_entity: string }> = await knex('refresh_state').where('location_key', `AzureDevOpsRepositoriesProvider:${PROFILE}`).select('unprocessed_entity');
  return idsOf(rows.map(row => JSON.parse(row.unprocessed_entity)));
}

function idsOf(entities: Array<{ spec?: { repositoryId?: unknown } }>): Set<string> {
  return new Set(entities.map(entity => String(entity.spec?.repositoryId)));
}

function repositoryIds(organization: SimulatedOrganization): Set<string> {
  return new Set(organization.projects.flatMap(project => project.repositories.map(repository => repository.id)));
}

function sameIds(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every(id => b.has(id));
}

/** The repositories in the order a cycle takes them (`cycleOrderKey`): originals before forks, then project id, then id. */
function inCycleOrder(organization: SimulatedOrganization) {
  const key = ({ project, repository }: { project: { id: string }; repository: { id: string; isFork: boolean } }) =>
    `${repository.isFork ? 1 : 0}/${project.id.toLowerCase()}/${repository.id.toLowerCase()}`;
  return organization.projects
    .flatMap(project => project.repositories.map(repository => ({ project, repository })))
    .sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

/** Pushes a README change to the first `count` repositories with a default branch, so that the next cycle reads their files. */
function pushTo(simulator: AzureDevOpsSimulator, count: number, text: string): void {
  const repositories = simulator
    .organization(PROFILE)
    .projects.flatMap(project => project.repositories.map(repository => ({ project, repository })))
    .filter(({ repository }) => repository.defaultBranch !== undefined && !repository.isDisabled)
    .slice(0, count);
  for (const { project, repository } of repositories) simulator.setFile(PROFILE, project.name, repository.id, 'README.md', `# ${text}\n`);
}

