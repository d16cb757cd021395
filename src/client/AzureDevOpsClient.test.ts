/**
 * Contract tests of the adapter: the real azure-devops-node-api client over loopback against the
 * bundled simulator, including location discovery, error envelopes, throttling and paging.
 */
import { AzureDevOpsSimulator, generateOrganization, type SimulatedOrganization } from '../../dev/simulator';
import { buildProfile, type ProfileOverrides } from '../__testUtils__/builders';
import { AzureDevOpsClient } from './AzureDevOpsClient';
import { MAX_LISTING_BYTES } from './bodyLimits';
import type { AzureDevOpsError } from './AzureDevOpsError';
import { RequestGate } from './RequestGate';

const TOKEN = 'contract-test-pat-0123456789';
const BROKER_TOKEN = 'contract-broker-token-9876543210';

const organization: SimulatedOrganization = {
  name: 'contoso',
  projects: [
    {
      id: '0f1e2d3c-0000-4000-8000-000000000001',
      name: 'Web Apps',
      visibility: 'public',
      repositories: [
        {
          id: '0f1e2d3c-0000-4000-8000-0000000000a1',
          name: 'storefront',
          defaultBranch: 'main',
          isDisabled: false,
          isFork: false,
          size: 1234,
          // 34 three-byte characters: 34 characters but 102 bytes.
          files: { 'catalog-info.yaml': 'metadata:\n  name: storefront\n', 'euros.yaml': '€'.repeat(34) },
          commitId: '1'.repeat(40),
          lastPushDate: new Date('2026-01-01T00:00:00Z'),
        },
        {
          id: '0f1e2d3c-0000-4000-8000-0000000000a2',
          name: 'empty-one',
          isDisabled: false,
          isFork: true,
          size: 0,
          files: {},
          commitId: '',
          lastPushDate: new Date('2026-01-01T00:00:00Z'),
        },
      ],
    },
  ],
};

let simulator: AzureDevOpsSimulator;

beforeAll(async () => {
  simulator = await AzureDevOpsSimulator.start({
    organizations: [organization, generateOrganization({ name: 'big', repos: 300, projects: 250, withFile: 0, seed: 1 })],
    tokens: [TOKEN],
    brokerTokens: [BROKER_TOKEN],
  });
});

afterAll(() => simulator.stop());

afterEach(() => {
  simulator.clearFaults();
  simulator.setAuthFailure('203');
  simulator.setTokens([TOKEN]);
});

function clientFor(overrides: ProfileOverrides = {}) {
  const profile = buildProfile({
    organization: 'contoso',
    apiUrl: simulator.url,
    token: TOKEN,
    requestTimeoutMs: 2_000,
    maxRetries: 2,
    ...overrides,
  });
  const gate = new RequestGate({ concurrency: 4, maxRetries: profile.maxRetries, baseBackoffMs: 5 });
  return AzureDevOpsClient.create({ profile, gate });
}

const storefront = { project: 'Web Apps', repositoryId: organization.projects[0].repositories[0].id, path: 'catalog-info.yaml', branch: 'main', maxBytes: 1000 };

async function failureOf(promise: Promise<unknown>): Promise<AzureDevOpsError> {
  try {
    await promise;
  } catch (error) {
    return error as AzureDevOpsError;
  }
  throw new Error('expected a failure');
}

describe('AzureDevOpsClient against the simulator', () => {
  it('lists repositories organization-wide with explicit defaults, negotiating api-version 7.1', async () => {
    const client = await clientFor();
    const listing = await client.listRepositories();
    expect(listing.malformed).toEqual([]);
    expect(listing.repositories).toEqual([
      {
        id: '0f1e2d3c-0000-4000-8000-0000000000a1',
        name: 'storefront',
        project: { id: '0f1e2d3c-0000-4000-8000-000000000001', name: 'Web Apps', visibility: 'public' },
        defaultBranch: 'main',
        webUrl: `${simulator.url}/contoso/Web%20Apps/_git/storefront`,
        isDisabled: false,
        isFork: false,
      },
      expect.objectContaining({ name: 'empty-one', isDisabled: false, isFork: true }),
    ]);
    expect(listing.repositories[1]).not.toHaveProperty('defaultBranch');
    const listingRequest = simulator.requests.find(request => request.route === 'repositories');
    expect(listingRequest?.apiVersion).toBe('7.1');
    expect(listingRequest?.authorization).toBe(`Basic ${Buffer.from(`PAT:${TOKEN}`).toString('base64')}`);
  });

  it('pages through projects with the continuation token the library drops', async () => {
    const client = await clientFor({ organization: 'big' });
    simulator.resetRequests();
    const projects = await client.listProjects();
    expect(projects).toHaveLength(250);
    expect(new Set(projects.map(project => project.id)).size).toBe(250);
    expect(simulator.countRequests('projects')).toBe(3);
  });

  it.each([
    ['a file', {}, { kind: 'found', content: 'metadata:\n  name: storefront\n' }],
    ['a missing file', { path: '/nope.yaml' }, { kind: 'missing' }],
    ['a missing branch', { branch: 'gone' }, { kind: 'branchMissing' }],
    ['an empty repository', { repositoryId: organization.projects[0].repositories[1].id }, { kind: 'emptyRepository' }],
    ['a deleted repository', { repositoryId: '0f1e2d3c-0000-4000-8000-00000000dead' }, { kind: 'repositoryMissing' }],
    ['a file over the limit', { maxBytes: 10 }, { kind: 'tooLarge', bytes: 29 }],
    ['a file one byte over the limit', { maxBytes: 28 }, { kind: 'tooLarge', bytes: 29 }],
    ['a file of exactly the limit', { maxBytes: 29 }, { kind: 'found', content: 'metadata:\n  name: storefront\n' }],
    ['a file over the limit in UTF-8 bytes though not in characters', { path: 'euros.yaml', maxBytes: 100 }, { kind: 'tooLarge', bytes: 102 }],
  ])('reads %s', async (_name, overrides, expected) => {
    const client = await clientFor();
    await expect(client.readFile({ ...storefront, ...overrides })).resolves.toEqual(expected);
  });

  it('reports a file over the limit streamed without Content-Length as at least the bytes read', async () => {
    const client = await clientFor();
    simulator.addFault({ route: 'items', response: { type: 'chunked' } });
    await expect(client.readFile({ ...storefront, maxBytes: 10 })).resolves.toEqual({ kind: 'tooLarge', bytes: 29, atLeast: true });
    await expect(client.readFile({ ...storefront, maxBytes: 29 })).resolves.toEqual({ kind: 'found', content: 'metadata:\n  name: storefront\n' });
  });

  it('reads the error answer of a missing file whatever the file limit', async () => {
    const client = await clientFor();
    await expect(client.readFile({ ...storefront, path: '/nope.yaml', maxBytes: 1 })).resolves.toEqual({ kind: 'missing' });
  });

  it('refuses an HTML page answered with 200 instead of the file', async () => {
    const client = await clientFor();
    simulator.addFault({ route: 'items', response: { type: 'html200' } });
    const error = await failureOf(client.readFile(storefront));
    expect(error.kind).toBe('invalidResponse');
    expect(error.message).toMatch(/reading \/catalog-info.yaml .* failed: expected the file's bytes, got text\/html/);
  });

  it.each([
    ['203 with a sign-in page', '203' as const, /sign-in page.*token was rejected/],
    ['401', '401' as const, /token rejected by Azure DevOps \(401/],
  ])('reports a rejected token answered with %s, without the token', async (_name, mode, message) => {
    simulator.setAuthFailure(mode);
    simulator.setTokens(['another-token']);
    const error = await failureOf((await clientFor()).listRepositories());
    expect(error.kind).toBe('unauthorized');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('organization contoso');
    expect(error.message).not.toContain(TOKEN);
  });

  it('waits as Retry-After says and retries a 429', async () => {
    const client = await clientFor();
    simulator.resetRequests();
    simulator.addFault({ route: 'items', times: 1, response: { status: 429, headers: { 'Retry-After': '1' }, body: { message: 'TF400733' } } });
    const started = Date.now();
    await expect(client.readFile(storefront)).resolves.toMatchObject({ kind: 'found' });
    const itemRequests = simulator.requests.filter(request => request.route === 'items');
    expect(itemRequests.map(request => request.status)).toEqual([429, 200]);
    expect(itemRequests[1].time - itemRequests[0].time).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it.each([
    ['500', { status: 500, body: { message: 'boom', typeKey: 'ServerException' } }, 'serverError', /answered 500 after 2 retries: boom/],
    ['429 without Retry-After', { status: 429 }, 'throttled', /throttled by Azure DevOps \(429\)/],
    ['a reset connection', { type: 'reset' as const }, 'network', /cut|ECONNRESET/],
    ['malformed JSON', { type: 'malformedJson' as const }, 'invalidResponse', /does not parse/],
    ['an HTML page with 200', { type: 'html200' as const }, 'invalidResponse', /expected JSON, got text\/html/],
    ['a 403', { status: 403, body: { message: 'denied' } }, 'forbidden', /access denied \(403\)/],
  ])('classifies a listing that fails with %s', async (_name, response, kind, message) => {
    const client = await clientFor();
    simulator.addFault({ route: 'repositories', response });
    const error = await failureOf(client.listRepositories());
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['announced by Content-Length', false, /the answer has 268435457 bytes, more than the limit of 268435456 bytes \(256 MiB\)/],
    ['streamed without Content-Length', true, /the answer has at least 2684\d{5} bytes \(reading stopped there\), more than the limit of 268435456 bytes \(256 MiB\)/],
  ])('refuses a listing larger than 256 MiB %s, naming the operation and the limit', async (_name, chunked, reason) => {
    const client = await clientFor({ requestTimeoutMs: 30_000 });
    simulator.addFault({ route: 'repositories', response: { type: 'oversized', bytes: MAX_LISTING_BYTES + 1, chunked } });
    const error = await failureOf(client.listRepositories());
    expect(error.kind).toBe('invalidResponse');
    expect(error.message).toMatch(/organization contoso at .*: listing repositories failed: /);
    expect(error.message).toMatch(reason);
  });

  it('retries transient faults a bounded number of times', async () => {
    const client = await clientFor();
    simulator.resetRequests();
    simulator.addFault({ route: 'repositories', times: 2, response: { status: 503 } });
    await expect(client.listRepositories()).resolves.toMatchObject({ malformed: [] });
    expect(simulator.requests.filter(request => request.route === 'repositories').map(request => request.status)).toEqual([503, 503, 200]);
  });

  it('gives up on a server that never answers after the request timeout', async () => {
    const client = await clientFor({ requestTimeoutMs: 300, maxRetries: 0 });
    simulator.addFault({ route: 'repositories', response: { type: 'hang' } });
    const error = await failureOf(client.listRepositories());
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('no answer within 0.3 s');
  });

  it('gives up on a body that stops half-way', async () => {
    const client = await clientFor({ requestTimeoutMs: 300, maxRetries: 0 });
    simulator.addFault({ route: 'repositories', response: { type: 'truncated' } });
    const error = await failureOf(client.listRepositories());
    expect(['network', 'timeout', 'invalidResponse']).toContain(error.kind);
  });

  it.each([
    ['a listing', (client: AzureDevOpsClient) => client.listRepositories(), 'repositories' as const],
    ['a file', (client: AzureDevOpsClient) => client.readFile({ ...storefront, maxBytes: 10_000 }), 'items' as const],
  ])('abandons %s whose body stalls half-way after the request timeout', async (_name, call, route) => {
    const client = await clientFor({ requestTimeoutMs: 300, maxRetries: 0 });
    simulator.addFault({ route, response: { type: 'stalled' } });
    const error = await failureOf(call(client));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('no answer within 0.3 s');
  });

  it('reports an unreachable apiUrl as a network fault', async () => {
    const stopped = await AzureDevOpsSimulator.start({ organizations: [] });
    const url = stopped.url;
    await stopped.stop();
    const error = await failureOf((await clientFor({ apiUrl: url, maxRetries: 0 })).listRepositories());
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('reports an unknown organization as not found', async () => {
    const error = await failureOf((await clientFor({ organization: 'nobody' })).listRepositories());
    expect(error.kind).toBe('notFound');
  });

  describe('repository activity', () => {
    const project = organization.projects[0].id;

    it('names the repositories pushed to since a date', async () => {
      const client = await clientFor();
      const before = new Date(Date.now() - 1000);
      await expect(client.listChangedRepositoryIds({ project, since: before })).resolves.toEqual(new Set());
      simulator.setFile('contoso', 'Web Apps', 'storefront', 'catalog-info.yaml', 'metadata:\n  name: changed\n');
      await expect(client.listChangedRepositoryIds({ project, since: before })).resolves.toEqual(
        new Set([organization.projects[0].repositories[0].id]),
      );
    });

    it.each([404, 403])('says it cannot tell when project analysis answers %s', async status => {
      const client = await clientFor();
      simulator.addFault({ route: 'activityMetrics', response: { status, body: { message: 'no analytics' } } });
      await expect(client.listChangedRepositoryIds({ project, since: new Date() })).resolves.toBeUndefined();
    });

    it('says it cannot tell when the server has no project analysis area at all', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'areaOptions', response: { status: 404 } });
      await expect(client.listChangedRepositoryIds({ project, since: new Date() })).resolves.toBeUndefined();
    });
  });

  describe('through a broker', () => {
    const broker = { url: '', token: BROKER_TOKEN };
    beforeAll(() => {
      broker.url = simulator.url;
    });

    it('sends no credentials and lists projects and repositories', async () => {
      simulator.resetRequests();
      const client = await clientFor({ token: undefined, broker });
      const projects = await client.listProjects();
      const listing = await client.listRepositories({ project: projects[0].id });
      expect(listing.repositories.map(repository => repository.name)).toEqual(['storefront', 'empty-one']);
      expect(simulator.requests.length).toBeGreaterThan(0);
      for (const request of simulator.requests) {
        expect(request.path.startsWith(`/broker/${BROKER_TOKEN}/contoso/`)).toBe(true);
        expect(request.authorization).toBeUndefined();
      }
    });

    it('keeps the broker token out of error messages', async () => {
      const client = await clientFor({ token: undefined, broker, requestTimeoutMs: 300, maxRetries: 0 });
      simulator.addFault({ route: 'repositories', response: { type: 'hang' } });
      const error = await failureOf(client.listRepositories());
      expect(error.message).not.toContain(BROKER_TOKEN);
    });
  });
});
