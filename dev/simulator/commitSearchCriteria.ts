import { badRequest } from './azureDevOpsErrors';
import type { Outcome } from './routeContext';
import { readVersionDescriptor, type VersionDescriptor } from './versionDescriptor';

/** The page size of a commit listing that names none. */
const DEFAULT_COMMIT_PAGE_SIZE = 100;

/** What a commit listing asks for, of the `searchCriteria` the simulator understands. */
export interface CommitSearchCriteria {
  /** Absent when the query names no `itemVersion`: then the history is not tied to a version. */
  itemVersion?: VersionDescriptor;
  top: number;
  skip: number;
  fromDate?: Date;
  toDate?: Date;
  itemPath?: string;
}

/**
 * Reads a commit listing's query as the server binds it (GitQueryCommitsCriteriaModelBinder and
 * GitCommitsBaseController.QueryCommits, decompiled Azure DevOps Server 2022 in
 * mjwrona/decompiled):
 *
 * - every criterion may come with or without its `searchCriteria.` prefix (Microsoft's "Commits -
 *   Get Commits" page);
 * - `$top` and `$skip` that do not parse as whole numbers are ignored; a plain `$top`/`$skip` wins
 *   over the prefixed one; `$top` defaults to 100 and has no upper bound; both are raised to 0 at
 *   least;
 * - an `itemPath` of `/` is no path.
 *
 * How the server answers a `fromDate`/`toDate` it cannot parse (a TeamFoundationServiceException)
 * is unverified: the simulator answers 400.
 */
export function readCommitSearchCriteria(query: URLSearchParams): Outcome<CommitSearchCriteria> {
  const criterion = (name: string) => query.get(`searchCriteria.${name}`) ?? query.get(name);
  const prefixed = (name: string) => query.get(`searchCriteria.${name}`);
  const top = wholeNumber(query.get('$top')) ?? wholeNumber(prefixed('$top')) ?? DEFAULT_COMMIT_PAGE_SIZE;
  const skip = wholeNumber(query.get('$skip')) ?? wholeNumber(prefixed('$skip')) ?? 0;
  const criteria: CommitSearchCriteria = { top: Math.max(0, top), skip: Math.max(0, skip) };

  const versionPrefix = ['searchCriteria.itemVersion', 'itemVersion'].find(prefix =>
    ['version', 'versionType', 'versionOptions'].some(field => query.has(`${prefix}.${field}`)),
  );
  if (versionPrefix) {
    const descriptor = readVersionDescriptor(query, versionPrefix);
    if (!descriptor.ok) return descriptor;
    criteria.itemVersion = descriptor.value;
  }
  for (const name of ['fromDate', 'toDate'] as const) {
    const raw = criterion(name);
    if (raw === null || raw.trim() === '') continue;
    const date = new Date(raw);
    if (Number.isNaN(date.getTime())) return { ok: false, reply: badRequest(`The ${name} '${raw}' is not a date.`) };
    criteria[name] = date;
  }
  const itemPath = criterion('itemPath');
  if (itemPath && itemPath !== '/') criteria.itemPath = itemPath;
  return { ok: true, value: criteria };
}

function wholeNumber(raw: string | null): number | undefined {
  if (raw === null || !/^\s*[-+]?\d+\s*$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}
