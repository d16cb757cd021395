/**
 * A branch's commit listing (`GET …/repositories/{id}/commits`) as Azure DevOps answers it, driven
 * through the real azure-devops-node-api client (raw HTTP where the point is the raw answer: the
 * fields, the headers, the error envelope the library hides). Each behaviour names its source.
 *
 * Sources:
 * - [controller] The server's own code, decompiled from Azure DevOps Server 2022 in
 *   github.com/mjwrona/decompiled, under source/Microsoft.TeamFoundation.SourceControl.WebServer/:
 *   Controllers/Git/GitCommitsBaseController.cs (QueryCommits: `$top` defaults to 100 with no upper
 *   bound, `$top` and `$skip` raised to 0 at least, the plain parameters win over the
 *   `searchCriteria.` ones, the `Link` headers), GitQueryCommitsCriteriaModelBinder.cs
 *   (`searchCriteria.$top`/`$skip` read with int.TryParse: what does not parse is ignored),
 *   GitVersionParser.cs (a named branch that is not there throws GitUnresolvableToCommitException,
 *   an empty repository included, which has no branch; a branch descriptor without a version takes
 *   the default branch or throws VS403403), GitCommitTranslator.cs (the fields of a listed commit).
 * - [docs] Microsoft's "Commits - Get Commits" (learn.microsoft.com/rest/api/azure/devops/git/
 *   commits/get-commits, 7.1): criteria may be given without their `searchCriteria.` prefix; the
 *   samples' commits carry commitId, author, committer, comment, changeCounts, url and remoteUrl.
 * - [recorded] Azure/azure-rest-api-specs#29648: VS403403 answered as 400 with a plain
 *   `System.ArgumentException, mscorlib` envelope (for stats/branches, the same resource string).
 * - [library] azure-devops-node-api 17, GitApi.getCommits: location c2570c3b-…, api-version
 *   7.2-preview.2, the criteria nested into `searchCriteria.itemVersion.version=…` by
 *   VsoClient.queryParamsToStringHelper.
 */
import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import type { IGitApi } from 'azure-devops-node-api/GitApi';
import { GitVersionType } from 'azure-devops-node-api/interfaces/GitInterfaces';
import { AzureDevOpsSimulator } from '../AzureDevOpsSimulator';
import { createProject, createRepository, type CommitInit, type SimulatedOrganization, type SimulatedRepository } from '../organization';

// The library sends loopback traffic to an upper-case HTTP(S)_PROXY when one is set.
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const ORGANIZATION = 'fidelity';
const PROJECT = 'History';
const HOUR = 3_600_000;
const NEWEST = Date.parse('2026-06-01T12:00:00Z');
const BASIC = `Basic ${Buffer.from('PAT:sim-token').toString('base64')}`;
const MAIN = { itemVersion: { version: 'main', versionType: GitVersionType.Branch } };

const people = [
  { name: 'Alice Martin', email: 'alice.martin@contoso.example' },
  { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com' },
];

/** 105 commits an hour apart, the newest first; the second was authored a day before it was committed. */
function longHistory(): CommitInit[] {
  return Array.from({ length: 105 }, (_, index) => ({
    author: people[index % 2],
    committedAt: new Date(NEWEST - index * HOUR),
    ...(index === 1 ? { authoredAt: new Date(NEWEST - index * HOUR - 24 * HOUR) } : {}),
    comment: index === 0 ? `Release notes: ${'x'.repeat(120)}` : `Change ${105 - index}`,
  }));
}

function organization(): SimulatedOrganization {
  const project = createProject(ORGANIZATION, { name: PROJECT });
  project.repositories = [
    createRepository(ORGANIZATION, PROJECT, { name: 'long', files: { 'README.md': '# long\n' }, commits: longHistory() }),
    createRepository(ORGANIZATION, PROJECT, { name: 'empty', empty: true }),
  ];
  return { name: ORGANIZATION, projects: [project] };
}

let simulator: AzureDevOpsSimulator;
let git: IGitApi;

beforeAll(async () => {
  simulator = await AzureDevOpsSimulator.start({ organizations: [organization()] });
  git = await new WebApi(simulator.organizationUrl(ORGANIZATION), getPersonalAccessTokenHandler('sim-token', false)).getGitApi();
});

afterAll(() => simulator.stop());

function projectId(): string {
  return simulator.organization(ORGANIZATION).projects[0].id;
}

function repository(name: string): SimulatedRepository {
  return simulator.repository(ORGANIZATION, PROJECT, name);
}

/** The raw answer of the listing, for headers, absent fields and the error envelope. */
async function rawCommits(name: string, query: string): Promise<{ status: number; link: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${simulator.organizationUrl(ORGANIZATION)}/${PROJECT}/_apis/git/repositories/${repository(name).id}/commits?${query}`, {
    headers: { authorization: BASIC, accept: 'application/json;api-version=7.2-preview.2' },
  });
  return { status: response.status, link: response.headers.get('link'), body: (await response.json()) as Record<string, unknown> };
}

function ids(list: Array<{ commitId?: unknown }>): unknown[] {
  return list.map(commit => commit.commitId);
}

describe('the order and the page', () => {
  it('lists the branch newest first, 100 commits when no $top is given [controller]', async () => {
    const history = repository('long').commits ?? [];
    const listed = await git.getCommits(repository('long').id, MAIN, PROJECT);
    expect(listed).toHaveLength(100);
    expect(ids(listed)).toEqual(history.slice(0, 100).map(commit => commit.id));
    expect(listed[0].commitId).toBe(repository('long').commitId);
    expect(simulator.requests.at(-1)).toMatchObject({ route: 'commits', apiVersion: '7.2-preview.2' });
  });

  it('pages with searchCriteria.$top and searchCriteria.$skip, as the library sends them [controller, library]', async () => {
    const history = repository('long').commits ?? [];
    const page = await git.getCommits(repository('long').id, { ...MAIN, $top: 2, $skip: 2 }, PROJECT);
    expect(ids(page)).toEqual(history.slice(2, 4).map(commit => commit.id));
    expect(simulator.requests.at(-1)?.query).toMatchObject({
      'searchCriteria.itemVersion.version': 'main',
      'searchCriteria.itemVersion.versionType': '0',
      'searchCriteria.$top': '2',
      'searchCriteria.$skip': '2',
    });
    // Past the end: an empty page, not an error.
    expect(await git.getCommits(repository('long').id, { ...MAIN, $top: 10, $skip: 105 }, PROJECT)).toEqual([]);
  });

  it('takes the criteria without their prefix, the plain $top over the prefixed one, and ignores what is no number [docs, controller]', async () => {
    const history = repository('long').commits ?? [];
    expect(ids((await rawCommits('long', 'itemVersion.version=main&$top=3')).body.value as [])).toEqual(history.slice(0, 3).map(commit => commit.id));
    expect((await rawCommits('long', 'searchCriteria.$top=5&$top=1')).body.count).toBe(1);
    expect((await rawCommits('long', 'searchCriteria.$top=many')).body.count).toBe(100);
    expect((await rawCommits('long', '$top=-1')).body.count).toBe(0);
    expect(ids((await rawCommits('long', '$top=1&$skip=-5')).body.value as [])).toEqual([history[0].id]);
  });

  it('puts no upper bound on $top [controller]', async () => {
    expect((await rawCommits('long', 'searchCriteria.$top=1000')).body.count).toBe(105);
  });

  it('names the resolved start in a Link header, and a next page in another that repeats the page\'s $skip [controller; the form of that URL unverified]', async () => {
    const long = repository('long');
    const more = await rawCommits('long', 'searchCriteria.itemVersion.version=main&searchCriteria.$top=2&searchCriteria.$skip=4');
    expect(more.link).toBe(
      `<${long.commitId}>;rel="startingCommitId", <${simulator.organizationUrl(ORGANIZATION)}/${projectId()}/_apis/git/repositories/${long.id}/commits?%24skip=4&%24top=2>;rel="next"`,
    );
    expect((await rawCommits('long', 'searchCriteria.itemVersion.version=main&searchCriteria.$top=200')).link).toBe(`<${long.commitId}>;rel="startingCommitId"`);
    expect((await rawCommits('long', 'searchCriteria.$top=200')).link).toBeNull();
  });

  it('starts at a commit of the history when the version is a commit [controller]', async () => {
    const history = repository('long').commits ?? [];
    const from = await git.getCommits(repository('long').id, { $top: 2, itemVersion: { version: history[7].id, versionType: GitVersionType.Commit } }, PROJECT);
    expect(ids(from)).toEqual([history[7].id, history[8].id]);
  });

  it('keeps commits committed between fromDate and toDate, both included (unverified: which date and whether inclusive)', async () => {
    const history = repository('long').commits ?? [];
    const window = new URLSearchParams({
      'searchCriteria.fromDate': new Date(NEWEST - 3 * HOUR).toISOString(),
      'searchCriteria.toDate': new Date(NEWEST - HOUR).toISOString(),
    });
    expect(ids((await rawCommits('long', window.toString())).body.value as [])).toEqual(history.slice(1, 4).map(commit => commit.id));
  });
});

describe('a listed commit', () => {
  it('carries id, author, committer, comment, change counts, url and remoteUrl, with whole-second UTC dates [controller, docs]', async () => {
    const long = repository('long');
    const { body } = await rawCommits('long', 'searchCriteria.$top=2');
    const [first, second] = body.value as Array<Record<string, unknown>>;
    expect(Object.keys(second)).toEqual(['commitId', 'author', 'committer', 'comment', 'changeCounts', 'url', 'remoteUrl']);
    expect(second).toMatchObject({
      author: { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com', date: '2026-05-31T11:00:00Z' },
      committer: { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com', date: '2026-06-01T11:00:00Z' },
      comment: 'Change 104',
      changeCounts: { Add: expect.any(Number), Edit: expect.any(Number), Delete: expect.any(Number) },
      url: `${simulator.organizationUrl(ORGANIZATION)}/${projectId()}/_apis/git/repositories/${long.id}/commits/${String(second.commitId)}`,
      remoteUrl: `${simulator.organizationUrl(ORGANIZATION)}/${PROJECT}/_git/long/commit/${String(second.commitId)}`,
    });
    expect(body.count).toBe(2);
    // The comment is cut at 100 characters, and only then is commentTruncated there.
    expect(first).toMatchObject({ comment: `Release notes: ${'x'.repeat(85)}`, commentTruncated: true });
    expect(second).not.toHaveProperty('commentTruncated');
  });

  it('reaches the library with both dates as Date objects [library]', async () => {
    const [, second] = await git.getCommits(repository('long').id, { ...MAIN, $top: 2 }, PROJECT);
    expect(second.author?.date).toEqual(new Date('2026-05-31T11:00:00Z'));
    expect(second.committer?.date).toEqual(new Date('2026-06-01T11:00:00Z'));
  });
});

describe('what has no history to list', () => {
  it('answers a named branch of an empty repository with 404 TF401175, which the library turns into null [controller]', async () => {
    const answer = await rawCommits('empty', 'searchCriteria.itemVersion.version=main&searchCriteria.itemVersion.versionType=branch&searchCriteria.$top=10');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({
      typeKey: 'GitUnresolvableToCommitException',
      typeName: 'Microsoft.TeamFoundation.Git.Server.GitUnresolvableToCommitException, Microsoft.TeamFoundation.Git.Server',
      message: 'TF401175: The version descriptor <Branch: main > could not be resolved to a version in the repository empty',
    });
    expect(await git.getCommits(repository('empty').id, { ...MAIN, $top: 10 }, PROJECT)).toBeNull();
  });

  it('lists nothing for an empty repository when no version is named [controller]', async () => {
    expect(await rawCommits('empty', 'searchCriteria.$top=10')).toMatchObject({ status: 200, body: { count: 0, value: [] } });
  });

  it('refuses a branch descriptor without a version on an empty repository with 400 VS403403 [controller, recorded]', async () => {
    const answer = await rawCommits('empty', 'searchCriteria.itemVersion.versionType=branch');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      typeKey: 'ArgumentException',
      typeName: 'System.ArgumentException, mscorlib',
      eventId: 0,
      message: 'VS403403: Cannot find any branches for the empty repository.',
    });
  });

  it('answers a branch that is not there with 404 TF401175 [controller]', async () => {
    const answer = await rawCommits('long', 'searchCriteria.itemVersion.version=develop');
    expect(answer).toMatchObject({ status: 404, body: { typeKey: 'GitUnresolvableToCommitException', message: expect.stringMatching(/^TF401175: /) } });
  });

  it('answers a repository that is not there with 404 TF401019', async () => {
    const response = await fetch(`${simulator.organizationUrl(ORGANIZATION)}/${PROJECT}/_apis/git/repositories/00000000-0000-4000-8000-000000000000/commits`, {
      headers: { authorization: BASIC, accept: 'application/json' },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ typeKey: 'GitRepositoryNotFoundException', message: expect.stringMatching(/^TF401019: /) });
  });
});
