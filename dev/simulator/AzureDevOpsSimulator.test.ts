import type { IncomingMessage } from 'node:http';
import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import { GitApi } from 'azure-devops-node-api/GitApi';
import type { IRequestHandler } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';
import { ProjectVisibility } from 'azure-devops-node-api/interfaces/CoreInterfaces';
import { GitObjectType, GitVersionType } from 'azure-devops-node-api/interfaces/GitInterfaces';
import { AggregationType } from 'azure-devops-node-api/interfaces/ProjectAnalysisInterfaces';
import { AzureDevOpsSimulator, type AzureDevOpsSimulatorOptions } from './AzureDevOpsSimulator';
import type { FaultResponse } from './faults';
import { generateOrganization } from './generateOrganization';
import { DEMO_ORGANIZATION_FIXTURE, loadOrganization } from './loadOrganization';
import { createRepository, gitBlobSha1, type SimulatedRepository } from './organization';

// The library sends loopback traffic to an upper-case HTTP(S)_PROXY when one is set.
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const DEMO = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

function demoRepository(project: string, name: string): SimulatedRepository {
  const found = DEMO.projects.find(candidate => candidate.name === project)?.repositories.find(r => r.name === name);
  if (!found) throw new Error(`${project}/${name} missing from the demo fixture`);
  return found;
}

function startDemo(options: Partial<AzureDevOpsSimulatorOptions> = {}): Promise<AzureDevOpsSimulator> {
  return AzureDevOpsSimulator.start({ organizations: [DEMO], ...options });
}

function connect(simulator: AzureDevOpsSimulator, token = 'sim-token'): WebApi {
  return new WebApi(simulator.organizationUrl('demo'), getPersonalAccessTokenHandler(token, false));
}

function basic(token: string): string {
  return `Basic ${Buffer.from(`PAT:${token}`).toString('base64')}`;
}

function get(simulator: AzureDevOpsSimulator, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${simulator.url}${path}`, {
    headers: { authorization: basic('sim-token'), accept: 'application/json', ...headers },
  });
}

/** getItemText and getItemContent resolve the raw response whatever its status. */
async function readStream(stream: NodeJS.ReadableStream): Promise<{ status: number | undefined; body: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return { status: (stream as IncomingMessage).statusCode, body: Buffer.concat(chunks).toString('utf8') };
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise(resolve => setTimeout(resolve, 5));
}

describe('AzureDevOpsSimulator', () => {
  let simulator: AzureDevOpsSimulator;

  beforeAll(async () => {
    simulator = await startDemo();
  });

  afterAll(() => simulator.stop());

  beforeEach(() => {
    simulator.resetRequests();
    simulator.clearFaults();
  });

  describe('through azure-devops-node-api', () => {
    it('serves location discovery once per client and negotiates api-version 7.2-preview as on Services', async () => {
      const git = await connect(simulator).getGitApi();
      await git.getRepositories();
      await git.getRepositories('Mobile Apps');

      expect(simulator.requests.map(request => [request.method, request.route, request.apiVersion])).toEqual([
        ['OPTIONS', 'location', undefined],
        ['GET', 'resourceAreas', '7.2-preview.1'],
        ['OPTIONS', 'areaOptions', undefined],
        ['GET', 'repositories', '7.2-preview.2'],
        ['GET', 'repositories', '7.2-preview.2'],
      ]);
      expect(simulator.requests[4]).toMatchObject({
        path: '/demo/Mobile%20Apps/_apis/git/repositories',
        project: 'Mobile Apps',
        status: 200,
        authorization: basic('sim-token'),
      });
    });

    it('lists projects, paged by $top and $skip', async () => {
      const core = await connect(simulator).getCoreApi();
      const projects = await core.getProjects();
      expect(projects.map(project => [project.name, project.visibility, project.state])).toEqual([
        ['Platform', ProjectVisibility.Private, 'wellFormed'],
        ['Commerce', ProjectVisibility.Private, 'wellFormed'],
        ['Mobile Apps', ProjectVisibility.Private, 'wellFormed'],
        ['Sandbox', ProjectVisibility.Public, 'wellFormed'],
      ]);
      expect((await core.getProjects(undefined, 2, 2)).map(project => project.name)).toEqual(['Mobile Apps', 'Sandbox']);
    });

    it('lists repositories organization-wide and per project with the reference fields', async () => {
      const git = await connect(simulator).getGitApi();
      const all = await git.getRepositories();
      expect(all).toHaveLength(11);

      const mobile = await git.getRepositories('Mobile Apps');
      expect(mobile.map(repository => repository.name).sort()).toEqual(['ios-app', 'ios-app-fork']);
      expect(await git.getRepositories('mobile apps')).toHaveLength(2);
      expect(await git.getRepositories(mobile[0].project?.id)).toHaveLength(2);

      const fork = mobile.find(repository => repository.name === 'ios-app-fork');
      expect(fork).toMatchObject({
        id: demoRepository('Mobile Apps', 'ios-app-fork').id,
        defaultBranch: 'refs/heads/main',
        isFork: true,
        isDisabled: false,
        project: { name: 'Mobile Apps', visibility: ProjectVisibility.Private },
        webUrl: `${simulator.url}/demo/Mobile%20Apps/_git/ios-app-fork`,
        size: demoRepository('Mobile Apps', 'ios-app-fork').size,
      });

      const byName = new Map(all.map(repository => [`${repository.project?.name}/${repository.name}`, repository]));
      expect(byName.get('Commerce/new-service')).not.toHaveProperty('defaultBranch');
      expect(byName.get('Platform/legacy-monolith')?.isDisabled).toBe(true);
      expect(byName.get('Platform/api')?.id).not.toBe(byName.get('Commerce/api')?.id);

      const commerceApi = await git.getRepository('api', 'Commerce');
      expect(commerceApi.id).toBe(demoRepository('Commerce', 'api').id);
    });

    it('answers an unknown project with TF200016, which the library turns into null', async () => {
      const git = await connect(simulator).getGitApi();
      expect(await git.getRepositories('Nowhere')).toBeNull();

      const response = await get(simulator, '/demo/Nowhere/_apis/git/repositories');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        typeKey: 'ProjectDoesNotExistWithNameException',
        message: expect.stringMatching(/^TF200016: /),
      });
    });

    it('reads a file as text, as raw bytes and as item metadata', async () => {
      const repository = demoRepository('Platform', 'api');
      const content = repository.files['catalog-info.yaml'];
      const git = await connect(simulator).getGitApi();

      expect(await readStream(await git.getItemText(repository.id, '/catalog-info.yaml', 'Platform'))).toEqual({
        status: 200,
        body: content,
      });
      expect((await readStream(await git.getItemContent(repository.id, 'catalog-info.yaml', 'Platform'))).body).toBe(content);

      const item = await git.getItem(
        repository.id,
        '/catalog-info.yaml',
        'Platform',
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        { version: 'main', versionType: GitVersionType.Branch },
        true,
      );
      expect(item).toMatchObject({
        objectId: gitBlobSha1(content),
        gitObjectType: GitObjectType.Blob,
        commitId: repository.commitId,
        path: '/catalog-info.yaml',
        content,
      });
      expect(simulator.requests.at(-1)?.query).toMatchObject({
        'versionDescriptor.version': 'main',
        'versionDescriptor.versionType': '0',
        includeContent: 'true',
      });
    });

    it.each([
      ['a missing file', 'Platform', 'infrastructure', undefined, 'GitItemNotFoundException', 'TF401174'],
      ['an empty repository', 'Commerce', 'new-service', undefined, 'GitItemNotFoundException', 'VS403403'],
      ['an unknown branch', 'Platform', 'api', 'develop', 'GitUnresolvableToCommitException', 'TF401175'],
      ['a full ref name', 'Platform', 'api', 'refs/heads/main', 'GitUnresolvableToCommitException', 'TF401175'],
      ['a disabled repository', 'Platform', 'legacy-monolith', undefined, 'GitRepositoryNotFoundException', 'TF401019'],
    ])('answers %s with 404 %s', async (_case, project, name, branch, typeKey, code) => {
      const git = await connect(simulator).getGitApi();
      const version = branch ? { version: branch, versionType: GitVersionType.Branch } : undefined;
      const id = demoRepository(project, name).id;
      const args = [undefined, undefined, undefined, undefined, undefined, version] as const;

      const { status, body } = await readStream(await git.getItemText(id, '/catalog-info.yaml', project, ...args));
      expect(status).toBe(404);
      expect(JSON.parse(body)).toMatchObject({ typeKey, message: expect.stringMatching(new RegExp(`^${code}: ?`)) });
      expect(await git.getItem(id, '/catalog-info.yaml', project, ...args)).toBeNull();
    });

    it('answers an unknown repository with TF401019', async () => {
      const git = await connect(simulator).getGitApi();
      const { status, body } = await readStream(await git.getItemText(MISSING_ID, '/catalog-info.yaml', 'Platform'));
      expect(status).toBe(404);
      expect(JSON.parse(body)).toMatchObject({
        typeKey: 'GitRepositoryNotFoundException',
        message: expect.stringMatching(/^TF401019: /),
      });
    });

    it('reports the tip through refs, commits and branch stats', async () => {
      const repository = demoRepository('Commerce', 'api');
      const git = await connect(simulator).getGitApi();

      const refs = await git.getRefs(repository.id, 'Commerce', 'heads/main');
      expect(refs.map(ref => [ref.name, ref.objectId])).toEqual([['refs/heads/main', repository.commitId]]);
      expect(await git.getRefs(repository.id, 'Commerce', 'heads/develop')).toEqual([]);

      const commits = await git.getCommits(repository.id, { $top: 1, itemVersion: { version: 'main' } }, 'Commerce');
      expect(commits.map(commit => [commit.commitId, commit.committer?.date])).toEqual([
        [repository.commitId, repository.lastPushDate],
      ]);

      const branch = await git.getBranch(repository.id, 'main', 'Commerce');
      expect(branch).toMatchObject({ name: 'main', commit: { commitId: repository.commitId } });
    });

    it('answers one project with its capabilities, and language metrics per repository', async () => {
      const api = connect(simulator);
      const project = await (await api.getCoreApi()).getProject('mobile apps', true);
      expect(project).toMatchObject({
        name: 'Mobile Apps',
        capabilities: { versioncontrol: { sourceControlType: 'Git' } },
      });

      const languages = await (await api.getProjectAnalysisApi()).getProjectLanguageAnalytics('Platform');
      expect(languages.repositoryLanguageAnalytics?.map(repository => repository.name)).toEqual([
        'api',
        'platform-docs',
        'infrastructure',
        'legacy-monolith',
      ]);
      // api and infrastructure name their languages; the others are guessed from their files' extensions.
      expect(languages.languageBreakdown?.map(language => language.name)).toEqual(['TypeScript', 'HCL', 'JavaScript', 'Shell', 'Dockerfile', 'YAML', 'Markdown']);
    });

    it('answers 404 for the language metrics of a project without language analysis', async () => {
      const own = await startDemo();
      try {
        own.organization('demo').projects[1].languageAnalysis = 'unavailable';
        expect((await get(own, '/demo/Commerce/_apis/projectanalysis/languagemetrics')).status).toBe(404);
        expect((await get(own, '/demo/Platform/_apis/projectanalysis/languagemetrics')).status).toBe(200);
      } finally {
        await own.stop();
      }
    });

    it('answers connectionData with the authenticated user', async () => {
      const connection = await connect(simulator).connect();
      expect(connection).toMatchObject({
        authenticatedUser: { id: expect.any(String), providerDisplayName: 'Simulated User' },
        deploymentType: 'hosted',
      });
    });
  });

  describe('over plain HTTP', () => {
    it('answers the ResourceAreas location entry as recorded on Services', async () => {
      const response = await fetch(`${simulator.url}/demo/_apis/Location`, {
        method: 'OPTIONS',
        headers: { authorization: basic('sim-token') },
      });
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.text()).toBe(
        '{"count":1,"value":[{"id":"e81700f7-3be2-46de-8624-2eb35882fcaa","area":"Location","resourceName":"ResourceAreas","routeTemplate":"_apis/{resource}/{areaId}","resourceVersion":1,"minVersion":"3.2","maxVersion":"7.2","releasedVersion":"0.0"}]}',
      );
    });

    it('pages projects with the continuation token header', async () => {
      const first = await get(simulator, '/demo/_apis/projects?%24top=3');
      const token = first.headers.get('x-ms-continuationtoken');
      expect(((await first.json()) as { count: number }).count).toBe(3);
      expect(token).toBeTruthy();

      const second = await get(simulator, `/demo/_apis/projects?%24top=3&continuationToken=${token}`);
      expect(await second.json()).toMatchObject({ count: 1, value: [{ name: 'Sandbox' }] });
      expect(second.headers.get('x-ms-continuationtoken')).toBeNull();
    });

    it('leaves the continuation token out when told to, as some Azure DevOps Server versions do', async () => {
      const own = await startDemo({ continuationTokens: false });
      try {
        const first = await get(own, '/demo/_apis/projects?%24top=3');
        expect(((await first.json()) as { count: number }).count).toBe(3);
        expect(first.headers.get('x-ms-continuationtoken')).toBeNull();
        const second = await get(own, '/demo/_apis/projects?%24top=3&%24skip=3');
        expect(await second.json()).toMatchObject({ count: 1, value: [{ name: 'Sandbox' }] });
      } finally {
        await own.stop();
      }
    });

    it('serves raw content for the legacy version parameter and text/plain', async () => {
      const repository = demoRepository('Mobile Apps', 'ios-app');
      const response = await get(
        simulator,
        `/demo/Mobile%20Apps/_apis/git/repositories/${repository.id}/items?path=catalog-info.yaml&version=main&api-version=7.1`,
        { accept: 'text/plain' },
      );
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(repository.files['catalog-info.yaml']);
      expect(simulator.requests.at(-1)?.apiVersion).toBe('7.1');
    });

    it.each([
      ['/nowhere/_apis/projects', 'OrganizationNotFoundException'],
      ['/demo/_apis/nothing/here', 'RouteNotFoundException'],
    ])('answers %s with a 404 envelope', async (path, typeKey) => {
      const response = await get(simulator, path);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ typeKey, $id: '1', errorCode: 0 });
    });

    it('adds the configured latency to every answer', async () => {
      simulator.setLatency(40);
      try {
        const started = performance.now();
        await get(simulator, '/demo/_apis/connectionData');
        expect(performance.now() - started).toBeGreaterThanOrEqual(38);
      } finally {
        simulator.setLatency(0);
      }
    });
  });

  describe('faults', () => {
    const repository = demoRepository('Commerce', 'api');
    const itemsPath = (id: string, project = 'Commerce') =>
      `/demo/${project}/_apis/git/repositories/${id}/items?path=/catalog-info.yaml`;

    it('scopes a fault to a repository and project, counts its uses and can be removed', async () => {
      const remove = simulator.addFault({
        route: 'items',
        repository: 'api',
        project: 'Commerce',
        times: 2,
        response: { type: 'error', status: 500, typeKey: 'InternalServerException', message: 'boom' },
      });

      const failed = await get(simulator, itemsPath(repository.id));
      expect(failed.status).toBe(500);
      expect(await failed.json()).toMatchObject({ typeKey: 'InternalServerException', message: 'boom' });
      expect((await get(simulator, itemsPath(demoRepository('Platform', 'api').id, 'Platform'))).status).toBe(200);

      remove();
      expect((await get(simulator, itemsPath(repository.id))).status).toBe(200);

      simulator.addFault({ repository: repository.id, times: 1, response: { status: 502, body: 'bad gateway' } });
      expect((await get(simulator, itemsPath(repository.id))).status).toBe(502);
      expect((await get(simulator, itemsPath(repository.id))).status).toBe(200);
    });

    it.each<[string, FaultResponse]>([
      ['the sign-in page', { type: 'signIn203' }],
      ['an HTML page', { type: 'html200' }],
      ['malformed JSON', { type: 'malformedJson' }],
      ['a truncated body', { type: 'truncated' }],
    ])('lets the library resolve null for %s', async (_case, response) => {
      const git = await connect(simulator).getGitApi();
      simulator.addFault({ route: 'repositories', response });
      expect(await git.getRepositories()).toBeNull();
    });

    it('sends any status, JSON body and headers, which the library surfaces on the error', async () => {
      const git = await connect(simulator).getGitApi();
      simulator.addFault({
        route: 'repositories',
        response: { status: 503, body: { message: 'busy' }, headers: { 'retry-after': '3' } },
      });
      await expect(git.getRepositories()).rejects.toMatchObject({
        statusCode: 503,
        message: 'busy',
        rateLimit: { retryAfter: 3 },
      });
    });

    it('answers the sign-in page with 203 and HTML', async () => {
      simulator.addFault({ route: 'projects', response: { type: 'signIn203' } });
      const response = await get(simulator, '/demo/_apis/projects');
      expect(response.status).toBe(203);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('Azure DevOps Services | Sign In');
    });

    it('resets the connection or truncates the body', async () => {
      simulator.addFault({ route: 'projects', times: 1, response: { type: 'reset' } });
      await expect(get(simulator, '/demo/_apis/projects')).rejects.toThrow();

      simulator.addFault({ route: 'projects', times: 1, response: { type: 'truncated' } });
      const truncated = await get(simulator, '/demo/_apis/projects');
      expect(truncated.status).toBe(200);
      await expect(truncated.text()).rejects.toThrow();
      expect(simulator.requests.map(request => request.status)).toEqual([0, 200]);
    });

    it('streams an answer without Content-Length, multi-byte characters intact across slices', async () => {
      const content = `${'x'.repeat(64 * 1024 - 1)}😀${'€'.repeat(70_000)}`;
      const own = await startDemo();
      try {
        own.setFile('demo', 'Commerce', 'api', 'big.yaml', content);
        own.addFault({ route: 'items', times: 1, response: { type: 'chunked' } });
        const path = `/demo/Commerce/_apis/git/repositories/${repository.id}/items?path=/big.yaml`;
        const chunked = await get(own, path, { accept: 'application/octet-stream' });
        expect(chunked.headers.get('content-length')).toBeNull();
        expect(chunked.headers.get('transfer-encoding')).toBe('chunked');
        expect(await chunked.text()).toBe(content);
        const whole = await get(own, path, { accept: 'application/octet-stream' });
        expect(whole.headers.get('content-length')).toBe(String(Buffer.byteLength(content)));
        expect(await whole.text()).toBe(content);
      } finally {
        await own.stop();
      }
    });

    it.each([false, true])('pads a JSON list to a given size (chunked: %s)', async chunked => {
      simulator.addFault({ route: 'repositories', times: 1, response: { type: 'oversized', bytes: 200_000, chunked } });
      const response = await get(simulator, '/demo/_apis/git/repositories');
      expect(response.headers.get('content-length')).toBe(chunked ? null : '200000');
      const body = await response.text();
      expect(body).toHaveLength(200_000);
      expect(JSON.parse(body)).toEqual({ count: 0, value: [] });
    });

    it('stalls a body half-way until stop closes its socket', async () => {
      const own = await startDemo();
      own.addFault({ route: 'projects', response: { type: 'stalled' } });
      const response = await get(own, '/demo/_apis/projects');
      expect(response.status).toBe(200);
      const reader = response.body?.getReader();
      const first = await reader?.read();
      expect(Buffer.from(first?.value ?? []).toString()).toBe('{"count":2,"value":[{"id":"');
      const rest = reader?.read();
      await own.stop();
      await expect(rest).rejects.toThrow();
    });

    it('delays an answer', async () => {
      simulator.addFault({ route: 'projects', response: { type: 'delay', ms: 40 } });
      const started = performance.now();
      const response = await get(simulator, '/demo/_apis/projects');
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(38);
    });

    it('leaves a request hanging until stop closes its socket', async () => {
      const own = await startDemo();
      own.addFault({ route: 'projects', response: { type: 'hang' } });
      const pending = get(own, '/demo/_apis/projects');
      await waitFor(() => own.countRequests('projects') === 1);
      await Promise.all([own.stop(), own.stop()]);
      await expect(pending).rejects.toThrow();
      expect(own.requests[0].status).toBe(0);
    });
  });

  describe('authentication', () => {
    it('answers a bad or missing PAT with the 203 sign-in page, failing discovery in the library', async () => {
      await expect(connect(simulator, 'wrong').getGitApi()).rejects.toThrow(/Failed to find api location for area: Location/);

      const wrong = await get(simulator, '/demo/_apis/projects', { authorization: basic('wrong') });
      expect(wrong.status).toBe(203);
      expect(await wrong.text()).toMatch(/<title>\s*Azure DevOps Services \| Sign In\s*<\/title>/);
      expect((await fetch(`${simulator.url}/demo/_apis/projects`)).status).toBe(203);
    });

    it('answers 401 with TF400813 and X-TFS-ServiceError when configured so', async () => {
      const own = await startDemo({ authFailure: '401' });
      try {
        await expect(connect(own, 'wrong').getGitApi()).rejects.toMatchObject({ statusCode: 401 });
        const response = await get(own, '/demo/_apis/projects', { authorization: basic('wrong') });
        expect(response.status).toBe(401);
        expect(decodeURIComponent(response.headers.get('x-tfs-serviceerror') ?? '')).toMatch(/^TF400813: /);
        expect(await response.json()).toMatchObject({ typeKey: 'UnauthorizedRequestException' });
      } finally {
        await own.stop();
      }
    });

    it('stops accepting a PAT revoked at runtime', async () => {
      const own = await startDemo({ tokens: ['first', 'second'] });
      try {
        const git = await connect(own, 'first').getGitApi();
        expect(await git.getRepositories()).toHaveLength(11);
        own.setTokens(['second']);
        expect(await git.getRepositories()).toBeNull();
        expect(own.requests.at(-1)?.status).toBe(203);
        expect(await (await connect(own, 'second').getGitApi()).getRepositories()).toHaveLength(11);
      } finally {
        await own.stop();
      }
    });

    it('serves broker URLs only without credentials and for known broker tokens', async () => {
      const own = await startDemo({ brokerTokens: ['broker-1'] });
      const noCredentials: IRequestHandler = {
        prepareRequest: () => undefined,
        canHandleAuthentication: () => false,
        handleAuthentication: () => Promise.reject(new Error('not supported')),
      };
      try {
        // As the module does: through a broker, ResourceAreas would send the client to the organization's own address.
        const git = new GitApi(own.brokerUrl('broker-1', 'demo'), [noCredentials]);
        expect(await git.getRepositories('Platform')).toHaveLength(4);
        expect(own.requests.every(request => request.authorization === undefined)).toBe(true);

        const withCredentials = await get(own, '/broker/broker-1/demo/_apis/projects');
        expect(withCredentials.status).toBe(400);
        expect(((await withCredentials.json()) as { message: string }).message).toMatch(/must not carry credentials/);
        expect((await fetch(`${own.url}/broker/unknown/demo/_apis/projects`)).status).toBe(401);
      } finally {
        await own.stop();
      }
    });
  });

  describe('broker accept rules', () => {
    const rules = [
      { method: 'GET', path: '/:org/_apis/projects' },
      { method: 'GET', path: '/:org/:project/_apis/git/repositories/:repo/items', valid: [{ queryParam: 'path', values: ['**/*.json'] }] },
    ];

    it('answers 401 "blocked" with the broker-relative URL for requests no rule allows, and passes the rest', async () => {
      const own = await startDemo({ brokerTokens: ['broker-1'], brokerAcceptRules: rules });
      const base = `${own.url}/broker/broker-1/demo`;
      try {
        expect((await fetch(`${base}/_apis/projects`)).status).toBe(200);
        const blocked = await fetch(`${base}/Platform/_apis/git/repositories?includeHidden=true`);
        expect(blocked.status).toBe(401);
        expect(await blocked.json()).toEqual({
          message: 'blocked',
          reason: '[Websocket Flow][Blocked Request] Does not match any accept rule',
          url: '/demo/Platform/_apis/git/repositories?includeHidden=true',
        });
        const items = `${base}/Platform/_apis/git/repositories/api/items`;
        expect((await fetch(`${items}?path=%2Fcatalog-info.yaml`)).status).toBe(401);
        expect((await fetch(`${items}?path=%2Fpackage.json`)).status).toBe(404);
        // Requests with a PAT never pass a broker.
        expect((await get(own, '/demo/Platform/_apis/git/repositories')).status).toBe(200);

        own.setBrokerAcceptRules(undefined);
        expect((await fetch(`${base}/Platform/_apis/git/repositories`)).status).toBe(200);
      } finally {
        await own.stop();
      }
    });

    it('blocks one request as the broker would, through a fault', async () => {
      simulator.addFault({ route: 'items', repository: 'api', times: 1, response: { type: 'brokerBlocked' } });
      const blocked = await get(simulator, '/demo/Platform/_apis/git/repositories/api/items?path=x');
      expect(blocked.status).toBe(401);
      expect(await blocked.json()).toMatchObject({ message: 'blocked', url: '/demo/Platform/_apis/git/repositories/api/items?path=x' });
    });
  });

  describe('live state', () => {
    let own: AzureDevOpsSimulator;
    let now: number;

    beforeEach(async () => {
      now = Date.parse('2026-03-01T12:00:00Z');
      own = await startDemo({ clock: () => now });
    });

    afterEach(() => own.stop());

    it('moves the tip, the blob id and the push date when a file changes', async () => {
      const repository = demoRepository('Platform', 'api');
      const git = await connect(own).getGitApi();
      const [before] = await git.getRefs(repository.id, 'Platform', 'heads/main');

      const updated = own.setFile('demo', 'Platform', 'api', '/catalog-info.yaml', 'kind: Component\n');
      const [after] = await git.getRefs(repository.id, 'Platform', 'heads/main');
      expect(after.objectId).not.toBe(before.objectId);
      expect(after.objectId).toBe(updated.commitId);
      expect(own.organization('demo').projects[0].repositories[0]).toBe(updated);

      const item = await git.getItem(repository.id, 'catalog-info.yaml', 'Platform');
      expect(item).toMatchObject({ objectId: gitBlobSha1('kind: Component\n'), commitId: updated.commitId });
      const [commit] = await git.getCommits(repository.id, { $top: 1 }, 'Platform');
      expect(commit.committer?.date).toEqual(new Date(now));
    });

    it('puts each push in front of the history the repository started with', async () => {
      const repository = demoRepository('Platform', 'api');
      const git = await connect(own).getGitApi();
      const main = { $top: 10, itemVersion: { version: 'main', versionType: GitVersionType.Branch } };
      const before = await git.getCommits(repository.id, main, 'Platform');
      expect(before.map(commit => commit.author?.email)).toEqual([
        'alice.martin@contoso.example',
        '49699333+dependabot[bot]@users.noreply.github.com',
        'Alice.Martin@Contoso.example',
        'bilal.khan@contoso.example',
        'bilal.khan@contoso.example',
      ]);

      const updated = own.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', 'kind: Component\n');
      const after = await git.getCommits(repository.id, main, 'Platform');
      expect(after.map(commit => commit.commitId)).toEqual([updated.commitId, ...before.map(commit => commit.commitId)]);
      expect(after[0]).toMatchObject({ author: { name: 'Simulated Pusher', email: 'pusher@simulator.invalid' }, committer: { date: new Date(now) } });
    });

    it('creates the default branch on the first push to an empty repository', async () => {
      const git = await connect(own).getGitApi();
      const main = { $top: 10, itemVersion: { version: 'main', versionType: GitVersionType.Branch } };
      const empty = demoRepository('Commerce', 'new-service');
      expect(await git.getCommits(empty.id, main, 'Commerce')).toBeNull();
      const pushed = own.setFile('demo', 'Commerce', 'new-service', 'catalog-info.yaml', 'kind: Component\n');
      const repository = await git.getRepository('new-service', 'Commerce');
      expect(repository.defaultBranch).toBe('refs/heads/main');
      expect((await git.getCommits(empty.id, main, 'Commerce')).map(commit => commit.commitId)).toEqual([pushed.commitId]);
    });

    it('reports pushes since a date through the project analysis API', async () => {
      const projectAnalysis = await connect(own).getProjectAnalysisApi();
      const since = new Date(now - 3_600_000);
      const changes = (metrics: Array<{ repositoryId?: string; codeChangesCount?: number }>) =>
        metrics.filter(entry => entry.codeChangesCount !== 0).map(entry => [entry.repositoryId, entry.codeChangesCount]);
      expect(changes(await projectAnalysis.getGitRepositoriesActivityMetrics('Platform', since, AggregationType.Daily, 0, 100))).toEqual([]);

      own.setFile('demo', 'Platform', 'infrastructure', 'main.tf', 'terraform { required_version = ">= 1.5" }\n');
      own.setFile('demo', 'Platform', 'infrastructure', 'README.md', '# IaC\n');
      const metrics = await projectAnalysis.getGitRepositoriesActivityMetrics('Platform', since, AggregationType.Daily, 0, 100);
      expect(changes(metrics)).toEqual([[demoRepository('Platform', 'infrastructure').id, 2]]);
      expect(own.requests.at(-1)?.apiVersion).toBe('7.2-preview.1');
    });

    it('lists added repositories and forgets removed ones', async () => {
      const git = await connect(own).getGitApi();
      const added = own.addRepository('demo', 'Sandbox', { name: 'playground', files: { 'README.md': '# hi\n' } });
      expect((await git.getRepositories('Sandbox')).map(repository => repository.name).sort()).toEqual(['experiments', 'playground']);
      expect((await git.getRepository(added.id)).name).toBe('playground');

      expect(own.removeRepository('demo', 'Sandbox', 'playground')).toBe(true);
      expect(own.removeRepository('demo', 'Sandbox', 'playground')).toBe(false);
      expect(await git.getRepositories('Sandbox')).toHaveLength(1);
      expect(await git.getRepository(added.id)).toBeNull();
    });

    it('picks up repositories pushed directly onto the live arrays, and renames after reindex', async () => {
      const git = await connect(own).getGitApi();
      const sandbox = own.organization('demo').projects[3];
      sandbox.repositories.push(createRepository('demo', 'Sandbox', { name: 'direct' }));
      expect((await git.getRepository('direct', 'Sandbox')).name).toBe('direct');

      sandbox.repositories[0].name = 'renamed';
      own.reindex('demo');
      expect((await git.getRepository('renamed', 'Sandbox')).id).toBe(demoRepository('Sandbox', 'experiments').id);
      expect(await git.getRepository('experiments', 'Sandbox')).toBeNull();
    });

    it('throttles an identity past its budget and counts requests made before Retry-After', async () => {
      const git = await connect(own).getGitApi();
      await git.getRepositories('Sandbox');
      own.setThrottle({ budget: 3, windowMs: 1000, retryAfterSeconds: 1 });

      expect(await git.getRepositories('Sandbox')).toHaveLength(1);
      expect(await git.getRepositories('Sandbox')).toHaveLength(1);
      const last = await get(own, '/demo/Sandbox/_apis/git/repositories');
      expect(Object.fromEntries(last.headers)).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0' });

      await expect(git.getRepositories('Sandbox')).rejects.toMatchObject({
        statusCode: 429,
        message: expect.stringMatching(/^TF400733: /),
        rateLimit: { retryAfter: 1, remaining: 0 },
      });
      await expect(git.getRepositories('Sandbox')).rejects.toMatchObject({ statusCode: 429 });
      expect(own.throttleStats()).toEqual({ throttled: 2, delayed: 0, earlyRequests: 1 });

      now += 1000;
      expect(await git.getRepositories('Sandbox')).toHaveLength(1);
      expect(own.throttleStats()).toEqual({ throttled: 2, delayed: 0, earlyRequests: 1 });
    });
  });

  it('stays fast with ten thousand repositories', async () => {
    const organization = generateOrganization({ name: 'big', repos: 10_000, projects: 20, withFile: 0.5, seed: 7 });
    const big = await AzureDevOpsSimulator.start({ organizations: [organization], recordRequests: false });
    try {
      const api = new WebApi(big.organizationUrl('big'), getPersonalAccessTokenHandler('sim-token', false));
      const git = await api.getGitApi();
      expect(await git.getRepositories()).toHaveLength(10_000);

      const project = organization.projects[19];
      const target = project.repositories.find(repository => 'catalog-info.yaml' in repository.files && !repository.isDisabled);
      if (!target) throw new Error('the generated organization has no readable catalog file');
      const reads = await Promise.all(
        Array.from({ length: 200 }, () => git.getItemText(target.id, '/catalog-info.yaml', project.name).then(readStream)),
      );
      expect(reads.every(read => read.status === 200 && read.body === target.files['catalog-info.yaml'])).toBe(true);
      expect(big.requests).toHaveLength(0);
    } finally {
      await big.stop();
    }
  });
});
