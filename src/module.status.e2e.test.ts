/**
 * The status route and the scheduler's view of failed syncs, against the real catalog backend,
 * Backstage's real scheduler and real auth (a static external-access token, as the README shows for
 * `curl`), and the simulator over loopback. Three profiles, none synced at start: `healthy`,
 * `revoked` (its PAT unknown to the simulator, answered 401) and `unreachable` (nothing listens).
 */
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { httpRouterServiceFactory } from '@backstage/backend-defaults/httpRouter';
import { TestDatabases } from '@backstage/backend-test-utils';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, countRepositories, loadOrganization } from '../dev/simulator';
import { profilesConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { closedLoopbackUrl } from './__testUtils__/closedLoopbackUrl';
import { LogCapture } from './__testUtils__/LogCapture';
import { MetricsCapture } from './__testUtils__/MetricsCapture';
import type { ProfileStatus } from './status/profileStatus';

const PAT = 'SECRET-STATUS-PAT-7d1c0e9a';
const REVOKED_PAT = 'SECRET-REVOKED-PAT-3b5f8a21';
const STATIC_TOKEN = 'status-route-test-token-0123456789abcdef';
const SECRETS = [PAT, REVOKED_PAT, ...[PAT, REVOKED_PAT].map(token => Buffer.from(`PAT:${token}`).toString('base64'))];
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

describe('the status route', () => {
  const logs = new LogCapture();
  let metrics: MetricsCapture;
  let simulator: AzureDevOpsSimulator;
  let backend: CatalogBackend;
  let repositoryCount: number;
  /** Every body the tests read, to check that no secret is in any of them. */
  const bodies: string[] = [];

  /** GET with the static token, another `token`, or `null` for none. */
  async function get<T>(path: string, token: string | null = STATIC_TOKEN): Promise<{ status: number; body: T }> {
    const response = await fetch(`${backend.catalogUrl}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function status(profileId: string): Promise<ProfileStatus> {
    const { status: code, body } = await get<ProfileStatus>(`/azure-devops-repositories/profiles/${profileId}`);
    expect(code).toBe(200);
    return body;
  }

  async function trigger(profileId: string): Promise<void> {
    const response = await fetch(
      `${backend.catalogUrl}/.backstage/scheduler/v1/tasks/${encodeURIComponent(`AzureDevOpsRepositoriesProvider:${profileId}:refresh`)}/trigger`,
      { method: 'POST', headers: { authorization: `Bearer ${STATIC_TOKEN}` } },
    );
    expect(response.status).toBe(200);
  }

  async function waitForStatus(profileId: string, accept: (status: ProfileStatus) => boolean): Promise<ProfileStatus> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = await status(profileId);
      if (accept(found)) return found;
      if (Date.now() > deadline) throw new Error(`profile ${profileId} did not reach the expected status; last: ${JSON.stringify(found)}`);
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    // Before the backend: the scheduler's instruments and the module's bind to it when made.
    metrics = MetricsCapture.start();
    const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
    repositoryCount = countRepositories(organization);
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [PAT], authFailure: '401' });
    // Synced only when a test triggers them.
    const schedule = { frequency: { trigger: 'manual' }, timeout: { minutes: 1 } };
    const profile = (token: string, apiUrl = simulator.url) => ({
      profileName: `Profile with ${token === PAT ? 'a good' : 'a revoked'} token`,
      organization: 'demo',
      apiUrl,
      token,
      maxRetries: 0,
      requestTimeoutSeconds: 2,
      schedule,
    });
    backend = await startCatalogBackend({
      knex: await databases.init('SQLITE_3'),
      logs,
      scheduler: 'real',
      features: [authServiceFactory, httpAuthServiceFactory, httpRouterServiceFactory],
      config: {
        backend: {
          auth: { externalAccess: [{ type: 'static', options: { token: STATIC_TOKEN, subject: 'status-test' } }] },
        },
        ...profilesConfig({
          healthy: profile(PAT),
          revoked: profile(REVOKED_PAT),
          unreachable: { ...profile(PAT, await closedLoopbackUrl()), profileName: 'Unreachable' },
          // Never synced in these tests: its first run is an hour away.
          later: { ...profile(PAT), profileName: 'Later', schedule: { frequency: { hours: 1 }, initialDelay: { hours: 1 }, timeout: { minutes: 1 } } },
        }),
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
    await metrics?.stop();
  });

  it('answers 401 without a token, as the rest of the catalog API', async () => {
    const withoutToken = await get('/azure-devops-repositories/profiles', null);
    expect(withoutToken.status).toBe(401);
    const badToken = await get('/azure-devops-repositories/profiles', 'not-a-token');
    expect(badToken.status).toBe(401);
  });

  it('lists every profile as never synced before the first sync, with the next run from the scheduler', async () => {
    const { status: code, body } = await get<{ profiles: ProfileStatus[] }>('/azure-devops-repositories/profiles');
    expect(code).toBe(200);
    expect(body.profiles.map(profile => [profile.id, profile.status])).toEqual([
      ['healthy', 'never-synced'],
      ['later', 'never-synced'],
      ['revoked', 'never-synced'],
      ['unreachable', 'never-synced'],
    ]);
    const [healthy] = body.profiles;
    expect(healthy).toMatchObject({
      profileName: 'Profile with a good token',
      organization: 'demo',
      host: new URL(simulator.url).host,
      broker: false,
      lastSync: null,
      lastError: null,
      consecutiveFailures: 0,
      syncing: null,
      incrementalSync: { active: false, fullReadsUntil: null },
      events: { subscribed: true, lastAppliedAt: null },
      // Run by hand only.
      nextRunAt: null,
    });
    expect(healthy).not.toHaveProperty('schedulerError');
    // An hour from start-up, give or take the test's own time.
    const later = body.profiles.find(profile => profile.id === 'later')!;
    expect(Date.parse(later.nextRunAt!) - Date.now()).toBeGreaterThan(50 * 60_000);
  });

  it('answers 404 naming the configured profiles for an unknown one', async () => {
    const { status: code, body } = await get<{ error: { message: string } }>('/azure-devops-repositories/profiles/nope');
    expect(code).toBe(404);
    expect(body.error.message).toBe('No profile "nope" under catalog.providers.azureDevOpsRepositories; configured: healthy, later, revoked, unreachable');
  });

  it('shows a sync under way as syncing, then ok with its counts', async () => {
    // Hold the first listing long enough to see the sync running.
    simulator.addFault({ route: 'repositories', times: 1, response: { type: 'delay', ms: 1_500 } });
    await trigger('healthy');
    const syncing = await waitForStatus('healthy', found => found.status === 'syncing');
    expect(Date.parse(syncing.syncing!.startedAt)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(syncing.syncing!.timesOutAt!) - Date.parse(syncing.syncing!.startedAt)).toBe(60_000);

    const ok = await waitForStatus('healthy', found => found.status === 'ok');
    expect(ok.syncing).toBeNull();
    expect(ok.lastSync).toMatchObject({
      outcome: 'succeeded',
      counts: { seen: repositoryCount, failed: 0 },
    });
    expect(ok.lastSync!.counts!.emitted).toBeGreaterThan(0);
    expect(ok.lastSync!.requests).toBeGreaterThan(0);
    expect(ok.lastSync!.durationMs).toBeGreaterThanOrEqual(1_500);
    expect(ok.lastSuccessAt).toBe(ok.lastSync!.endedAt);
    // The next sync reads only what project analysis says changed.
    expect(ok.incrementalSync.active).toBe(true);
    const emitted = await metrics.value('catalog_azure_devops_repositories.sync.repositories', { profile: 'healthy', outcome: 'emitted' });
    expect(emitted).toBe(ok.lastSync!.counts!.emitted);
  });

  it('shows a rejected token as failing, counts failures in a row, and the scheduler sees failed runs', async () => {
    await trigger('revoked');
    const first = await waitForStatus('revoked', found => found.status === 'failing');
    expect(first.consecutiveFailures).toBe(1);
    expect(first.lastError).toMatch(/401/);
    expect(first.lastSync).toMatchObject({ outcome: 'failed' });
    expect(first.lastSuccessAt).toBeNull();

    await trigger('revoked');
    const second = await waitForStatus('revoked', found => found.consecutiveFailures === 2);
    expect(second.status).toBe('failing');

    const tasks = await get<{ tasks: Array<{ taskId: string; taskState: { lastRunError: string } }> }>('/.backstage/scheduler/v1/tasks');
    const task = tasks.body.tasks.find(entry => entry.taskId === 'AzureDevOpsRepositoriesProvider:revoked:refresh');
    const lastRunError = JSON.parse(task!.taskState.lastRunError);
    expect(lastRunError.name).toBe('SyncFailedError');
    expect(lastRunError.message).toBe(
      `Sync of profile Profile with a revoked token (revoked) failed; the catalog keeps its entities until a sync succeeds: ${second.lastError}`,
    );
    // The scheduler's own metric counts the failed runs, and the module's the failed syncs.
    const runs = await metrics.points('backend_tasks.task.runs.count');
    expect(runs.filter(point => point.attributes.taskId === task!.taskId && point.attributes.result === 'failed')).toEqual([
      expect.objectContaining({ value: 2 }),
    ]);
    const durations = await metrics.value('catalog_azure_devops_repositories.sync.duration', { profile: 'revoked', result: 'failed' });
    expect(durations).toMatchObject({ count: 2 });
    // The profile's own line is logged once per failed sync.
    expect(logs.ofProvider('revoked').filter(line => line.level === 'error')).toHaveLength(2);
  });

  it('shows an unreachable host as failing, in words', async () => {
    await trigger('unreachable');
    const failing = await waitForStatus('unreachable', found => found.status === 'failing');
    expect(failing.lastError).toMatch(/ECONNREFUSED|refused/i);
  });

  it('keeps every secret out of every answer', () => {
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) for (const secret of SECRETS) expect(body).not.toContain(secret);
  });
});
