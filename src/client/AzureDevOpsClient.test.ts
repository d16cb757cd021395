/**
 * Contract tests of the adapter: the real azure-devops-node-api client over loopback against the
 * bundled simulator, including location discovery, error envelopes, throttling and paging.
 */
import { AzureDevOpsSimulator, generateOrganization, type CommitInit, type SimulatedOrganization } from '../../dev/simulator';
import { buildProfile, type ProfileOverrides } from '../__testUtils__/builders';
import { acceptRulesWithout, MODULE_BROKER_ACCEPT_RULES } from '../__testUtils__/moduleBrokerAcceptRules';
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
          files: {
            'catalog-info.yaml': 'metadata:\n  name: storefront\n',
            'euros.yaml': '€'.repeat(34),
            'folder/inner.yaml': 'a: 1\n',
            'catalog-info.txt': 'metadata:\n  name: as-text\n',
          },
          commitId: '1'.repeat(40),
          lastPushDate: new Date('2026-01-01T00:00:00Z'),
        },
        {
          id: '0f1e2d3c-0000-4000-8000-0000000000a2',
          name: 'empty-one',
          isDisabled: false,
          isFork: true,
          parentRepositoryId: '0f1e2d3c-0000-4000-8000-0000000000a1',
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
  simulator.setContinuationTokens(true);
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
  it('lists repositories organization-wide with explicit defaults, asking api-version 7.2-preview.2', async () => {
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
    expect(listingRequest?.apiVersion).toBe('7.2-preview.2');
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

  it('pages on with $skip when a full page of projects comes without a continuation token', async () => {
    const client = await clientFor({ organization: 'big' });
    simulator.setContinuationTokens(false);
    simulator.resetRequests();
    const projects = await client.listProjects();
    expect(projects).toHaveLength(250);
    expect(new Set(projects.map(project => project.id)).size).toBe(250);
    const pages = simulator.requests.filter(request => request.route === 'projects');
    expect(pages.map(request => [request.query.$top, request.query.$skip])).toEqual([
      ['100', undefined],
      ['100', '100'],
      ['100', '200'],
    ]);
  });

  it('fails rather than loop when a server ignores $skip and repeats a full page', async () => {
    const client = await clientFor({ organization: 'big' });
    simulator.setContinuationTokens(false);
    const firstPage = Array.from({ length: 100 }, (_, index) => ({ id: `0f1e2d3c-0000-4000-8000-${String(index).padStart(12, '0')}`, name: `p${index}`, visibility: 'private' }));
    simulator.addFault({ route: 'projects', response: { status: 200, body: { count: 100, value: firstPage } } });
    const error = await failureOf(client.listProjects());
    expect(error.kind).toBe('invalidResponse');
    expect(error.message).toMatch(/listing projects failed: .*\$skip/);
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

  it('reads a file whose extension makes the service answer text/plain though octet-stream was asked', async () => {
    const result = await (await clientFor()).readFile({ ...storefront, path: 'catalog-info.txt' });
    expect(result).toEqual({ kind: 'found', content: 'metadata:\n  name: as-text\n' });
    expect(simulator.requests.at(-1)).toMatchObject({ route: 'items', status: 200 });
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
    client.requestStats();
    const started = Date.now();
    await expect(client.readFile(storefront)).resolves.toMatchObject({ kind: 'found' });
    const itemRequests = simulator.requests.filter(request => request.route === 'items');
    expect(itemRequests.map(request => request.status)).toEqual([429, 200]);
    expect(itemRequests[1].time - itemRequests[0].time).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    // The pause starts when the 429 is read, a moment after the simulator logged it.
    const stats = client.requestStats();
    expect(stats.retries).toBe(1);
    expect(stats.throttledMs).toBeGreaterThanOrEqual(950);
    expect(stats.throttledMs).toBeLessThanOrEqual(Date.now() - started);
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

  describe('a 200 listing without a value array', () => {
    const bodies = [['{}', {}], ['{"count":0}', { count: 0 }], ['{"value":null}', { value: null }]] as const;

    it.each(bodies)('fails the repository listing for %s, naming the operation', async (_name, body) => {
      const client = await clientFor();
      simulator.addFault({ route: 'repositories', response: { status: 200, body } });
      const error = await failureOf(client.listRepositories({ project: 'Web Apps' }));
      expect(error.kind).toBe('invalidResponse');
      expect(error.message).toMatch(/listing repositories of project Web Apps failed: .*no "value" list/);
    });

    it.each(bodies)('fails the project listing for %s, naming the operation', async (_name, body) => {
      const client = await clientFor();
      simulator.addFault({ route: 'projects', response: { status: 200, body } });
      const error = await failureOf(client.listProjects());
      expect(error.kind).toBe('invalidResponse');
      expect(error.message).toMatch(/listing projects failed: .*no "value" list/);
    });

    it('still takes an empty value array for an empty listing', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'repositories', response: { status: 200, body: { count: 0, value: [] } } });
      await expect(client.listRepositories()).resolves.toEqual({ repositories: [], malformed: [] });
    });
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

  it('stops, sending nothing more, when Retry-After asks for longer than maxRetryAfterSeconds', async () => {
    const client = await clientFor();
    simulator.resetRequests();
    simulator.addFault({ route: 'items', times: 1, response: { status: 429, headers: { 'Retry-After': '900' }, body: { message: 'TF400733: throttled' } } });
    const error = await failureOf(client.readFile(storefront));
    expect(error.kind).toBe('throttledTooLong');
    expect(error.message).toMatch(/reading \/catalog-info.yaml .* failed: Azure DevOps asked to wait 90\d s more \(Retry-After\), longer than maxRetryAfterSeconds \(300 s\)/);
    await expect(failureOf(client.listRepositories())).resolves.toMatchObject({ kind: 'throttledTooLong' });
    expect(simulator.countRequests('items')).toBe(1);
    expect(simulator.countRequests('repositories')).toBe(0);
  });

  it('reports a folder at the catalog path as an answer that is no file', async () => {
    const error = await failureOf((await clientFor()).readFile({ ...storefront, path: 'folder' }));
    expect(error.kind).toBe('invalidResponse');
    expect(error.message).toMatch(/reading \/folder of repository .* failed: \/folder is a folder, not a file$/);
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
    // The socket closes before the announced length arrived: Node reports a reset or an abort.
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/listing repositories failed: (ECONNRESET talking to|the connection to \S+ was cut)/);
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

  describe('error bodies as Azure DevOps sends them', () => {
    afterEach(() => simulator.setExpiredTokens([]));

    it.each([
      ['while discovering the API locations', false],
      ['on the listing itself', true],
    ])('says the token has expired when a 401 AccessCheckException says so, %s', async (_name, discoverFirst) => {
      const client = await clientFor();
      if (discoverFirst) await client.listRepositories();
      simulator.setExpiredTokens([TOKEN]);
      const error = await failureOf(client.listRepositories());
      expect(error.kind).toBe('unauthorized');
      expect(error.message).toMatch(
        /(listing repositories|discovering the API locations) failed: the token has expired \(401, Access Denied: The Personal Access Token used has expired\.\); renew it, with the scopes Code \(read\) and Project and Team \(read\)$/,
      );
      expect(error.message).not.toContain(TOKEN);
    });

    it.each([
      ['while discovering the API locations', false],
      ['on the listing itself', true],
    ])('says what an empty 401 means, %s', async (_name, discoverFirst) => {
      const client = await clientFor();
      if (discoverFirst) await client.listRepositories();
      simulator.setAuthFailure('401-empty');
      simulator.setTokens(['another-token']);
      const error = await failureOf(client.listRepositories());
      expect(error.kind).toBe('unauthorized');
      expect(error.message).toMatch(/token rejected by Azure DevOps \(401 with an empty body: the token is revoked, expired or lacks a scope\); check its expiry and scopes/);
    });

    it('reads every JSON answer behind a byte order mark, discovery included', async () => {
      simulator.addFault({ response: { type: 'byteOrderMark' } });
      simulator.resetRequests();
      const client = await clientFor();
      await expect(client.listProjects()).resolves.toEqual([expect.objectContaining({ name: 'Web Apps' })]);
      await expect(client.listRepositories()).resolves.toMatchObject({ repositories: [{ name: 'storefront' }, { name: 'empty-one' }], malformed: [] });
      await expect(client.readFile(storefront)).resolves.toEqual({ kind: 'found', content: 'metadata:\n  name: storefront\n' });
      await expect(client.readFile({ ...storefront, path: '/nope.yaml' })).resolves.toEqual({ kind: 'missing' });
      await expect(client.readFile({ ...storefront, branch: 'gone' })).resolves.toEqual({ kind: 'branchMissing' });
      await expect(client.readFile({ ...storefront, repositoryId: organization.projects[0].repositories[1].id })).resolves.toEqual({ kind: 'emptyRepository' });
      await expect(client.readFile({ ...storefront, repositoryId: '0f1e2d3c-0000-4000-8000-00000000dead' })).resolves.toEqual({ kind: 'repositoryMissing' });
      await expect(failureOf(client.readFile({ ...storefront, path: 'folder' }))).resolves.toMatchObject({ message: expect.stringMatching(/\/folder is a folder, not a file$/) });
      await expect(client.listChangedRepositoryIds({ project: organization.projects[0].id, since: new Date() })).resolves.toEqual(new Set());
      // The marks were really sent, on discovery (OPTIONS) as on data.
      expect(simulator.requests.filter(request => request.method === 'OPTIONS').length).toBeGreaterThan(0);
    });

    it('takes a missing file whose 404 envelope comes behind a byte order mark for a missing file', async () => {
      const client = await clientFor();
      simulator.addFault({
        route: 'items',
        response: { type: 'error', status: 404, typeKey: 'GitItemNotFoundException', message: "TF401174: The item '/catalog-info.yaml' could not be found.", byteOrderMark: true },
      });
      await expect(client.readFile(storefront)).resolves.toEqual({ kind: 'missing' });
    });

    it('names a 404 HTML page on the listing by its title, never its markup', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'repositories', response: { type: 'pageNotFound404' } });
      const error = await failureOf(client.listRepositories());
      expect(error.kind).toBe('notFound');
      expect(error.message).toMatch(/listing repositories failed: not found \(404\): an HTML page titled "Page not found\."; check the organization name and apiUrl$/);
    });

    it('takes a 404 HTML page on a file read as a failed read, never as a missing file', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'items', response: { type: 'pageNotFound404' } });
      const error = await failureOf(client.readFile(storefront));
      expect(error.kind).toBe('notFound');
      expect(error.message).toMatch(/reading \/catalog-info.yaml .* failed: not found \(404\): an HTML page titled "Page not found\."/);
    });

    it('retries the outage page (503) and goes on when it passes', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'repositories', times: 2, response: { type: 'outage503' } });
      await expect(client.listRepositories()).resolves.toMatchObject({ malformed: [] });
    });

    it.each([
      ['on the listing', 'repositories' as const, /listing repositories failed: Azure DevOps answered 503 after 2 retries: an HTML page titled "Azure DevOps Services Unavailable"$/],
      ['while discovering the API locations', 'areaOptions' as const, /listing repositories failed: Azure DevOps answered 503 after 2 retries: an HTML page titled "Azure DevOps Services Unavailable"$/],
    ])('names the outage page by its title once retries run out, %s', async (_name, route, message) => {
      const client = await clientFor();
      simulator.addFault({ route, response: { type: 'outage503' } });
      const error = await failureOf(client.listRepositories());
      expect(error.kind).toBe('serverError');
      expect(error.message).toMatch(message);
    });
  });

  describe('one repository', () => {
    const [storefrontRepository, emptyFork] = organization.projects[0].repositories;
    const projectId = organization.projects[0].id;

    it('reads one repository with one request, never a listing, asking api-version 7.2-preview.2', async () => {
      const client = await clientFor();
      await client.listProjects();
      simulator.resetRequests();
      await expect(client.getRepository({ project: 'Web Apps', repositoryId: storefrontRepository.id })).resolves.toEqual({
        id: storefrontRepository.id,
        name: 'storefront',
        project: { id: projectId, name: 'Web Apps', visibility: 'public' },
        defaultBranch: 'main',
        webUrl: `${simulator.url}/contoso/Web%20Apps/_git/storefront`,
        isDisabled: false,
        isFork: false,
      });
      expect(simulator.requests.filter(request => request.method === 'GET').map(request => [request.route, request.path, request.apiVersion])).toEqual([
        ['repository', `/contoso/Web%20Apps/_apis/git/repositories/${storefrontRepository.id}`, '7.2-preview.2'],
      ]);
    });

    it('reads it by project id, and counts the request in requestStats', async () => {
      const client = await clientFor();
      await client.getRepository({ project: projectId, repositoryId: storefrontRepository.id });
      client.requestStats();
      simulator.addFault({ route: 'repository', times: 1, response: { status: 503 } });
      await expect(client.getRepository({ project: projectId, repositoryId: storefrontRepository.id })).resolves.toMatchObject({ name: 'storefront' });
      expect(client.requestStats({ peek: true })).toEqual({ requests: 2, retries: 1, throttledMs: 0 });
      expect(client.requestStats()).toEqual({ requests: 2, retries: 1, throttledMs: 0 });
      expect(client.requestStats()).toEqual({ requests: 0, retries: 0, throttledMs: 0 });
    });

    it('passes the fork flag on, and leaves out the default branch of an empty repository', async () => {
      const repository = await (await clientFor()).getRepository({ project: 'Web Apps', repositoryId: emptyFork.id });
      expect(repository).toMatchObject({ name: 'empty-one', isFork: true, isDisabled: false });
      expect(repository).not.toHaveProperty('defaultBranch');
    });

    it('names no parent of a fork, since neither the listing nor the plain GET carries parentRepository', async () => {
      const client = await clientFor();
      const listed = (await client.listRepositories()).repositories.find(repository => repository.id === emptyFork.id);
      const read = await client.getRepository({ project: 'Web Apps', repositoryId: emptyFork.id });
      expect(listed).toMatchObject({ isFork: true });
      expect(listed).not.toHaveProperty('parent');
      expect(read).not.toHaveProperty('parent');
    });

    it('takes a disabled repository, which the service answers as missing (TF401019), as not there', async () => {
      const disabled = simulator.addRepository('contoso', 'Web Apps', { name: 'retired', isDisabled: true });
      try {
        const client = await clientFor();
        await expect(client.listRepositories({ project: projectId })).resolves.toMatchObject({
          repositories: expect.arrayContaining([expect.objectContaining({ name: 'retired', isDisabled: true })]),
        });
        await expect(client.getRepository({ project: projectId, repositoryId: disabled.id })).resolves.toBeUndefined();
      } finally {
        simulator.removeRepository('contoso', 'Web Apps', 'retired');
      }
    });

    it.each([
      ['a missing repository (TF401019)', { project: 'Web Apps', repositoryId: '0f1e2d3c-0000-4000-8000-00000000dead' }],
      ['a missing project (TF200016)', { project: '0f1e2d3c-0000-4000-8000-00000000beef', repositoryId: storefrontRepository.id }],
      ['a missing project named by name (TF200016)', { project: 'Gone', repositoryId: storefrontRepository.id }],
    ])('answers undefined for %s', async (_name, options) => {
      const client = await clientFor();
      simulator.resetRequests();
      await expect(client.getRepository(options)).resolves.toBeUndefined();
      expect(simulator.requests.filter(request => request.route === 'repository').map(request => request.status)).toEqual([404]);
    });

    it('answers undefined for a project the server names missing by id (ProjectDoesNotExistException)', async () => {
      const client = await clientFor();
      simulator.addFault({
        route: 'repository',
        response: { type: 'error', status: 404, typeKey: 'ProjectDoesNotExistException', message: 'TF200016: The following project does not exist: 0f1e2d3c-0000-4000-8000-00000000beef.' },
      });
      await expect(client.getRepository({ project: '0f1e2d3c-0000-4000-8000-00000000beef', repositoryId: storefrontRepository.id })).resolves.toBeUndefined();
    });

    it('takes a 404 HTML page as an error, never as a repository that is gone, and names it by its title', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'repository', response: { type: 'pageNotFound404' } });
      const error = await failureOf(client.getRepository({ project: 'Web Apps', repositoryId: storefrontRepository.id }));
      expect(error).toMatchObject({ kind: 'notFound', statusCode: 404 });
      expect(error.message).toMatch(
        new RegExp(`reading repository ${storefrontRepository.id} of project Web Apps failed: not found \\(404\\): an HTML page titled "Page not found\\."`),
      );
      expect(error.message).not.toContain(TOKEN);
    });

    it('takes a 404 envelope about something else as an error', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'repository', response: { type: 'error', status: 404, typeKey: 'RouteNotFoundException', message: 'no such route' } });
      await expect(failureOf(client.getRepository({ project: 'Web Apps', repositoryId: storefrontRepository.id }))).resolves.toMatchObject({
        kind: 'notFound',
        typeKey: 'RouteNotFoundException',
      });
    });

    it.each([
      ['a repository without a project', { status: 200, body: { id: storefrontRepository.id, name: 'storefront' } }, /failed: repository "storefront": id, name or project missing or not text$/],
      ['a body that is no object', { status: 200, body: [] }, /failed: an entry that is not an object$/],
      ['malformed JSON', { type: 'malformedJson' as const }, /does not parse/],
      ['an HTML page with 200', { type: 'html200' as const }, /expected JSON, got text\/html/],
    ])('refuses %s as invalidResponse', async (_name, response, message) => {
      const client = await clientFor();
      simulator.addFault({ route: 'repository', response });
      const error = await failureOf(client.getRepository({ project: 'Web Apps', repositoryId: storefrontRepository.id }));
      expect(error.kind).toBe('invalidResponse');
      expect(error.message).toMatch(message);
    });

    it('retries a 500 and then reports serverError', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'repository', response: { status: 500, body: { message: 'boom', typeKey: 'ServerException' } } });
      simulator.resetRequests();
      const error = await failureOf(client.getRepository({ project: 'Web Apps', repositoryId: storefrontRepository.id }));
      expect(error.kind).toBe('serverError');
      expect(error.message).toMatch(/reading repository .* failed: Azure DevOps answered 500 after 2 retries: boom$/);
      expect(simulator.countRequests('repository')).toBe(3);
    });
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

    it('pages at 100, the most the server takes, and finds pushes on every page', async () => {
      const wide = await AzureDevOpsSimulator.start({
        organizations: [generateOrganization({ name: 'wide', repos: 250, projects: 1, withFile: 0, seed: 2 })],
        tokens: [TOKEN],
      });
      try {
        const [project] = wide.organization('wide').projects;
        const pushedTo = [project.repositories[3], project.repositories[180]];
        for (const repository of pushedTo) wide.setFile('wide', project.name, repository.name, 'catalog-info.yaml', 'kind: Component\n');
        const client = await clientFor({ organization: 'wide', apiUrl: wide.url });
        await expect(client.listChangedRepositoryIds({ project: project.id, since: new Date(Date.now() - 60_000) })).resolves.toEqual(
          new Set(pushedTo.map(repository => repository.id)),
        );
        const pages = wide.requests.filter(request => request.route === 'activityMetrics');
        expect(pages.map(request => [request.status, request.query.$skip, request.query.$top])).toEqual([
          [200, '0', '100'],
          [200, '100', '100'],
          [200, '200', '100'],
        ]);
      } finally {
        await wide.stop();
      }
    });

    it('takes a repository listed with zero changes as unchanged, and one with a pushed bucket as changed', async () => {
      const client = await clientFor();
      const [zero, bucket, uncounted] = ['0f1e2d3c-0000-4000-8000-0000000000b1', '0f1e2d3c-0000-4000-8000-0000000000B2', '0f1e2d3c-0000-4000-8000-0000000000b3'];
      const trend = (values: number[]) => values.map((value, hour) => ({ time: `2026-11-27T0${hour}:00:00Z`, value }));
      simulator.addFault({
        route: 'activityMetrics',
        response: {
          status: 200,
          body: {
            count: 3,
            value: [
              { repositoryId: zero, codeChangesCount: 0, codeChangesTrend: trend([0, 0]) },
              // Inconsistent, but a push in any bucket must never be missed.
              { repositoryId: bucket, codeChangesCount: 0, codeChangesTrend: trend([0, 1]) },
              { repositoryId: uncounted },
            ],
          },
        },
      });
      await expect(client.listChangedRepositoryIds({ project, since: new Date() })).resolves.toEqual(new Set([bucket.toLowerCase(), uncounted]));
    });

    it('throws badRequest, with the server\'s reason on one line, when the server refuses the window (400)', async () => {
      const client = await clientFor();
      const error = await failureOf(client.listChangedRepositoryIds({ project, since: new Date(Date.now() - 40 * 24 * 3_600_000) }));
      expect(error).toMatchObject({ kind: 'badRequest', statusCode: 400, typeKey: 'ArgumentOutOfRangeException' });
      expect(error.message).toMatch(/refused the request \(400\): Specified argument was out of the range of valid values\. Parameter name: from time can be only within last 30 days$/);
    });

    it('stops when a server ignores $skip instead of asking forever', async () => {
      const client = await clientFor();
      const fullPage = Array.from({ length: 100 }, (_, index) => ({ repositoryId: `0f1e2d3c-0000-4000-8000-${String(index).padStart(12, '0')}`, codeChangesCount: 0 }));
      simulator.addFault({ route: 'activityMetrics', response: { status: 200, body: { count: 100, value: fullPage } } });
      simulator.resetRequests();
      const error = await failureOf(client.listChangedRepositoryIds({ project, since: new Date() }));
      expect(error.kind).toBe('invalidResponse');
      expect(error.message).toMatch(/the page at \$skip=100 repeats repositories already listed; the server ignores \$skip/);
      expect(simulator.countRequests('activityMetrics')).toBe(2);
    });

    it.each([404, 403])('says it cannot tell when project analysis answers %s', async status => {
      const client = await clientFor();
      simulator.addFault({ route: 'activityMetrics', response: { status, body: { message: 'no analytics' } } });
      await expect(client.listChangedRepositoryIds({ project, since: new Date() })).resolves.toBeUndefined();
    });

    it('says nothing changed in a project deleted since the listing (404 TF200016)', async () => {
      const client = await clientFor();
      simulator.resetRequests();
      await expect(client.listChangedRepositoryIds({ project: '0f1e2d3c-0000-4000-8000-00000000dead', since: new Date() })).resolves.toEqual(new Set());
      const asked = simulator.requests.filter(request => request.route === 'activityMetrics');
      expect(asked.map(request => request.status)).toEqual([404]);
    });

    it('says it cannot tell on a 404 that is not about the project', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'activityMetrics', response: { type: 'error', status: 404, typeKey: 'RouteNotFoundException', message: 'no such route' } });
      await expect(client.listChangedRepositoryIds({ project, since: new Date() })).resolves.toBeUndefined();
    });

    it('says it cannot tell when the server has no project analysis area at all', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'areaOptions', response: { status: 404 } });
      await expect(client.listChangedRepositoryIds({ project, since: new Date() })).resolves.toBeUndefined();
    });
  });

  describe('commits', () => {
    const alice = { name: 'Alice Martin', email: 'alice.martin@contoso.example' };
    const aliceAgain = { name: 'Alice Martin', email: 'Alice.Martin@Contoso.example' };
    const dependabot = { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com' };
    const bilal = { name: 'Bilal Khan', email: 'bilal.khan@contoso.example' };
    const history: CommitInit[] = [
      // Authored two days before it reached the branch: the listing orders by the committer date.
      { author: alice, authoredAt: new Date('2026-11-18T09:00:00Z'), committedAt: new Date('2026-11-20T10:00:00Z') },
      { author: dependabot, committedAt: new Date('2026-11-10T08:30:00Z') },
      { author: aliceAgain, committedAt: new Date('2026-10-01T12:00:00Z') },
      { author: bilal, committedAt: new Date('2026-08-15T16:45:00Z') },
      { author: bilal, committedAt: new Date('2026-02-01T07:00:00Z') },
    ];
    let repository: { id: string; commits: Array<{ id: string }> };
    const page = (skip: number | undefined, top: number) => ({ project: 'Web Apps', repositoryId: repository.id, branch: 'main', top, ...(skip === undefined ? {} : { skip }) });

    beforeAll(() => {
      const added = simulator.addRepository('contoso', 'Web Apps', { name: 'history', files: { 'README.md': '# history\n' }, commits: history });
      repository = { id: added.id, commits: added.commits ?? [] };
    });

    afterAll(() => simulator.removeRepository('contoso', 'Web Apps', 'history'));

    it('lists a branch newest first, one page per call, with the committer date and the author\'s name and address', async () => {
      const client = await clientFor();
      simulator.resetRequests();
      const pages = [await client.listCommits(page(undefined, 2)), await client.listCommits(page(2, 2)), await client.listCommits(page(4, 2)), await client.listCommits(page(5, 2))];
      expect(pages.map(listed => listed.map(commit => commit.commitId))).toEqual([
        [repository.commits[0].id, repository.commits[1].id],
        [repository.commits[2].id, repository.commits[3].id],
        [repository.commits[4].id],
        [],
      ]);
      expect(pages[0][0]).toEqual({ commitId: repository.commits[0].id, author: alice, committedAt: new Date('2026-11-20T10:00:00Z') });
      expect(pages[1][0].author).toEqual(aliceAgain);

      const asked = simulator.requests.filter(request => request.route === 'commits');
      expect(asked.map(request => [request.status, request.apiVersion, request.query['searchCriteria.$top'], request.query['searchCriteria.$skip']])).toEqual([
        [200, '7.2-preview.2', '2', undefined],
        [200, '7.2-preview.2', '2', '2'],
        [200, '7.2-preview.2', '2', '4'],
        [200, '7.2-preview.2', '2', '5'],
      ]);
      expect(asked[0].query).toMatchObject({ 'searchCriteria.itemVersion.version': 'main', 'searchCriteria.itemVersion.versionType': '0' });
      // Never the library's `searchCriteria=[object Object]`.
      expect(asked.every(request => !('searchCriteria' in request.query))).toBe(true);
      expect(asked[0].path).toBe(`/contoso/Web%20Apps/_apis/git/repositories/${repository.id}/commits`);
    });

    it.each([
      ['an empty repository (TF401175: it has no branch)', () => ({ repositoryId: organization.projects[0].repositories[1].id })],
      ['a branch that does not resolve (TF401175)', () => ({ branch: 'gone' })],
      ['a missing repository (TF401019)', () => ({ repositoryId: '0f1e2d3c-0000-4000-8000-00000000dead' })],
      ['a missing project (TF200016)', () => ({ project: 'Gone' })],
    ])('gives an empty page for %s', async (_name, change) => {
      const client = await clientFor();
      simulator.resetRequests();
      await expect(client.listCommits({ ...page(undefined, 10), ...change() })).resolves.toEqual([]);
      expect(simulator.requests.filter(request => request.route === 'commits').map(request => request.status)).toEqual([404]);
    });

    it('gives an empty page for a repository without branches answered with VS403403', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'commits', response: { type: 'error', status: 404, typeKey: 'GitItemNotFoundException', message: 'VS403403: Cannot find any branches for the history repository.' } });
      await expect(client.listCommits(page(undefined, 10))).resolves.toEqual([]);
    });

    it('leaves out commits without an author address or a committer date, and keeps the rest of the page', async () => {
      const client = await clientFor();
      const good = { commitId: 'a'.repeat(40), author: { name: 'A', email: 'a@contoso.example', date: '2026-11-01T00:00:00Z' }, committer: { name: 'A', email: 'a@contoso.example', date: '2026-11-02T00:00:00Z' } };
      simulator.addFault({
        route: 'commits',
        response: {
          status: 200,
          body: {
            count: 5,
            value: [good, { ...good, commitId: 'b'.repeat(40), author: { name: 'B' } }, { ...good, commitId: 'c'.repeat(40), committer: { name: 'C', email: 'c@contoso.example' } }, 'not a commit', { ...good, commitId: 'd'.repeat(40) }],
          },
        },
      });
      await expect(client.listCommits(page(undefined, 5))).resolves.toEqual([
        { commitId: 'a'.repeat(40), author: { name: 'A', email: 'a@contoso.example' }, committedAt: new Date('2026-11-02T00:00:00Z') },
        { commitId: 'd'.repeat(40), author: { name: 'A', email: 'a@contoso.example' }, committedAt: new Date('2026-11-02T00:00:00Z') },
      ]);
    });

    it.each([
      ['a 404 HTML page, which says nothing about the history', { type: 'pageNotFound404' as const }, 'notFound', /listing commits of branch main of repository .* in project Web Apps failed: not found \(404\): an HTML page titled "Page not found\."/],
      ['a 404 envelope about something else', { type: 'error' as const, status: 404, typeKey: 'RouteNotFoundException', message: 'no such route' }, 'notFound', /not found \(404\): no such route/],
      ['500', { status: 500, body: { message: 'boom' } }, 'serverError', /answered 500 after 2 retries: boom$/],
      ['a 200 without a value list', { status: 200, body: {} }, 'invalidResponse', /the answer has no "value" list$/],
    ])('throws on %s', async (_name, response, kind, message) => {
      const client = await clientFor();
      simulator.addFault({ route: 'commits', response });
      const error = await failureOf(client.listCommits(page(undefined, 10)));
      expect(error.kind).toBe(kind);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(TOKEN);
    });
  });

  describe('language metrics', () => {
    const [storefront, emptyOne] = organization.projects[0].repositories;
    const live = () => simulator.repository('contoso', 'Web Apps', 'storefront');

    beforeEach(() => {
      live().languages = { TypeScript: 2000, JavaScript: 1000, '.h': 400 };
    });

    afterEach(() => {
      delete live().languages;
      delete live().languageResultPhase;
      delete simulator.organization('contoso').projects[0].languageAnalysis;
    });

    it('reads each repository\'s languages, largest first, with shares to one decimal, asking api-version 7.2-preview.1', async () => {
      const client = await clientFor();
      simulator.resetRequests();
      const languages = await client.getProjectLanguages({ project: 'Web Apps' });
      expect(languages).toEqual({
        phase: 'full',
        repositories: new Map([[storefront.id, [{ name: 'TypeScript', percentage: 66.7 }, { name: 'JavaScript', percentage: 33.3 }]]]),
      });
      expect(languages?.repositories.has(emptyOne.id)).toBe(false);
      expect(simulator.requests.filter(request => request.route === 'languageMetrics').map(request => [request.status, request.apiVersion, request.path])).toEqual([
        [200, '7.2-preview.1', '/contoso/Web%20Apps/_apis/projectanalysis/languagemetrics'],
      ]);
    });

    it('says the analysis is preliminary when the server answers 206', async () => {
      live().languageResultPhase = 'preliminary';
      const client = await clientFor();
      await expect(client.getProjectLanguages({ project: 'Web Apps' })).resolves.toEqual({ phase: 'preliminary', repositories: new Map([[storefront.id, []]]) });
      expect(simulator.requests.filter(request => request.route === 'languageMetrics').at(-1)?.status).toBe(206);
    });

    it('keys repositories by lower-case id whatever case the answer has', async () => {
      const client = await clientFor();
      simulator.addFault({
        route: 'languageMetrics',
        response: { status: 200, body: { resultPhase: 'full', repositoryLanguageAnalytics: [{ id: storefront.id.toUpperCase(), languageBreakdown: [{ name: 'Go', languagePercentage: 100 }] }] } },
      });
      await expect(client.getProjectLanguages({ project: 'Web Apps' })).resolves.toEqual({ phase: 'full', repositories: new Map([[storefront.id, [{ name: 'Go', percentage: 100 }]]]) });
    });

    it('answers undefined where the project has no analysis (404)', async () => {
      simulator.organization('contoso').projects[0].languageAnalysis = 'unavailable';
      const client = await clientFor();
      await expect(client.getProjectLanguages({ project: 'Web Apps' })).resolves.toBeUndefined();
      expect(simulator.requests.filter(request => request.route === 'languageMetrics').at(-1)?.status).toBe(404);
    });

    it.each([401, 403])('answers undefined when the token may not read the analysis (%s)', async status => {
      const client = await clientFor();
      simulator.addFault({ route: 'languageMetrics', response: { status, body: { message: 'TF400813: not authorized' } } });
      await expect(client.getProjectLanguages({ project: 'Web Apps' })).resolves.toBeUndefined();
    });

    it('answers undefined for a project deleted since the listing (404 TF200016)', async () => {
      await expect((await clientFor()).getProjectLanguages({ project: 'Gone' })).resolves.toBeUndefined();
    });

    it('answers undefined when the server has no project analysis area at all', async () => {
      const client = await clientFor();
      simulator.addFault({ route: 'areaOptions', response: { status: 404 } });
      await expect(client.getProjectLanguages({ project: 'Web Apps' })).resolves.toBeUndefined();
    });

    it.each([
      ['500', { status: 500, body: { message: 'boom' } }, 'serverError', /reading the language metrics of project Web Apps failed: Azure DevOps answered 500 after 2 retries: boom$/],
      ['a 200 that is no analysis', { status: 200, body: { value: [] } }, 'invalidResponse', /failed: the answer has no "repositoryLanguageAnalytics" list$/],
      ['an HTML page with 200', { type: 'html200' as const }, 'invalidResponse', /expected JSON, got text\/html/],
    ])('throws on %s', async (_name, response, kind, message) => {
      const client = await clientFor();
      simulator.addFault({ route: 'languageMetrics', response });
      const error = await failureOf(client.getProjectLanguages({ project: 'Web Apps' }));
      expect(error.kind).toBe(kind);
      expect(error.message).toMatch(message);
    });
  });

  describe('what the token check asks', () => {
    const SHORT_TOKEN = 'contract-short-scopes-pat-55555';

    afterEach(() => {
      simulator.setTokenScopes(undefined);
      simulator.setExpiredTokens([]);
      delete simulator.organization('contoso').projects[0].languageAnalysis;
    });

    it('reads who the token is from connectionData, before any location discovery', async () => {
      const client = await clientFor();
      simulator.resetRequests();
      await expect(client.getConnection()).resolves.toEqual({ userId: expect.any(String), userName: 'Simulated User', deployment: 'hosted' });
      expect(simulator.requests.map(request => [request.method, request.route, request.status])).toEqual([['GET', 'connectionData', 200]]);
    });

    it('says so when Azure DevOps says the token has expired', async () => {
      simulator.setExpiredTokens([TOKEN]);
      const error = await failureOf((await clientFor()).getConnection());
      expect(error).toMatchObject({ kind: 'unauthorized', statusCode: 401, tokenExpired: true });
      expect(error.message).toMatch(/reading the connection data failed: the token has expired \(401, Access Denied: The Personal Access Token used has expired\.\)/);
    });

    it.each([
      ['the sign-in page (203)', '203' as const, 203],
      ['an empty 401', '401-empty' as const, 401],
    ])('takes %s for a refused token it cannot call expired', async (_name, mode, status) => {
      simulator.setAuthFailure(mode);
      const error = await failureOf((await clientFor({ token: 'nobody-knows-this-pat' })).getConnection());
      expect(error).toMatchObject({ kind: 'unauthorized', statusCode: status, tokenExpired: false });
    });

    it('refuses connection data that names an anonymous caller', async () => {
      simulator.addFault({ route: 'connectionData', response: { status: 200, body: { authenticatedUser: { id: 'aa', providerDisplayName: 'Anonymous' } } } });
      const error = await failureOf((await clientFor()).getConnection());
      expect(error.kind).toBe('unauthorized');
      expect(error.message).toMatch(/answered as for an anonymous caller/);
    });

    it('lists only the projects asked for, from one small page', async () => {
      const client = await clientFor({ organization: 'big' });
      simulator.resetRequests();
      await expect(client.listProjects({ limit: 3 })).resolves.toHaveLength(3);
      expect(simulator.requests.filter(request => request.route === 'projects').map(request => request.query.$top)).toEqual(['3']);
    });

    it('asks project analysis once per metrics, and resolves when it answers', async () => {
      const client = await clientFor();
      simulator.resetRequests();
      await client.checkProjectAnalysis({ project: 'Web Apps', metrics: 'activity', since: new Date(Date.now() - 86_400_000) });
      await client.checkProjectAnalysis({ project: 'Web Apps', metrics: 'languages', since: new Date() });
      expect(simulator.requests.filter(request => request.method === 'GET').map(request => [request.route, request.status, request.query.$top])).toEqual([
        ['resourceAreas', 200, undefined],
        ['activityMetrics', 200, '1'],
        ['languageMetrics', 200, undefined],
      ]);
    });

    it('throws the status where the listing methods would resolve undefined', async () => {
      simulator.setTokens([TOKEN, SHORT_TOKEN]);
      simulator.setTokenScopes({ [SHORT_TOKEN]: ['vso.code', 'vso.project'] });
      const client = await clientFor({ token: SHORT_TOKEN });
      const since = new Date();
      for (const metrics of ['activity', 'languages'] as const) {
        const error = await failureOf(client.checkProjectAnalysis({ project: 'Web Apps', metrics, since }));
        expect(error).toMatchObject({ kind: 'unauthorized', statusCode: 401 });
      }
      await expect(client.getProjectLanguages({ project: 'Web Apps' })).resolves.toBeUndefined();
    });

    it('throws notFound, saying what it means, where project analysis is not served', async () => {
      simulator.organization('contoso').projects[0].languageAnalysis = 'unavailable';
      const error = await failureOf((await clientFor()).checkProjectAnalysis({ project: 'Web Apps', metrics: 'languages', since: new Date() }));
      expect(error).toMatchObject({ kind: 'notFound', statusCode: 404 });
      expect(error.message).toMatch(/reading the language metrics of project Web Apps failed: project analysis is not there \(404/);
    });

    it('names the accept rule connectionData needs when a broker blocks it', async () => {
      simulator.setBrokerAcceptRules(MODULE_BROKER_ACCEPT_RULES);
      try {
        const client = await clientFor({ token: undefined, broker: { url: simulator.url, token: BROKER_TOKEN } });
        const error = await failureOf(client.getConnection());
        expect(error.kind).toBe('blocked');
        expect(error.message).toContain('add one for GET /:org/_apis/connectionData');
        expect(error.message).not.toContain(BROKER_TOKEN);
      } finally {
        simulator.setBrokerAcceptRules(undefined);
      }
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

    describe('with accept rules', () => {
      afterEach(() => simulator.setBrokerAcceptRules(undefined));

      it('works with exactly the rules the README lists', async () => {
        simulator.setBrokerAcceptRules(MODULE_BROKER_ACCEPT_RULES);
        const client = await clientFor({ token: undefined, broker });
        const [project] = await client.listProjects();
        await expect(client.listRepositories({ project: project.id })).resolves.toMatchObject({ malformed: [] });
        await expect(client.readFile(storefront)).resolves.toMatchObject({ kind: 'found' });
        await expect(client.listChangedRepositoryIds({ project: project.id, since: new Date() })).resolves.toBeInstanceOf(Set);
        await expect(client.getRepository({ project: project.id, repositoryId: storefront.repositoryId })).resolves.toMatchObject({ name: 'storefront' });
        const commits = await client.listCommits({ project: project.id, repositoryId: storefront.repositoryId, branch: 'main', top: 10 });
        expect(commits.length).toBeGreaterThan(0);
        await expect(client.getProjectLanguages({ project: project.id })).resolves.toMatchObject({ phase: 'full' });
      });

      it.each([
        ['the projects listing', 'GET /:org/_apis/projects', (client: AzureDevOpsClient) => client.listProjects()],
        ['a repository listing', 'GET /:org/:project/_apis/git/repositories', (client: AzureDevOpsClient) => client.listRepositories({ project: 'Web Apps' })],
        ['the Git area discovery', 'OPTIONS /:org/_apis/git', (client: AzureDevOpsClient) => client.listRepositories({ project: 'Web Apps' })],
        ['a file read', 'GET /:org/:project/_apis/git/repositories/:repo/items', (client: AzureDevOpsClient) => client.readFile(storefront)],
        ['the activity listing', 'GET /:org/:project/_apis/projectanalysis/repositoryactivity/metrics/repositories', (client: AzureDevOpsClient) => client.listChangedRepositoryIds({ project: 'Web Apps', since: new Date() })],
        ['a single repository', 'GET /:org/:project/_apis/git/repositories/:repo', (client: AzureDevOpsClient) => client.getRepository({ project: 'Web Apps', repositoryId: storefront.repositoryId })],
        ['a commit listing', 'GET /:org/:project/_apis/git/repositories/:repo/commits', (client: AzureDevOpsClient) => client.listCommits({ project: 'Web Apps', repositoryId: storefront.repositoryId, branch: 'main', top: 10 })],
      ])('names the accept rule to add when the broker blocks %s', async (_name, rule, call) => {
        simulator.setBrokerAcceptRules(acceptRulesWithout(rule));
        const client = await clientFor({ token: undefined, broker });
        const error = await failureOf(call(client));
        expect(error.kind).toBe('blocked');
        expect(error.statusCode).toBe(401);
        expect(error.message).toContain(`through the broker at ${new URL(simulator.url).host}`);
        expect(error.message).toContain(`the broker blocked the request: none of its accept rules allows it; add one for ${rule}`);
        expect(error.message).not.toContain(BROKER_TOKEN);
      });

      it.each([
        ['the language metrics', 'GET /:org/:project/_apis/projectanalysis/languagemetrics'],
        ['the project analysis area discovery', 'OPTIONS /:org/_apis/projectanalysis'],
      ])('takes languages as not offered when the broker blocks %s', async (_name, rule) => {
        simulator.setBrokerAcceptRules(acceptRulesWithout(rule));
        const client = await clientFor({ token: undefined, broker });
        await expect(client.getProjectLanguages({ project: 'Web Apps' })).resolves.toBeUndefined();
        expect(simulator.requests.at(-1)).toMatchObject({ status: 401 });
      });

      it('names the catalog file path the items rule must allow', async () => {
        simulator.setBrokerAcceptRules(acceptRulesWithout('GET /:org/:project/_apis/git/repositories/:repo/items'));
        const error = await failureOf((await clientFor({ token: undefined, broker })).readFile(storefront));
        expect(error.message).toMatch(/add one for GET \/:org\/:project\/_apis\/git\/repositories\/:repo\/items with query parameter path=\/catalog-info\.yaml/);
      });

      it('takes a 401 "blocked" without a broker as a rejected token', async () => {
        simulator.addFault({ route: 'repositories', response: { type: 'brokerBlocked' } });
        const error = await failureOf((await clientFor()).listRepositories());
        expect(error.kind).toBe('unauthorized');
      });
    });

    it('keeps the broker token out of error messages, even when the server echoes the URL', async () => {
      const client = await clientFor({ token: undefined, broker, maxRetries: 0 });
      // Proxies and some Azure DevOps errors quote the request URL, which holds the broker token.
      const echoed = `/broker/${BROKER_TOKEN}/contoso/_apis/git/repositories and /broker/${encodeURIComponent(BROKER_TOKEN)}/`;
      simulator.addFault({ route: 'repositories', response: { status: 500, body: { message: `upstream failed for ${echoed}` } } });
      const error = await failureOf(client.listRepositories());
      expect(error.message).toContain('upstream failed for /broker/***/contoso/_apis/git/repositories');
      expect(error.message).not.toContain(BROKER_TOKEN);
    });
  });
});
