/**
 * Version negotiation and area discovery as Azure DevOps answers them, driven through the real
 * azure-devops-node-api client (raw `fetch` where the point is the raw answer). Each behaviour
 * names its source.
 *
 * Sources:
 * - [options] OPTIONS answers recorded from Azure DevOps Services, max 7.2 / released 7.1, the
 *   ResourceAreas entry 3.2 / 7.2 / 0.0: mia-platform/integration-connector-agent,
 *   internal/sources/azure-devops/azure-devops_test.go (an older recording, max 7.1 / released 7.0:
 *   microsoft/playwright, tests/playwright-test/assets/azure-reporter/azureCoreOptionsResponse.json).
 * - [areas] A recorded Services ResourceAreas answer: microsoft/playwright,
 *   tests/playwright-test/assets/azure-reporter/azureAreas.json (core, git and projectanalysis at
 *   `https://dev.azure.com/{org}/`; Graph, Release and others on other hosts).
 * - [library] azure-devops-node-api 17: `VsoClient.autoNegotiateApiVersion` (what goes out),
 *   `WebApi._getResourceAreaUrl` (on premises "we get {"count":0,"value":null}"; otherwise the
 *   area's `locationUrl`), the api-versions its methods ask (`getRepositories` 7.2-preview.2...),
 *   `DeploymentFlags` (Hosted, OnPremises) for connectionData's `deploymentType`.
 */
import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import { GitVersionType } from 'azure-devops-node-api/interfaces/GitInterfaces';
import { AzureDevOpsSimulator } from '../AzureDevOpsSimulator';
import type { Deployment } from '../deployment';
import { DEMO_ORGANIZATION_FIXTURE, loadOrganization } from '../loadOrganization';

// The library sends loopback traffic to an upper-case HTTP(S)_PROXY when one is set.
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const DEMO = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
const BASIC = `Basic ${Buffer.from('PAT:sim-token').toString('base64')}`;
const AREA_IDS = {
  core: '79134c72-4a58-4b42-976c-04e7115f32bf',
  git: '4e080c62-fa21-4fbc-8fef-2a10a2b38049',
  projectanalysis: '7658fa33-b1bf-4580-990f-fac5896773d3',
};

let simulator: AzureDevOpsSimulator;

async function start(deployment?: Deployment): Promise<AzureDevOpsSimulator> {
  simulator = await AzureDevOpsSimulator.start({ organizations: [DEMO], brokerTokens: ['broker-1'], ...(deployment ? { deployment } : {}) });
  return simulator;
}

afterEach(() => simulator.stop());

function connect(): WebApi {
  return new WebApi(simulator.organizationUrl('demo'), getPersonalAccessTokenHandler('sim-token', false));
}

async function options(area: string): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${simulator.url}/demo/_apis/${area}`, { method: 'OPTIONS', headers: { authorization: BASIC } });
  return ((await response.json()) as { value: Array<Record<string, unknown>> }).value;
}

describe('version negotiation, as on Azure DevOps Services', () => {
  it('advertises max 7.2 and released 7.1 for released resources [options]', async () => {
    await start();
    for (const area of ['core', 'git']) {
      for (const location of await options(area)) {
        expect(location).toMatchObject({ maxVersion: '7.2', releasedVersion: '7.1' });
      }
    }
  });

  it('advertises ResourceAreas as a preview: min 3.2, max 7.2, released 0.0 [options]', async () => {
    await start();
    expect(await options('Location')).toEqual([
      expect.objectContaining({
        id: 'e81700f7-3be2-46de-8624-2eb35882fcaa',
        resourceName: 'ResourceAreas',
        resourceVersion: 1,
        minVersion: '3.2',
        maxVersion: '7.2',
        releasedVersion: '0.0',
      }),
    ]);
  });

  it('lets the preview versions the library asks go out unchanged [options, library]', async () => {
    await start();
    const api = connect();
    const git = await api.getGitApi();
    const platformApi = (await git.getRepositories('Platform')).find(repository => repository.name === 'api');
    await (await api.getCoreApi()).getProjects();
    await git.getItemContent(platformApi?.id ?? '', 'catalog-info.yaml', 'Platform', undefined, undefined, undefined, undefined, undefined, { version: 'main', versionType: GitVersionType.Branch });
    const sent = Object.fromEntries(simulator.requests.filter(request => request.method === 'GET').map(request => [request.route, request.apiVersion]));
    expect(sent).toEqual({
      resourceAreas: '7.2-preview.1',
      repositories: '7.2-preview.2',
      projects: '7.2-preview.4',
      items: '7.2-preview.1',
    });
  });
});

describe('ResourceAreas', () => {
  it('lists the areas with the organization address, trailing slash, on Services [areas]', async () => {
    await start('services');
    const response = await fetch(`${simulator.url}/demo/_apis/ResourceAreas`, { headers: { authorization: BASIC, accept: 'application/json' } });
    const body = (await response.json()) as { count: number; value: Array<{ id: string; name: string; locationUrl: string }> };
    expect(body.count).toBe(body.value.length);
    for (const [name, id] of Object.entries(AREA_IDS)) {
      expect(body.value).toContainEqual({ id, name, locationUrl: `${simulator.url}/demo/` });
    }
  });

  it('answers {"count":0,"value":null} on premises [library: WebApi._getResourceAreaUrl]', async () => {
    await start('onPremises');
    const response = await fetch(`${simulator.url}/demo/_apis/ResourceAreas`, { headers: { authorization: BASIC, accept: 'application/json' } });
    expect(await response.text()).toBe('{"count":0,"value":null}');
  });

  it.each(['services', 'onPremises'] as const)('lets the library reach the git area on %s, with the token [library]', async deployment => {
    await start(deployment);
    const git = await connect().getGitApi();
    expect(await git.getRepositories('Platform')).toHaveLength(4);
    expect(simulator.requests.every(request => request.authorization === BASIC && request.status === 200)).toBe(true);
  });

  it('names the upstream organization address through a broker, which the broker client cannot use [areas]', async () => {
    await start('services');
    const response = await fetch(`${simulator.url}/broker/broker-1/demo/_apis/ResourceAreas`, { headers: { accept: 'application/json' } });
    const body = (await response.json()) as { value: Array<{ name: string; locationUrl: string }> };
    expect(body.value.find(area => area.name === 'git')?.locationUrl).toBe(`${simulator.url}/demo/`);
    // Without credentials (the broker adds them on its side), that address answers the sign-in page.
    expect((await fetch(`${simulator.url}/demo/_apis/git/repositories`)).status).toBe(203);
  });

  it.each([
    ['services', 'hosted'],
    ['onPremises', 'onPremises'],
  ] as const)('reports deploymentType in connectionData on %s as %s [library: DeploymentFlags; JSON casing unverified]', async (deployment, deploymentType) => {
    await start(deployment);
    expect(await connect().connect()).toMatchObject({ deploymentType });
  });
});
