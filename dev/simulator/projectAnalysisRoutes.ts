import { activityPage, activityWindow, bucketStarts, floorTo, type ActivityWindow } from './activityMetricsArguments';
import type { SimulatedProject, SimulatedRepository } from './organization';
import { routeNotFound } from './azureDevOpsErrors';
import { jsonReply, listReply } from './reply';
import { requireRepository, type RouteContext, type RouteHandler } from './routeContext';

const LANGUAGES: Record<string, string> = {
  yaml: 'YAML',
  yml: 'YAML',
  md: 'Markdown',
  ts: 'TypeScript',
  js: 'JavaScript',
  json: 'JSON',
  cs: 'C#',
  py: 'Python',
  java: 'Java',
  go: 'Go',
};

/**
 * Pushes per repository since `fromDate` (the library sends `Date.toUTCString()`), bucketed
 * hourly or daily, with arguments checked as the server checks them (see
 * `activityMetricsArguments.ts`). The trend is dense, as ActivityMetricsProviderHelper
 * builds it (decompiled Azure DevOps Server 2022, github.com/mjwrona/decompiled): one item per
 * bucket from `fromDate` floored to its bucket up to the bucket holding now, zeros included, and
 * pushes count from the start of that first bucket.
 *
 * The list form pages the project's repositories with `$skip`/`$top`. The server pages the
 * repository ids first and then fills in each one's trend, starting every id with an empty one, so
 * a listed repository may have no pushes at all. Whether repositories without pushes in the window
 * are listed is unverified; the simulator lists every repository of the project, with zero
 * counts, the stricter reading for a client (which must not take a listed repository as changed).
 */
export const activityMetrics: RouteHandler = context => {
  const { query, now } = context;
  const single = context.target.repository !== undefined;
  const page = single ? undefined : activityPage(query);
  if (page && !page.ok) return page.reply;
  const window = activityWindow(query, now);
  if (!window.ok) return window.reply;

  if (!page) {
    const located = requireRepository(context, { includeDisabled: true });
    if (!located.ok) return located.reply;
    return jsonReply(repositoryMetrics(context, located.value.repository, window.value));
  }
  const { skip, top } = page.value;
  const listed = requireProject(context).repositories.slice(skip, skip + top);
  return listReply(listed.map(repository => repositoryMetrics(context, repository, window.value)));
};

/**
 * Files and bytes per language, per repository and for the project, as
 * LanguageAnalyticsController.GetProjectLanguageAnalytics answers them through
 * LanguageMetadataAnalyzer (decompiled Azure DevOps Server 2022: github.com/mjwrona/decompiled,
 * source/Microsoft.TeamFoundation.ProjectAnalysis.Server/):
 *
 * - 206 Partial Content while the project's `resultPhase` is preliminary, 200 once it is full; the
 *   project is preliminary while any of its repositories is, and a repository still waiting for
 *   its analysis comes with an empty breakdown (CreatePreliminaryRecord);
 * - repositories without a default branch (empty ones) are left out;
 * - languages sorted by bytes, then files, largest first, at most 15 per repository and for the
 *   project (LanguageStatsDescendingComparer, AggregateAndTakeTopLanguages), the project's summed
 *   over every language of its repositories before each is cut to 15;
 * - `filesPercentage` and `languagePercentage` rounded to two decimals, the latter only for
 *   recognized languages (not `Unknown`, not a bare extension such as `.h`), as a share of their
 *   bytes alone (AddPercentage).
 *
 * A repository's bytes per language come from its `languages`, else from its files' extensions;
 * with `languages` the simulator knows no file counts and reports one file per 10 000 bytes. A
 * project with `languageAnalysis: 'unavailable'` answers 404, as a server where the resource is
 * not there; the body of that answer is unverified, so clients must take any 404 here as "no
 * analysis".
 */
export const languageMetrics: RouteHandler = context => {
  const project = requireProject(context);
  if (project.languageAnalysis === 'unavailable') {
    return routeNotFound('GET', `/${context.organization.name}/${context.target.project ?? project.name}/_apis/projectanalysis/languagemetrics`);
  }
  const analysed = project.repositories
    .filter(repository => repository.defaultBranch !== undefined)
    .map(repository => ({ repository, phase: repository.languageResultPhase ?? 'full', languages: languagesOf(repository) }));
  const projectPhase = analysed.some(({ phase }) => phase === 'preliminary') ? 'preliminary' : 'full';
  const counted = analysed.map(entry => ({ ...entry, languages: entry.phase === 'full' ? entry.languages : [] }));
  const body = {
    id: project.id,
    url: `${context.urls.organization()}/${project.id}/_apis/projectanalysis/languagemetrics`,
    resultPhase: projectPhase,
    languageBreakdown: breakdownJson(summed(counted.flatMap(({ languages }) => languages))),
    repositoryLanguageAnalytics: counted.map(({ repository, phase, languages }) => ({
      id: repository.id,
      name: repository.name,
      resultPhase: phase,
      updatedTime: repository.lastPushDate.toISOString(),
      languageBreakdown: breakdownJson(languages),
    })),
  };
  return jsonReply(body, projectPhase === 'full' ? 200 : 206);
};

function requireProject(context: RouteContext): SimulatedProject {
  // The route only matches under a project segment, which the server resolves before routing.
  if (!context.project) throw new Error('project analysis routes need a project');
  return context.project;
}

function repositoryMetrics(
  context: RouteContext,
  repository: SimulatedRepository,
  window: ActivityWindow,
): { repositoryId: string; codeChangesCount: number; codeChangesTrend: Array<{ time: string; value: number }> } {
  const buckets = new Map(bucketStarts(window, context.now).map(start => [start, 0]));
  for (const time of context.store.pushTimes(repository)) {
    const bucket = floorTo(time, window.bucketMs);
    const count = buckets.get(bucket);
    if (count !== undefined) buckets.set(bucket, count + 1);
  }
  const trend = [...buckets].map(([time, value]) => ({ time: jsonDateTime(time), value }));
  return {
    repositoryId: repository.id,
    codeChangesCount: trend.reduce((sum, item) => sum + item.value, 0),
    codeChangesTrend: trend,
  };
}

/** A UTC `DateTime` as the service's JSON writes it: whole seconds, no fraction. */
function jsonDateTime(time: number): string {
  return new Date(time).toISOString().replace('.000Z', 'Z');
}

interface LanguageCount {
  name: string;
  files: number;
  bytes: number;
}

const MOST_LANGUAGES = 15;
const BYTES_PER_FILE_GUESSED = 10_000;

function languagesOf(repository: SimulatedRepository): LanguageCount[] {
  if (repository.languages) {
    return Object.entries(repository.languages).map(([name, bytes]) => ({
      name,
      files: Math.max(1, Math.round(bytes / BYTES_PER_FILE_GUESSED)),
      bytes,
    }));
  }
  const byExtension: LanguageCount[] = [];
  for (const [path, content] of Object.entries(repository.files)) {
    const name = LANGUAGES[path.slice(path.lastIndexOf('.') + 1).toLowerCase()];
    if (name) byExtension.push({ name, files: 1, bytes: Buffer.byteLength(content, 'utf8') });
  }
  return summed(byExtension);
}

function summed(counts: LanguageCount[]): LanguageCount[] {
  const totals = new Map<string, LanguageCount>();
  for (const count of counts) {
    const total = totals.get(count.name) ?? { name: count.name, files: 0, bytes: 0 };
    total.files += count.files;
    total.bytes += count.bytes;
    totals.set(count.name, total);
  }
  return [...totals.values()];
}

function breakdownJson(counts: LanguageCount[]): Array<Record<string, unknown>> {
  const sorted = [...counts].sort((a, b) => b.bytes - a.bytes || b.files - a.files);
  const allFiles = sorted.reduce((sum, count) => sum + count.files, 0);
  const recognizedBytes = sorted.filter(count => isRecognized(count.name)).reduce((sum, count) => sum + count.bytes, 0);
  return sorted.slice(0, MOST_LANGUAGES).map(count => ({
    name: count.name,
    files: count.files,
    filesPercentage: percentage(count.files, allFiles),
    bytes: count.bytes,
    ...(isRecognized(count.name) && recognizedBytes > 0 ? { languagePercentage: percentage(count.bytes, recognizedBytes) } : {}),
  }));
}

function isRecognized(name: string): boolean {
  return !name.startsWith('.') && name !== 'Unknown';
}

/** A share in percent, rounded to two decimals, halves away from zero as .NET's Math.Round is asked to. */
function percentage(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100;
}
