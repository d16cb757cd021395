/**
 * Repository listings and items in the shapes Azure DevOps writes them, driven through the real
 * azure-devops-node-api client (raw HTTP where the point is the raw answer: absent fields, headers,
 * no Accept at all). Each behaviour names its source.
 *
 * Sources:
 * - [contract] The server's own code, decompiled from Azure DevOps Server 2022 in
 *   github.com/mjwrona/decompiled: source/Microsoft.TeamFoundation.SourceControl.WebApi/
 *   GitRepository.cs (`IsFork` left out at false; `IsDisabled`, `IsInMaintenance` nullable, always
 *   set) and FileContentMetadata.cs (every field left out at its default);
 *   source/Microsoft.TeamFoundation.SourceControl.WebServer/GitRepositoriesController.cs (only
 *   GetRepositoryWithParent fills `parentRepository`), GitItemsController.cs (the media type asked
 *   picks JSON or raw; the raw Content-Type comes from the file extension through
 *   `MediaTypeFormatUtility.GetSafeResponseContentType`; an octet stream is an attachment).
 * - [recorded] port-labs/port-docs, docs/build-your-software-catalog/sync-data-to-catalog/git/
 *   azure-devops/azure-devops.md, "Repository response data": `Port%20Integration` in remoteUrl,
 *   sshUrl and webUrl, ids in `url`, `isDisabled` and `isInMaintenance` false, no `isFork`.
 * - [spec] MicrosoftDocs/vsts-rest-api-specs, specification/git/7.1/httpExamples/repositories/
 *   POST__git_repositories_fork.json (`"isFork": true`).
 * - [docs] MicrosoftDocs/azure-devops-docs, docs/integrate/previous-apis/git/items.md: "`text/plain`
 *   or other: return contents of the item", `contentMetadata` `{encoding: 65001, contentType,
 *   fileName, extension}` (extension without dot), a folder's `{fileName}`.
 * - [observed] Azure/azure-devops-cli-extension#1317 (`az repos list`: parentRepository null for
 *   every fork); apache/devlake#5821 (repositories come unsorted); backstage/backstage
 *   AzureUrlReader (reads the items URL with no Accept header and takes the body as the file).
 */
import { request as httpRequest } from 'node:http';
import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import type { IGitApi } from 'azure-devops-node-api/GitApi';
import { AzureDevOpsSimulator } from '../AzureDevOpsSimulator';
import { createProject, createRepository, type SimulatedOrganization, type SimulatedRepository } from '../organization';

// The library sends loopback traffic to an upper-case HTTP(S)_PROXY when one is set.
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const ORGANIZATION = 'fidelity';
const BASIC = `Basic ${Buffer.from('PAT:sim-token').toString('base64')}`;
const CATALOG = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shapes\n';

/** Ids chosen so that neither names nor projects give the listing order. */
function organization(): SimulatedOrganization {
  const mobile = createProject(ORGANIZATION, { name: 'Mobile Apps', id: '20000000-0000-4000-8000-000000000000' });
  const web = createProject(ORGANIZATION, { name: 'Web', id: '10000000-0000-4000-8000-000000000000' });
  const files = { 'catalog-info.yaml': CATALOG, 'notes.txt': 'plain\n', 'logo.png': 'png', 'docs/index.md': '# docs\n' };
  mobile.repositories = [
    createRepository(ORGANIZATION, mobile.name, { name: 'alpha app', id: 'c0000000-0000-4000-8000-000000000000', files }),
    createRepository(ORGANIZATION, mobile.name, { name: 'bravo', id: 'a0000000-0000-4000-8000-000000000000' }),
    createRepository(ORGANIZATION, mobile.name, {
      name: 'alpha app fork',
      id: 'e0000000-0000-4000-8000-000000000000',
      isFork: true,
      parentRepositoryId: 'c0000000-0000-4000-8000-000000000000',
    }),
  ];
  web.repositories = [createRepository(ORGANIZATION, web.name, { name: 'charlie', id: 'b0000000-0000-4000-8000-000000000000' })];
  return { name: ORGANIZATION, projects: [mobile, web] };
}

let simulator: AzureDevOpsSimulator;
let git: IGitApi;

beforeAll(async () => {
  simulator = await AzureDevOpsSimulator.start({ organizations: [organization()] });
  git = await new WebApi(simulator.organizationUrl(ORGANIZATION), getPersonalAccessTokenHandler('sim-token', false)).getGitApi();
});

afterAll(() => simulator.stop());

function repository(name: string): SimulatedRepository {
  const found = simulator.organization(ORGANIZATION).projects.flatMap(project => project.repositories).find(candidate => candidate.name === name);
  if (!found) throw new Error(`no repository ${name}`);
  return found;
}

/** The raw listing, to see which fields the body leaves out. */
async function rawListing(path = ''): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${simulator.url}/${ORGANIZATION}${path}/_apis/git/repositories?api-version=7.1`, {
    headers: { authorization: BASIC, accept: 'application/json' },
  });
  return ((await response.json()) as { value: Array<Record<string, unknown>> }).value;
}

/** A GET with exactly these headers (fetch always adds an Accept). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(`${simulator.url}${path}`, { headers: { authorization: BASIC, ...headers } }, response => {
      const chunks: Buffer[] = [];
      response.on('data', chunk => chunks.push(chunk as Buffer));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

function itemPath(file: string, query = ''): string {
  return `/${ORGANIZATION}/Mobile%20Apps/_apis/git/repositories/${repository('alpha app').id}/items?path=${encodeURIComponent(file)}&api-version=7.1${query}`;
}

describe('repository listings', () => {
  it('carries isFork only on forks, and isDisabled and isInMaintenance on every repository [contract, recorded, spec]', async () => {
    const listed = await rawListing();
    for (const entry of listed) {
      expect(entry).toMatchObject({ isDisabled: false, isInMaintenance: false });
      if (entry.name === 'alpha app fork') expect(entry.isFork).toBe(true);
      else expect(entry).not.toHaveProperty('isFork');
    }
    // The library passes an absent field on as absent: a client must read a missing isFork as false.
    const bravo = (await git.getRepositories('Mobile Apps')).find(entry => entry.name === 'bravo');
    expect(bravo?.isFork).toBeUndefined();
  });

  it('never carries parentRepository in a listing, not even for a fork [contract, observed]', async () => {
    expect((await rawListing()).some(entry => 'parentRepository' in entry)).toBe(false);
    expect((await rawListing('/Mobile%20Apps')).some(entry => 'parentRepository' in entry)).toBe(false);
  });

  it('names the parent of a fork only when includeParent=true asks for it [contract]', async () => {
    const fork = repository('alpha app fork');
    expect(await git.getRepository(fork.id, 'Mobile Apps')).not.toHaveProperty('parentRepository');
    expect(await git.getRepositoryWithParent(fork.id, true, 'Mobile Apps')).toMatchObject({
      isFork: true,
      parentRepository: { id: repository('alpha app').id, name: 'alpha app', project: { name: 'Mobile Apps' } },
    });
  });

  it('lists in an order that is neither by name nor grouped by project, the same within a project [contract, observed; the order itself unverified]', async () => {
    const all = (await git.getRepositories()).map(entry => entry.name ?? '');
    expect(all).toHaveLength(4);
    expect(all).not.toEqual([...all].sort());
    const projects = (await git.getRepositories()).map(entry => entry.project?.name);
    expect(projects).not.toEqual([...projects].sort());
    const mobile = (await git.getRepositories('Mobile Apps')).map(entry => entry.name);
    expect(mobile).toEqual(all.filter(name => name !== 'charlie'));
  });

  it('percent-encodes names in remoteUrl, sshUrl and webUrl, and names project and repository by id in url [recorded]', async () => {
    const alpha = repository('alpha app');
    const [entry] = (await rawListing('/Mobile%20Apps')).filter(candidate => candidate.name === 'alpha app');
    const host = new URL(simulator.url);
    expect(entry).toMatchObject({
      url: `${simulator.url}/${ORGANIZATION}/20000000-0000-4000-8000-000000000000/_apis/git/repositories/${alpha.id}`,
      remoteUrl: `${host.protocol}//${ORGANIZATION}@${host.host}/${ORGANIZATION}/Mobile%20Apps/_git/alpha%20app`,
      sshUrl: `git@${host.hostname}:v3/${ORGANIZATION}/Mobile%20Apps/alpha%20app`,
      webUrl: `${simulator.url}/${ORGANIZATION}/Mobile%20Apps/_git/alpha%20app`,
    });
  });
});

describe('items', () => {
  it.each([
    ['no Accept at all', {}],
    ['Accept: */*', { accept: '*/*' }],
    ['Accept: text/plain', { accept: 'text/plain' }],
    ['Accept: application/octet-stream', { accept: 'application/octet-stream' }],
  ])('answers a file raw for %s [contract, docs, observed]', async (_name, headers: Record<string, string>) => {
    const answer = await rawGet(itemPath('/catalog-info.yaml'), headers);
    expect(answer).toMatchObject({ status: 200, body: CATALOG });
    // No MimeMap entry known for .yaml (unverified): an unknown extension is an octet stream, as an attachment.
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(answer.headers['content-disposition']).toMatch(/^attachment; filename="?catalog-info\.yaml"?$/);
  });

  it.each([
    ['notes.txt', 'text/plain'],
    ['logo.png', 'image/png'],
  ])('labels %s by its extension, not by the octet stream asked for [contract]', async (file, contentType) => {
    const answer = await rawGet(itemPath(`/${file}`), { accept: 'application/octet-stream' });
    expect(answer.headers['content-type']).toBe(contentType);
    expect(answer.headers).not.toHaveProperty('content-disposition');
  });

  it('answers the metadata, as JSON, to a JSON Accept or $format=json [contract, docs]', async () => {
    for (const [query, accept] of [['', 'application/json'], ['&$format=json', 'text/plain']] as const) {
      const answer = await rawGet(itemPath('/catalog-info.yaml', query), { accept });
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body)).toMatchObject({ gitObjectType: 'blob', path: '/catalog-info.yaml' });
    }
  });

  it('carries contentMetadata only when includeContentMetadata=true asks for it [contract, docs]', async () => {
    const id = repository('alpha app').id;
    const plain = await git.getItem(id, '/catalog-info.yaml', 'Mobile Apps');
    expect(plain).not.toHaveProperty('contentMetadata');
    const withMetadata = await git.getItem(id, '/catalog-info.yaml', 'Mobile Apps', undefined, undefined, true);
    expect(withMetadata.contentMetadata).toEqual({ encoding: 65001, contentType: 'application/octet-stream', fileName: 'catalog-info.yaml', extension: 'yaml' });
    const image = await git.getItem(id, '/logo.png', 'Mobile Apps', undefined, undefined, true);
    expect(image.contentMetadata).toEqual({ contentType: 'image/png', fileName: 'logo.png', extension: 'png', isBinary: true, isImage: true });
  });

  it('answers a folder with its metadata whatever was asked, its contentMetadata the file name alone [contract, docs]', async () => {
    const answer = await rawGet(itemPath('/docs', '&includeContentMetadata=true'), { accept: 'application/octet-stream' });
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toMatchObject({ gitObjectType: 'tree', isFolder: true, contentMetadata: { fileName: 'docs' } });
  });
});
