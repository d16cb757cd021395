/**
 * Fidelity of the simulator's answers to a PAT short of a scope, over raw HTTP where the bytes
 * matter and through the real azure-devops-node-api client where what a client makes of them
 * matters. Facts marked "unverified" come from no live capture found and may differ.
 *
 * Sources:
 * - [scopes] Microsoft's scope table (learn.microsoft.com/azure/devops/integrate/get-started/
 *   authentication/oauth#scopes): `vso.code` "read source code and metadata about commits,
 *   changesets, branches, and other version control artifacts", `vso.project` "read projects and
 *   teams", `vso.analytics` "query analytics data".
 * - [reference] The Azure DevOps API reference of this repository, sections 3 and 4: connectionData
 *   answers any valid token; nothing lists a token's scopes; "a missing scope gives 401, sometimes
 *   404 TF401019/TF200016 or empty lists"; language metrics observed to work with Analytics (read).
 * - [empty401] "a token missing the scope, expired or revoked — the three are byte-identical: 401,
 *   WWW-Authenticate Basic, no Content-Type, an empty body": cjohnstoniv/wardyn
 *   test/adofake/faults.go.
 */
import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import { AzureDevOpsSimulator } from '../AzureDevOpsSimulator';
import { DEMO_ORGANIZATION_FIXTURE, loadOrganization } from '../loadOrganization';

// The library sends loopback traffic to an upper-case HTTP(S)_PROXY when one is set.
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const DEMO = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
const FULL = 'scopes-full-token-000001';
const WITHOUT_CODE = 'scopes-without-code-000002';
const WITHOUT_PROJECT = 'scopes-without-project-000003';
const WITHOUT_ANALYTICS = 'scopes-without-analytics-000004';
const BROKER = 'scopes-broker-token-000005';

/** Paths under the organization, one per route family, as the module calls them. */
const PATHS = {
  connectionData: '/_apis/connectionData',
  resourceAreas: '/_apis/ResourceAreas',
  projects: '/_apis/projects',
  repositories: '/Platform/_apis/git/repositories',
  items: '/Platform/_apis/git/repositories/api/items?path=/catalog-info.yaml',
  commits: '/Platform/_apis/git/repositories/api/commits',
  languageMetrics: '/Platform/_apis/projectanalysis/languagemetrics',
  activityMetrics: `/Platform/_apis/projectanalysis/repositoryactivity/metrics/repositories?fromDate=${encodeURIComponent(new Date(Date.now() - 86_400_000).toUTCString())}&aggregationType=hourly&$skip=0&$top=10`,
};

let simulator: AzureDevOpsSimulator;

beforeAll(async () => {
  simulator = await AzureDevOpsSimulator.start({
    organizations: [DEMO],
    tokens: [FULL, WITHOUT_CODE, WITHOUT_PROJECT, WITHOUT_ANALYTICS],
    brokerTokens: [BROKER],
    tokenScopes: {
      [WITHOUT_CODE]: ['vso.project', 'vso.analytics'],
      [WITHOUT_PROJECT]: ['vso.code', 'vso.analytics'],
      [WITHOUT_ANALYTICS]: ['vso.code', 'vso.project'],
      [BROKER]: ['vso.project'],
    },
  });
});

afterAll(() => simulator.stop());

function basic(token: string): string {
  return `Basic ${Buffer.from(`PAT:${token}`).toString('base64')}`;
}

async function get(token: string, path: string): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(`${simulator.organizationUrl('demo')}${path}`, {
    headers: { authorization: basic(token), 'x-tfs-fedauthredirect': 'Suppress', accept: 'application/json' },
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

describe('a PAT short of a scope', () => {
  /* [reference]: connectionData and the location service need no scope beyond a valid token. */
  it('still gets connectionData and the location service', async () => {
    for (const token of [WITHOUT_CODE, WITHOUT_PROJECT, WITHOUT_ANALYTICS]) {
      const connection = await get(token, PATHS.connectionData);
      expect(connection.status).toBe(200);
      expect(JSON.parse(connection.body)).toMatchObject({ authenticatedUser: { providerDisplayName: 'Simulated User' } });
      expect((await get(token, PATHS.resourceAreas)).status).toBe(200);
    }
  });

  /* [scopes] which scope covers which route; [empty401] the answer's shape. */
  it.each([
    ['Code (read)', WITHOUT_CODE, ['repositories', 'items', 'commits'], ['projects', 'languageMetrics', 'activityMetrics']],
    ['Project and Team (read)', WITHOUT_PROJECT, ['projects'], ['repositories', 'items', 'commits', 'languageMetrics']],
    ['Analytics (read)', WITHOUT_ANALYTICS, ['languageMetrics', 'activityMetrics'], ['projects', 'repositories', 'items']],
  ] as const)('without %s, answers its routes with an empty 401 and the others as usual', async (_scope, token, refused, answered) => {
    for (const route of refused) {
      const { status, headers, body } = await get(token, PATHS[route]);
      expect({ route, status, contentType: headers.get('content-type'), body }).toEqual({ route, status: 401, contentType: null, body: '' });
      expect(headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
    for (const route of answered) {
      expect({ route, status: (await get(token, PATHS[route])).status }).toEqual({ route, status: 200 });
    }
  });

  /*
   * Whether the service checks the scope before it looks the project or repository up is
   * unverified; the simulator does, so an unknown project is a 401 to a token short of the scope.
   */
  it('refuses before looking anything up', async () => {
    expect((await get(WITHOUT_CODE, '/Nowhere/_apis/git/repositories')).status).toBe(401);
    expect((await get(FULL, '/Nowhere/_apis/git/repositories')).status).toBe(404);
  });

  it('gives a token without an entry every scope', async () => {
    for (const route of ['projects', 'repositories', 'items', 'languageMetrics', 'activityMetrics'] as const) {
      expect({ route, status: (await get(FULL, PATHS[route])).status }).toEqual({ route, status: 200 });
    }
  });

  it('is what the library reports as a 401 with no body, its location discovery passing', async () => {
    const git = await new WebApi(simulator.organizationUrl('demo'), getPersonalAccessTokenHandler(WITHOUT_CODE, false)).getGitApi();
    await expect(git.getRepositories('Platform')).rejects.toMatchObject({ statusCode: 401, message: 'Failed request: (401)' });
  });

  it('applies to a broker token as to the PAT its broker adds', async () => {
    const brokerGet = (path: string) => fetch(`${simulator.brokerUrl(BROKER, 'demo')}${path}`).then(response => response.status);
    expect(await brokerGet(PATHS.connectionData)).toBe(200);
    expect(await brokerGet(PATHS.projects)).toBe(200);
    expect(await brokerGet(PATHS.repositories)).toBe(401);
  });

  it('takes scopes away, and gives them back, at runtime', async () => {
    try {
      simulator.setTokenScopes({ [FULL]: ['vso.project'] });
      expect((await get(FULL, PATHS.repositories)).status).toBe(401);
      expect((await get(WITHOUT_CODE, PATHS.repositories)).status).toBe(200);
      simulator.setTokenScopes(undefined);
      expect((await get(FULL, PATHS.repositories)).status).toBe(200);
    } finally {
      simulator.setTokenScopes({
        [WITHOUT_CODE]: ['vso.project', 'vso.analytics'],
        [WITHOUT_PROJECT]: ['vso.code', 'vso.analytics'],
        [WITHOUT_ANALYTICS]: ['vso.code', 'vso.project'],
        [BROKER]: ['vso.project'],
      });
    }
  });
});
