/**
 * Project analysis as Azure DevOps answers it, driven through the real azure-devops-node-api
 * client (raw `fetch` where the point is the raw answer). Each behaviour names its source.
 *
 * Main source: the server's own code, decompiled from Azure DevOps Server 2022 in
 * github.com/mjwrona/decompiled, under source/Microsoft.TeamFoundation.ProjectAnalysis.Server/:
 * RepositoryActivityMetricsProvider.cs (argument checks), ActivityMetricsProviderHelper.cs (the
 * trend), Controllers/RepositoryActivityMetricsController.cs (ArgumentOutOfRangeException → 400),
 * LanguageAnalyticsController.cs (206 while preliminary), ProjectAnalysisService.cs (repositories
 * without a default branch left out), LanguageMetadataAnalyzer.cs (a repository waiting for its
 * analysis gets an empty preliminary breakdown; languages sorted by bytes, then files, by
 * LanguageStatsDescendingComparer.cs, at most 15; percentages rounded to two decimals, a
 * `languagePercentage` only for recognized languages, as a share of their bytes alone). The field
 * names are those of azure-devops-node-api's ProjectAnalysisInterfaces (ProjectLanguageAnalytics,
 * RepositoryLanguageAnalytics, LanguageStatistics).
 */
import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import type { IProjectAnalysisApi } from 'azure-devops-node-api/ProjectAnalysisApi';
import { AggregationType, ResultPhase } from 'azure-devops-node-api/interfaces/ProjectAnalysisInterfaces';
import { AzureDevOpsSimulator } from '../AzureDevOpsSimulator';
import { createProject, createRepository, type SimulatedOrganization } from '../organization';

// The library sends loopback traffic to an upper-case HTTP(S)_PROXY when one is set.
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-03-01T12:00:00Z');
const ORGANIZATION = 'fidelity';
const PROJECT = 'Analysis';
const REPOSITORY_NAMES = ['alpha', 'bravo', 'charlie'];

function organization(): SimulatedOrganization {
  const project = createProject(ORGANIZATION, { name: PROJECT });
  const lastPushDate = new Date('2025-06-01T00:00:00Z');
  project.repositories = REPOSITORY_NAMES.map(name =>
    createRepository(ORGANIZATION, PROJECT, { name, files: { 'README.md': `# ${name}\n` }, lastPushDate }),
  );
  return { name: ORGANIZATION, projects: [project] };
}

let simulator: AzureDevOpsSimulator;
let now: number;
let analysis: IProjectAnalysisApi;

beforeEach(async () => {
  now = NOW;
  simulator = await AzureDevOpsSimulator.start({ organizations: [organization()], clock: () => now });
  const api = new WebApi(simulator.organizationUrl(ORGANIZATION), getPersonalAccessTokenHandler('sim-token', false));
  analysis = await api.getProjectAnalysisApi();
});

afterEach(() => simulator.stop());

function repositoryId(name: string): string {
  const found = simulator.organization(ORGANIZATION).projects[0].repositories.find(repository => repository.name === name);
  if (!found) throw new Error(`no repository ${name}`);
  return found.id;
}

function listMetrics(fromDate: Date, options: { aggregation?: AggregationType; skip?: number; top?: number } = {}) {
  return analysis.getGitRepositoriesActivityMetrics(PROJECT, fromDate, options.aggregation ?? AggregationType.Hourly, options.skip ?? 0, options.top ?? 100);
}

/** The raw answer of the list form, for the status and the error envelope the library hides. */
async function rawList(query: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const search = new URLSearchParams({ aggregationType: 'hourly', $skip: '0', $top: '100', fromDate: new Date(now - HOUR).toUTCString(), ...query });
  const response = await fetch(`${simulator.organizationUrl(ORGANIZATION)}/${PROJECT}/_apis/projectanalysis/repositoryactivity/metrics/repositories?${search}`, {
    headers: { authorization: `Basic ${Buffer.from('PAT:sim-token').toString('base64')}`, accept: 'application/json;api-version=7.1-preview.1' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** What the server sends for an `ArgumentOutOfRangeException`: a .NET Framework message ending "Parameter name: …". */
function outOfRange(parameterName: string) {
  return {
    typeKey: 'ArgumentOutOfRangeException',
    // As recorded from Services (github.com/krateoplatformops-blueprints/azuredevops-provider-kog,
    // azuredevops-provider-kog-blueprint/docs/troubleshooting_guide.md).
    typeName: 'System.ArgumentOutOfRangeException, mscorlib',
    eventId: 0,
    message: expect.stringMatching(new RegExp(`\\r\\nParameter name: ${parameterName}$`)),
  };
}

describe('repository activity metrics: arguments the server refuses with 400 ArgumentOutOfRangeException', () => {
  it('takes $top from 1 to 100 and refuses 0 and 101 (CheckBoundsInclusive(take, 1, 100))', async () => {
    await expect(listMetrics(new Date(now - HOUR), { top: 1 })).resolves.toHaveLength(1);
    await expect(listMetrics(new Date(now - HOUR), { top: 100 })).resolves.toHaveLength(3);
    for (const top of ['0', '101', '1000']) {
      const answer = await rawList({ $top: top });
      expect(answer).toEqual({ status: 400, body: expect.objectContaining(outOfRange('take')) });
      // The message of CommonResources.ValueOutOfRange (actions/runner, src/Sdk/Resources/CommonResources.g.cs).
      expect(answer.body.message).toBe(
        `The value ${top} is out of range of valid values for parameter take. Valid values must be between 1 and 100.\r\nParameter name: take`,
      );
    }
    await expect(listMetrics(new Date(now - HOUR), { top: 101 })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('refuses a negative $skip (CheckForNonnegativeInt(skip)), with .NET\'s default message', async () => {
    const answer = await rawList({ $skip: '-1' });
    expect(answer).toEqual({ status: 400, body: expect.objectContaining(outOfRange('skip')) });
    expect(answer.body.message).toBe('Specified argument was out of the range of valid values.\r\nParameter name: skip');
  });

  it('checks the page before the date, as the server does', async () => {
    const answer = await rawList({ $top: '0', fromDate: new Date(now - 60 * DAY).toUTCString() });
    expect(answer.body).toMatchObject(outOfRange('take'));
  });

  it('takes a fromDate up to 30 UTC days before today, and refuses an earlier day', async () => {
    await expect(listMetrics(new Date(now - 30 * DAY))).resolves.toHaveLength(3);
    // The server compares the day of fromDate (its midnight) with now minus 31 days: at noon, the
    // whole of the day 30 days back passes, its first second too, 30.5 days before now.
    await expect(listMetrics(new Date('2026-01-30T00:00:00Z'))).resolves.toHaveLength(3);
    const answer = await rawList({ fromDate: new Date('2026-01-29T23:59:59Z').toUTCString() });
    expect(answer).toEqual({ status: 400, body: expect.objectContaining(outOfRange('from time can be only within last 30 days')) });
    await expect(listMetrics(new Date(now - 31 * DAY))).rejects.toMatchObject({ statusCode: 400 });
  });

  it('takes a fromDate later the same UTC day (clock skew), and refuses one on a later day', async () => {
    await expect(listMetrics(new Date(now + HOUR))).resolves.toHaveLength(3);
    const answer = await rawList({ fromDate: new Date('2026-03-02T00:00:00Z').toUTCString() });
    expect(answer).toEqual({ status: 400, body: expect.objectContaining(outOfRange('from time cannot be in future')) });
  });

  it('takes aggregationType hourly or daily, by name or number, and refuses anything else', async () => {
    for (const aggregationType of ['hourly', 'Daily', '0', '1']) expect((await rawList({ aggregationType })).status).toBe(200);
    const answer = await rawList({ aggregationType: '2' });
    expect(answer).toEqual({ status: 400, body: expect.objectContaining(outOfRange('Unsupported Aggregation Type')) });
    await expect(listMetrics(new Date(now - HOUR), { aggregation: 2 as AggregationType })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('checks the window of the one-repository form too', async () => {
    await expect(analysis.getRepositoryActivityMetrics(PROJECT, repositoryId('alpha'), new Date(now - 40 * DAY), AggregationType.Daily)).rejects.toMatchObject({
      statusCode: 400,
      result: outOfRange('from time can be only within last 30 days'),
    });
  });
});

describe('repository activity metrics: the answer', () => {
  it('gives a dense hourly trend: every hour from fromDate floored to the hour up to now, zeros included', async () => {
    now = NOW - 90 * 60_000;
    simulator.setFile(ORGANIZATION, PROJECT, 'alpha', 'a.txt', 'pushed at 10:30');
    now = NOW + 15 * 60_000;
    simulator.setFile(ORGANIZATION, PROJECT, 'alpha', 'b.txt', 'pushed at 12:15');

    // fromDate 10:45 is floored to 10:00, so the 10:30 push counts although it is before fromDate.
    const metrics = await listMetrics(new Date(Date.parse('2026-03-01T10:45:00Z')));
    const alpha = metrics.find(entry => entry.repositoryId === repositoryId('alpha'));
    expect(alpha?.codeChangesCount).toBe(2);
    expect(alpha?.codeChangesTrend?.map(item => [item.time?.toISOString(), item.value])).toEqual([
      ['2026-03-01T10:00:00.000Z', 1],
      ['2026-03-01T11:00:00.000Z', 0],
      ['2026-03-01T12:00:00.000Z', 1],
    ]);
  });

  it('gives daily buckets at UTC midnight', async () => {
    now = NOW - 2 * DAY;
    simulator.setFile(ORGANIZATION, PROJECT, 'bravo', 'a.txt', 'two days ago');
    now = NOW;
    const [bravo] = (await listMetrics(new Date(NOW - 3 * DAY), { aggregation: AggregationType.Daily })).filter(entry => entry.repositoryId === repositoryId('bravo'));
    expect(bravo.codeChangesTrend?.map(item => [item.time?.toISOString(), item.value])).toEqual([
      ['2026-02-26T00:00:00.000Z', 0],
      ['2026-02-27T00:00:00.000Z', 1],
      ['2026-02-28T00:00:00.000Z', 0],
      ['2026-03-01T00:00:00.000Z', 0],
    ]);
  });

  it('lists repositories without pushes in the window, with a zero count (unverified: the stricter reading)', async () => {
    simulator.setFile(ORGANIZATION, PROJECT, 'charlie', 'a.txt', 'now');
    const metrics = await listMetrics(new Date(now - HOUR));
    expect(metrics.map(entry => [entry.repositoryId, entry.codeChangesCount])).toEqual([
      [repositoryId('alpha'), 0],
      [repositoryId('bravo'), 0],
      [repositoryId('charlie'), 1],
    ]);
    expect(metrics[0].codeChangesTrend?.map(item => item.value)).toEqual([0, 0]);
  });

  it('pages the repositories with $skip and $top', async () => {
    const pages = [await listMetrics(new Date(now - HOUR), { skip: 0, top: 2 }), await listMetrics(new Date(now - HOUR), { skip: 2, top: 2 })];
    expect(pages.map(page => page.map(entry => entry.repositoryId))).toEqual([
      [repositoryId('alpha'), repositoryId('bravo')],
      [repositoryId('charlie')],
    ]);
  });
});

describe('language metrics', () => {
  it('answers 206 while the analysis is preliminary; the library resolves the body all the same', async () => {
    simulator.organization(ORGANIZATION).projects[0].repositories[1].languageResultPhase = 'preliminary';
    const languages = await analysis.getProjectLanguageAnalytics(PROJECT);
    expect(simulator.requests.at(-1)).toMatchObject({ route: 'languageMetrics', status: 206 });
    expect(languages.resultPhase).toBe(ResultPhase.Preliminary);
    expect(languages.repositoryLanguageAnalytics?.map(repository => repository.resultPhase)).toEqual([
      ResultPhase.Full,
      ResultPhase.Preliminary,
      ResultPhase.Full,
    ]);
  });

  it('answers 200 once it is full', async () => {
    const languages = await analysis.getProjectLanguageAnalytics(PROJECT);
    expect(simulator.requests.at(-1)).toMatchObject({ route: 'languageMetrics', status: 200 });
    expect(languages.resultPhase).toBe(ResultPhase.Full);
  });

  it('gives a repository still waiting for its analysis an empty breakdown, and leaves it out of the project\'s', async () => {
    const [alpha, bravo] = simulator.organization(ORGANIZATION).projects[0].repositories;
    alpha.languages = { Go: 1000 };
    bravo.languages = { Rust: 5000 };
    bravo.languageResultPhase = 'preliminary';
    const { status, body } = await rawLanguages();
    expect(status).toBe(206);
    const [first, second] = body.repositoryLanguageAnalytics as Array<Record<string, unknown>>;
    expect(first).toMatchObject({ name: 'alpha', resultPhase: 'full', languageBreakdown: [expect.objectContaining({ name: 'Go' })] });
    expect(second).toMatchObject({ name: 'bravo', resultPhase: 'preliminary', languageBreakdown: [] });
    expect((body.languageBreakdown as Array<{ name: string }>).map(language => language.name)).not.toContain('Rust');
  });

  it('has the fields of ProjectLanguageAnalytics, RepositoryLanguageAnalytics and LanguageStatistics', async () => {
    const { body } = await rawLanguages();
    expect(Object.keys(body)).toEqual(['id', 'url', 'resultPhase', 'languageBreakdown', 'repositoryLanguageAnalytics']);
    const [repository] = body.repositoryLanguageAnalytics as Array<Record<string, unknown>>;
    expect(Object.keys(repository)).toEqual(['id', 'name', 'resultPhase', 'updatedTime', 'languageBreakdown']);
    const [language] = repository.languageBreakdown as Array<Record<string, unknown>>;
    expect(Object.keys(language)).toEqual(['name', 'files', 'filesPercentage', 'bytes', 'languagePercentage']);
    expect(body.url).toBe(`${simulator.organizationUrl(ORGANIZATION)}/${String(body.id)}/_apis/projectanalysis/languagemetrics`);
  });

  it('sorts by bytes, rounds shares to two decimals, and gives unrecognized languages no share of the bytes', async () => {
    simulator.organization(ORGANIZATION).projects[0].repositories[0].languages = { Python: 1000, TypeScript: 2000, '.h': 5000, Unknown: 700, Shell: 1 };
    const [alpha] = (await rawLanguages()).body.repositoryLanguageAnalytics as Array<{ languageBreakdown: Array<Record<string, unknown>> }>;
    expect(alpha.languageBreakdown.map(language => [language.name, language.bytes, language.languagePercentage])).toEqual([
      ['.h', 5000, undefined],
      ['TypeScript', 2000, 66.64],
      ['Python', 1000, 33.32],
      ['Unknown', 700, undefined],
      ['Shell', 1, 0.03],
    ]);
  });

  it('lists at most 15 languages per repository and for the project, the project\'s summed before each is cut', async () => {
    const [alpha, bravo] = simulator.organization(ORGANIZATION).projects[0].repositories;
    alpha.languages = Object.fromEntries(Array.from({ length: 16 }, (_, index) => [`L${index}`, 1000 - index]));
    bravo.languages = { L15: 10_000 };
    const { body } = await rawLanguages();
    const [alphaAnalytics] = body.repositoryLanguageAnalytics as Array<{ languageBreakdown: Array<{ name: string }> }>;
    expect(alphaAnalytics.languageBreakdown).toHaveLength(15);
    expect(alphaAnalytics.languageBreakdown.map(language => language.name)).not.toContain('L15');
    const project = (body.languageBreakdown as Array<{ name: string }>).map(language => language.name);
    expect(project).toHaveLength(15);
    expect(project[0]).toBe('L15');
  });

  it('leaves out repositories without a default branch', async () => {
    simulator.addRepository(ORGANIZATION, PROJECT, { name: 'delta', empty: true });
    const { body } = await rawLanguages();
    expect((body.repositoryLanguageAnalytics as Array<{ name: string }>).map(repository => repository.name)).toEqual(REPOSITORY_NAMES);
  });

  it('answers 404 for a project where analysis is unavailable (the simulator\'s switch; the body is unverified)', async () => {
    simulator.organization(ORGANIZATION).projects[0].languageAnalysis = 'unavailable';
    expect((await rawLanguages()).status).toBe(404);
  });
});

async function rawLanguages(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${simulator.organizationUrl(ORGANIZATION)}/${PROJECT}/_apis/projectanalysis/languagemetrics`, {
    headers: { authorization: `Basic ${Buffer.from('PAT:sim-token').toString('base64')}`, accept: 'application/json;api-version=7.2-preview.1' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
