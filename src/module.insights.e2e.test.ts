/**
 * Repository insights against the simulator and the real catalog: freshness for active, inactive,
 * dormant and empty repositories, languages with a 206 and a 404, contributors with bots and
 * duplicate authors, the opt-outs, and what they cost, counted by the simulator.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, countRepositories, loadOrganization, type RecordedRequest } from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';

const TOKEN = 'e2e-insights-token-0123456789';
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

function specOf(entities: Entity[], project: string, repository: string): Record<string, unknown> {
  const found = entities.find(entity => entity.spec?.project === project && entity.spec?.repository === repository);
  if (!found) throw new Error(`No entity for ${project}/${repository}`);
  return { ...found.spec, tags: found.metadata.tags };
}

function count(requests: readonly RecordedRequest[], route: string): number {
  return requests.filter(request => request.route === route).length;
}

describe('repository insights in the catalog', () => {
  const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
  // Commerce's analysis is still running (206); Mobile Apps has none (404).
  const commerce = organization.projects.find(project => project.name === 'Commerce')!;
  commerce.repositories[0].languageResultPhase = 'preliminary';
  organization.projects.find(project => project.name === 'Mobile Apps')!.languageAnalysis = 'unavailable';
  const logs = new LogCapture();
  let simulator: AzureDevOpsSimulator;
  let backend: CatalogBackend | undefined;

  beforeAll(async () => {
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN] });
  });

  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });

  afterAll(() => simulator.stop());

  async function start(settings: Record<string, unknown> = {}): Promise<CatalogBackend> {
    backend = await startCatalogBackend({
      knex: await databases.init('SQLITE_3'),
      config: demoProfileConfig({ apiUrl: simulator.url, token: TOKEN, maxRetries: 0, ...settings }),
      logs,
    });
    return backend;
  }

  async function sync(catalog: CatalogBackend): Promise<RecordedRequest[]> {
    simulator.resetRequests();
    await catalog.sync('demo');
    return [...simulator.requests];
  }

  it('shows freshness, languages and contributors, within the request budget', async () => {
    const catalog = await start();
    const cold = await sync(catalog);
    const entities = await catalog.waitForEntities('kind=Repository', found => found.length === countRepositories(organization));

    expect(specOf(entities, 'Platform', 'api')).toMatchObject({
      freshness: 'active',
      lastCommitAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      // Alice twice (her address in two cases), Bilal; dependabot is a bot.
      contributors: { count: 2, windowDays: 90 },
      languages: [
        { name: 'TypeScript', percentage: expect.any(Number) },
        { name: 'JavaScript', percentage: expect.any(Number) },
        { name: 'Dockerfile', percentage: expect.any(Number) },
      ],
      tags: ['typescript', 'javascript', 'dockerfile'],
    });
    // Chen 120 days ago; Azure Pipelines is a bot, and outside the window anyway.
    expect(specOf(entities, 'Platform', 'platform-docs')).toMatchObject({ freshness: 'inactive', contributors: { count: 0, windowDays: 90 } });
    expect(specOf(entities, 'Platform', 'infrastructure')).toMatchObject({ freshness: 'dormant', contributors: { count: 0, windowDays: 90 } });
    const empty = specOf(entities, 'Commerce', 'new-service');
    expect(empty).toMatchObject({ freshness: 'unknown', contributors: { count: 0, windowDays: 90 } });
    expect(empty).not.toHaveProperty('lastCommitAt');
    // 206 for Commerce, 404 for Mobile Apps: no languages, and no warning.
    expect(specOf(entities, 'Commerce', 'api')).not.toHaveProperty('languages');
    expect(specOf(entities, 'Mobile Apps', 'ios-app')).not.toHaveProperty('languages');
    expect(logs.ofProvider('demo').filter(line => line.level === 'warn' && line.message.includes('insight'))).toEqual([]);

    const projects = organization.projects.length;
    const nonEmpty = organization.projects.flatMap(project => project.repositories).filter(repository => repository.defaultBranch).length;
    expect(count(cold, 'languageMetrics')).toBe(projects);
    expect(count(cold, 'commits')).toBeLessThanOrEqual(nonEmpty);
    expect(cold.length).toBeLessThanOrEqual(2 * nonEmpty + 2 * projects);

    const warm = await sync(catalog);
    // Only Commerce's languages are asked again, its analysis having been preliminary (206): the
    // others were read for the day.
    expect([count(warm, 'commits'), count(warm, 'languageMetrics'), count(warm, 'items')]).toEqual([0, 1, 0]);
    const commerce = organization.projects.find(project => project.name === 'Commerce')!;
    expect(warm.find(request => request.route === 'languageMetrics')?.path).toContain(commerce.id);
    expect(warm.length).toBeLessThanOrEqual(projects + 3);
  });

  it('reads nothing of what a profile turns off', async () => {
    const catalog = await start({ insights: { freshness: false, languages: false, contributors: false } });
    const cold = await sync(catalog);
    expect([count(cold, 'commits'), count(cold, 'languageMetrics')]).toEqual([0, 0]);
    const entities = await catalog.waitForEntities('kind=Repository', found => found.length === countRepositories(organization));
    const spec = specOf(entities, 'Platform', 'api');
    for (const field of ['lastCommitAt', 'freshness', 'languages', 'contributors', 'tags']) expect(spec[field]).toBeUndefined();
  });

  it('reads languages alone when only they are on', async () => {
    const catalog = await start({ insights: { freshness: false, contributors: false } });
    const cold = await sync(catalog);
    expect(count(cold, 'commits')).toBe(0);
    expect(count(cold, 'languageMetrics')).toBe(organization.projects.length);
    // Every entity, not the first one stitched: under load, Platform/api may come last.
    const entities = await catalog.waitForEntities('kind=Repository', found => found.length === countRepositories(organization));
    const spec = specOf(entities, 'Platform', 'api');
    expect(spec).toMatchObject({ tags: ['typescript', 'javascript', 'dockerfile'] });
    expect(spec).not.toHaveProperty('freshness');
  });
});
