import { activityPage, activityWindow, bucketStarts, floorTo, type ActivityWindow } from './activityMetricsArguments';
import type { SimulatedProject, SimulatedRepository } from './organization';
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
 * Files and bytes per language, guessed from file extensions, per repository and for the project.
 * The server answers 206 Partial Content while the project's `resultPhase` is preliminary and 200
 * once it is full (LanguageAnalyticsController.GetProjectLanguageAnalytics, decompiled Azure
 * DevOps Server 2022: github.com/mjwrona/decompiled,
 * source/Microsoft.TeamFoundation.ProjectAnalysis.Server/LanguageAnalyticsController.cs). The
 * project is taken as preliminary while any of its repositories is (how the server combines them
 * is unverified).
 */
export const languageMetrics: RouteHandler = context => {
  const project = requireProject(context);
  const repositories = project.repositories.filter(repository => repository.defaultBranch !== undefined);
  const phaseOf = (repository: SimulatedRepository) => repository.languageResultPhase ?? 'full';
  const projectPhase = repositories.some(repository => phaseOf(repository) === 'preliminary') ? 'preliminary' : 'full';
  const body = {
    id: project.id,
    url: `${context.urls.organization()}/${project.id}/_apis/projectanalysis/languagemetrics`,
    resultPhase: projectPhase,
    languageBreakdown: languageBreakdown(repositories.flatMap(repository => Object.entries(repository.files))),
    repositoryLanguageAnalytics: repositories.map(repository => ({
      id: repository.id,
      name: repository.name,
      resultPhase: phaseOf(repository),
      updatedTime: repository.lastPushDate.toISOString(),
      languageBreakdown: languageBreakdown(Object.entries(repository.files)),
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

function languageBreakdown(files: Array<[string, string]>): Array<Record<string, unknown>> {
  const totals = new Map<string, { files: number; bytes: number }>();
  let allFiles = 0;
  let allBytes = 0;
  for (const [path, content] of files) {
    const language = LANGUAGES[path.slice(path.lastIndexOf('.') + 1).toLowerCase()];
    if (!language) continue;
    const bytes = Buffer.byteLength(content, 'utf8');
    const total = totals.get(language) ?? { files: 0, bytes: 0 };
    total.files += 1;
    total.bytes += bytes;
    totals.set(language, total);
    allFiles += 1;
    allBytes += bytes;
  }
  return [...totals.entries()].map(([name, total]) => ({
    name,
    files: total.files,
    bytes: total.bytes,
    filesPercentage: allFiles === 0 ? 0 : (100 * total.files) / allFiles,
    languagePercentage: allBytes === 0 ? 0 : (100 * total.bytes) / allBytes,
  }));
}
