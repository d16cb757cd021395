/**
 * JSON of the Git and Core REST APIs to our DTOs. Every field is checked, because a listing is
 * only as trustworthy as the proxy in front of the server; the SDK's all-optional fields get
 * explicit defaults here.
 */
import { isRecord } from '../common/isRecord';
import type { AzureDevOpsProject, AzureDevOpsRepository, AzureDevOpsRepositoryReference } from './AzureDevOpsApi';

/**
 * The `value` array of a list answer (`{ count, value }`), or undefined when the body has none: a
 * proxy's `{}` or a `{"value":null}` is a malformed answer, not an empty list, and reading it as
 * empty would delete every entity of the profile.
 */
export function listValues(body: unknown): unknown[] | undefined {
  return isRecord(body) && Array.isArray(body.value) ? body.value : undefined;
}

/** A `TeamProjectReference`, or undefined when it lacks an id or a name. */
export function projectFromJson(item: unknown): AzureDevOpsProject | undefined {
  if (!isRecord(item) || typeof item.id !== 'string' || typeof item.name !== 'string') return undefined;
  return { id: item.id, name: item.name, visibility: item.visibility === 'public' ? 'public' : 'private' };
}

/** Maps one `GitRepository`, of a listing or of the single GET, or says why it cannot be used. */
export function repositoryFromJson(item: unknown, organizationUrl: string): AzureDevOpsRepository | string {
  if (!isRecord(item)) return 'an entry that is not an object';
  const { id, name } = item;
  const project = projectFromJson(item.project);
  if (typeof id !== 'string' || typeof name !== 'string' || !project) {
    return `repository ${JSON.stringify(typeof name === 'string' ? name : id ?? null)}: id, name or project missing or not text`;
  }
  const parent = item.isFork === true ? parentFromJson(item.parentRepository) : undefined;
  const defaultBranch =
    typeof item.defaultBranch === 'string' && item.defaultBranch !== ''
      ? item.defaultBranch.replace(/^refs\/heads\//, '')
      : undefined;
  return {
    id,
    name,
    project,
    // Empty repositories have no defaultBranch (the API leaves the field out).
    ...(defaultBranch ? { defaultBranch } : {}),
    webUrl:
      typeof item.webUrl === 'string'
        ? item.webUrl
        : `${organizationUrl}/${encodeURIComponent(project.name)}/_git/${encodeURIComponent(name)}`,
    isDisabled: item.isDisabled === true,
    isFork: item.isFork === true,
    ...(parent ? { parent } : {}),
  };
}

/**
 * A fork's `parentRepository` (a `GitRepositoryRef`), or undefined when there is none or it lacks
 * an id or a name. The service fills it only for the single-repository GET with
 * `includeParent=true`; listings leave it out even for forks (see dev/simulator/repositoryJson.ts).
 */
function parentFromJson(value: unknown): AzureDevOpsRepositoryReference | undefined {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.name !== 'string') return undefined;
  const project = isRecord(value.project) && typeof value.project.name === 'string' ? value.project.name : undefined;
  return { id: value.id, name: value.name, ...(project ? { project } : {}) };
}

/**
 * The repositories one page of `repositoryactivity/metrics` names (`ids`, lower case) and those of
 * them with pushes in the window (`changedIds`). The listing may name repositories without pushes,
 * with a zero count and a trend of zero buckets (the trend is dense: every bucket of the window is
 * there). A repository counts as changed when its count or any bucket is above zero; an entry
 * without a count is taken as changed, since reading a file again is never wrong.
 */
export function activityFromJson(page: unknown[]): { ids: string[]; changedIds: string[] } {
  const ids: string[] = [];
  const changedIds: string[] = [];
  for (const item of page) {
    if (!isRecord(item) || typeof item.repositoryId !== 'string') continue;
    const id = item.repositoryId.toLowerCase();
    ids.push(id);
    if (typeof item.codeChangesCount !== 'number' || item.codeChangesCount > 0 || hasNonZeroBucket(item.codeChangesTrend)) {
      changedIds.push(id);
    }
  }
  return { ids, changedIds };
}

function hasNonZeroBucket(trend: unknown): boolean {
  return Array.isArray(trend) && trend.some(bucket => isRecord(bucket) && typeof bucket.value === 'number' && bucket.value > 0);
}
