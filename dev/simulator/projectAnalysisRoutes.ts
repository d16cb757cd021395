import { badRequest } from './azureDevOpsErrors';
import type { SimulatedProject, SimulatedRepository } from './organization';
import { jsonReply, listReply } from './reply';
import { requireRepository, wholeNumberParam, type RouteContext, type RouteHandler } from './routeContext';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** `aggregationType` arrives as the enum number (`0` hourly, `1` daily) or its name. */
const BUCKETS: Record<string, number> = { '0': HOUR_MS, hourly: HOUR_MS, '1': DAY_MS, daily: DAY_MS };
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
 * hourly or daily. The list form (no repository id) leaves out repositories without pushes, and
 * disabled ones; it pages with `$skip`/`$top`.
 */
export const activityMetrics: RouteHandler = context => {
  const { query } = context;
  const fromDate = Date.parse(query.get('fromDate') ?? '');
  if (Number.isNaN(fromDate)) return badRequest('fromDate must be a date.');
  const bucketMs = BUCKETS[(query.get('aggregationType') ?? '').toLowerCase()];
  if (!bucketMs) return badRequest('aggregationType must be hourly or daily.');

  if (context.target.repository !== undefined) {
    const located = requireRepository(context, { readsContent: false });
    if (!located.ok) return located.reply;
    return jsonReply(repositoryMetrics(context, located.value.repository, fromDate, bucketMs));
  }
  const skip = wholeNumberParam(query, '$skip', 0);
  if (!skip.ok) return skip.reply;
  const top = wholeNumberParam(query, '$top', 100);
  if (!top.ok) return top.reply;
  const active = requireProject(context)
    .repositories.filter(repository => !repository.isDisabled)
    .map(repository => repositoryMetrics(context, repository, fromDate, bucketMs))
    .filter(metrics => metrics.codeChangesCount > 0);
  return listReply(active.slice(skip.value, skip.value + top.value));
};

/** Files and bytes per language, guessed from file extensions, per repository and for the project. */
export const languageMetrics: RouteHandler = context => {
  const project = requireProject(context);
  const repositories = project.repositories.filter(repository => repository.defaultBranch !== undefined);
  return jsonReply({
    id: project.id,
    url: `${context.urls.organization()}/${project.id}/_apis/projectanalysis/languagemetrics`,
    resultPhase: 'full',
    languageBreakdown: languageBreakdown(repositories.flatMap(repository => Object.entries(repository.files))),
    repositoryLanguageAnalytics: repositories.map(repository => ({
      id: repository.id,
      name: repository.name,
      resultPhase: 'full',
      updatedTime: repository.lastPushDate.toISOString(),
      languageBreakdown: languageBreakdown(Object.entries(repository.files)),
    })),
  });
};

function requireProject(context: RouteContext): SimulatedProject {
  // The route only matches under a project segment, which the server resolves before routing.
  if (!context.project) throw new Error('project analysis routes need a project');
  return context.project;
}

function repositoryMetrics(
  context: RouteContext,
  repository: SimulatedRepository,
  fromDate: number,
  bucketMs: number,
): { repositoryId: string; codeChangesCount: number; codeChangesTrend: Array<{ time: string; value: number }> } {
  const buckets = new Map<number, number>();
  for (const time of context.store.pushTimes(repository)) {
    if (time < fromDate) continue;
    const bucket = Math.floor(time / bucketMs) * bucketMs;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  const trend = [...buckets.entries()]
    .sort(([left], [right]) => left - right)
    .map(([time, value]) => ({ time: new Date(time).toISOString(), value }));
  return {
    repositoryId: repository.id,
    codeChangesCount: trend.reduce((sum, item) => sum + item.value, 0),
    codeChangesTrend: trend,
  };
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
