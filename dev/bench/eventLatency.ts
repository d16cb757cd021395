/**
 * `--events`: how long a service hook takes to show in the catalog. A real catalog backend (the
 * catalog plugin on in-memory SQLite) with the events backend and its Azure module holds the
 * module's entities of a synthetic organization; the simulator, in this process, then edits one
 * repository's catalog file at a time and posts the `git.push` service hook to the ingress, and
 * the clock runs until the catalog API shows the new owner. Events are sent one after the other,
 * so each latency is one event's alone.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import knexFactory from 'knex';
import { catalogModuleAzureDevOpsRepositories } from '../../src/module';
import { AzureDevOpsSimulator, generateOrganization } from '../simulator';
import { catalogFileWithOwner } from '../simulator/catalogFileWithOwner';
import { CATALOG_FILE_PATH } from '../simulator/generateOrganization';

export interface EventLatencyOptions {
  repos: number;
  projects: number;
  withFile: number;
  latencyMs: number;
  seed: number;
  /** Pushes to measure, one after the other. */
  events: number;
}

export interface EventLatencyResult {
  /** Repository entities in the catalog while the events were measured. */
  entities: number;
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Requests to Azure DevOps per event, on average, and at most. */
  requestsPerEvent: number;
  maxRequests: number;
  /** Requests of the organization-wide listing any event made: none expected. */
  listings: number;
}

const TOKEN = 'bench-token';
const SECRET = 'bench-webhook-secret';
const PROFILE = 'bench';
const SHOWN_TIMEOUT_MS = 30_000;

/** The test side of Backstage's mock scheduler: tasks run when told to. */
interface TriggerableScheduler {
  factory(options?: { skipTaskRunOnStartup?: boolean }): ReturnType<typeof mockServices.scheduler.factory>;
  triggerTask(id: string): Promise<void>;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], share: number): number {
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)];
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export async function runEventLatency(options: EventLatencyOptions): Promise<EventLatencyResult> {
  const organization = generateOrganization({
    name: 'synthetic',
    repos: options.repos,
    projects: options.projects,
    withFile: options.withFile,
    seed: options.seed,
  });
  const simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN], latencyMs: options.latencyMs });
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  const scheduler = mockServices.scheduler() as unknown as TriggerableScheduler;
  const backend = await startTestBackend({
    features: [
      import('@backstage/plugin-catalog-backend'),
      catalogModuleAzureDevOpsRepositories,
      eventsServiceFactory,
      import('@backstage/plugin-events-backend'),
      import('@backstage/plugin-events-backend-module-azure'),
      mockServices.database.factory({ knex }),
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            providers: {
              azureDevOpsRepositories: {
                [PROFILE]: { profileName: 'Benchmark', organization: organization.name, apiUrl: simulator.url, token: TOKEN },
              },
            },
          },
          events: { useEventBus: 'never', modules: { azureDevOps: { webhookSecret: SECRET } } },
        },
      }),
    ],
  });
  try {
    const address = backend.server.address();
    if (!address || typeof address === 'string') throw new Error('the test backend has no port');
    const base = `http://127.0.0.1:${address.port}`;
    await scheduler.triggerTask(`AzureDevOpsRepositoriesProvider:${PROFILE}:refresh`);
    const entities = await waitForRepositories(base, options.repos);

    const live = simulator.organization(organization.name);
    const candidates = live.projects
      .flatMap(project => project.repositories.map(repository => ({ project, repository })))
      .filter(({ repository }) => !repository.isDisabled && repository.defaultBranch && repository.files[CATALOG_FILE_PATH]);
    if (candidates.length < options.events) throw new Error(`only ${candidates.length} repositories have a catalog file to push to`);
    simulator.setServiceHooks({ url: `${base}/api/events/http/azureDevOps`, secret: SECRET });

    const latencies: number[] = [];
    const requestCounts: number[] = [];
    let listings = 0;
    for (let index = 0; index < options.events; index++) {
      // Spread over the organization, so no event finds a warm cache of the one before.
      const { project, repository } = candidates[Math.floor((index * candidates.length) / options.events)];
      const filter = `kind=Repository,spec.project=${project.name},spec.repository=${repository.name}`;
      const [entity] = await getJson<Entity[]>(`${base}/api/catalog/entities?filter=${encodeURIComponent(filter)}`);
      if (!entity) throw new Error(`no entity for ${project.name}/${repository.name}`);
      const owner = `group:default/bench-owner-${index}`;
      const content = catalogFileWithOwner(repository.files[CATALOG_FILE_PATH], owner);
      simulator.resetRequests();
      const started = performance.now();
      const delivered = simulator.withServiceHookDeliveries(() =>
        simulator.setFile(organization.name, project.name, repository.name, CATALOG_FILE_PATH, content),
      );
      await waitForOwner(`${base}/api/catalog/entities/by-name/repository/default/${encodeURIComponent(entity.metadata.name)}`, owner);
      latencies.push(performance.now() - started);
      const { deliveries } = await delivered;
      if (deliveries.some(delivery => delivery.status !== 202)) throw new Error(`a service hook was not accepted: ${JSON.stringify(deliveries)}`);
      requestCounts.push(simulator.requests.length);
      listings += simulator.requests.filter(request => request.route === 'projects' || (request.route === 'repositories' && !request.project)).length;
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      entities,
      count: latencies.length,
      p50Ms: Math.round(percentile(sorted, 0.5)),
      p95Ms: Math.round(percentile(sorted, 0.95)),
      maxMs: Math.round(sorted[sorted.length - 1]),
      requestsPerEvent: Number((requestCounts.reduce((sum, count) => sum + count, 0) / requestCounts.length).toFixed(2)),
      maxRequests: Math.max(...requestCounts),
      listings,
    };
  } finally {
    await backend.stop();
    await knex.destroy();
    await simulator.stop();
  }
}

async function waitForRepositories(base: string, count: number): Promise<number> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const { totalItems } = await getJson<{ totalItems: number }>(
      `${base}/api/catalog/entities/by-query?filter=${encodeURIComponent('kind=Repository')}&limit=1`,
    );
    if (totalItems >= count) return totalItems;
    if (Date.now() > deadline) throw new Error(`the catalog listed ${totalItems} of ${count} repositories`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** Polls one entity every 20 ms until its application context names `owner`. */
async function waitForOwner(url: string, owner: string): Promise<void> {
  const deadline = Date.now() + SHOWN_TIMEOUT_MS;
  for (;;) {
    const entity = await getJson<Entity>(url);
    if ((entity.spec?.applicationContext as { owner?: string } | undefined)?.owner === owner) return;
    if (Date.now() > deadline) throw new Error(`${url} did not show owner ${owner} within ${SHOWN_TIMEOUT_MS} ms`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
