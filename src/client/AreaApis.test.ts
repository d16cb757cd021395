/**
 * Where the client sends each area's requests, and which api-version it asks, against the
 * simulator answering as Azure DevOps Services (areas listed by `ResourceAreas`, location data at
 * max 7.2 / released 7.1) and as Azure DevOps Server (no areas), through the real library.
 */
import { AzureDevOpsSimulator, type AzureDevOpsSimulatorOptions, type RouteName } from '../../dev/simulator';
import { buildProfile } from '../__testUtils__/builders';
import { AzureDevOpsClient } from './AzureDevOpsClient';
import { RequestGate } from './RequestGate';

const TOKEN = 'areas-test-pat-0123456789';
const organization = {
  name: 'contoso',
  projects: [
    {
      id: '0f1e2d3c-0000-4000-8000-000000000001',
      name: 'Web Apps',
      visibility: 'private' as const,
      repositories: [
        {
          id: '0f1e2d3c-0000-4000-8000-0000000000a1',
          name: 'storefront',
          defaultBranch: 'main',
          isDisabled: false,
          isFork: false,
          size: 1,
          files: { 'catalog-info.yaml': 'metadata:\n  name: storefront\n' },
          commitId: '1'.repeat(40),
          lastPushDate: new Date('2026-01-01T00:00:00Z'),
        },
      ],
    },
  ],
};

let simulator: AzureDevOpsSimulator | undefined;

afterEach(async () => {
  await simulator?.stop();
  simulator = undefined;
});

async function clientAgainst(options: Partial<AzureDevOpsSimulatorOptions>): Promise<{ client: AzureDevOpsClient; simulator: AzureDevOpsSimulator }> {
  simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN], ...options });
  const profile = buildProfile({ organization: 'contoso', apiUrl: simulator.url, token: TOKEN, requestTimeoutMs: 2_000, maxRetries: 0 });
  const gate = new RequestGate({ concurrency: 4, maxRetries: 0, baseBackoffMs: 5 });
  return { client: await AzureDevOpsClient.create({ profile, gate }), simulator };
}

/** Everything the module calls, once. */
async function callEverything(client: AzureDevOpsClient): Promise<void> {
  const [project] = await client.listProjects();
  await client.listRepositories();
  expect(await client.readFile({ project: project.name, repositoryId: organization.projects[0].repositories[0].id, path: 'catalog-info.yaml', branch: 'main', maxBytes: 1000 })).toEqual({
    kind: 'found',
    content: 'metadata:\n  name: storefront\n',
  });
  expect(await client.listChangedRepositoryIds({ project: project.id, since: new Date(Date.now() - 3_600_000) })).toEqual(new Set());
}

function apiVersionsByRoute(own: AzureDevOpsSimulator): Partial<Record<RouteName, string[]>> {
  const byRoute: Partial<Record<RouteName, string[]>> = {};
  for (const request of own.requests) {
    if (request.method !== 'GET') continue;
    (byRoute[request.route] ??= []).push(request.apiVersion ?? 'none');
  }
  return byRoute;
}

describe('AreaApis and the api-versions asked', () => {
  it.each(['services', 'onPremises'] as const)('asks every resource for the preview version the library asks (deployment %s)', async deployment => {
    const { client, simulator: own } = await clientAgainst({ deployment });
    await callEverything(client);
    // With max 7.2 and released 7.1, the library sends its own 7.2-preview.N unchanged.
    expect(apiVersionsByRoute(own)).toEqual({
      resourceAreas: ['7.2-preview.1'],
      projects: ['7.2-preview.4'],
      repositories: ['7.2-preview.2'],
      items: ['7.2-preview.1'],
      activityMetrics: ['7.2-preview.1'],
    });
  });

  it('follows ResourceAreas to the organization address on Services, with the token', async () => {
    const { client, simulator: own } = await clientAgainst({ deployment: 'services' });
    await callEverything(client);
    expect(own.requests.every(request => request.status === 200 && request.authorization === `Basic ${Buffer.from(`PAT:${TOKEN}`).toString('base64')}`)).toBe(true);
  });

  it('keeps an area on the configured address when ResourceAreas names another host, so the token never goes there', async () => {
    // `localhost` reaches the same simulator, but is another host to the PAT handler, which then sends no token.
    const { client, simulator: own } = await clientAgainst({ deployment: 'services', resourceAreaHost: 'localhost' });
    await callEverything(client);
    expect(own.requests.filter(request => request.status !== 200)).toEqual([]);
    expect(own.requests.every(request => request.authorization !== undefined)).toBe(true);
  });
});
