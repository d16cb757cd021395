/** The routes the simulator answers, as recorded in {@link RecordedRequest}. */
export type RouteName =
  | 'location'
  | 'areaOptions'
  | 'resourceAreas'
  | 'connectionData'
  | 'projects'
  | 'project'
  | 'repositories'
  | 'repository'
  | 'items'
  | 'refs'
  | 'commits'
  | 'branchStats'
  | 'languageMetrics'
  | 'activityMetrics'
  | 'unknown';

/** What a request path names, before anything is looked up. Segments are URL-decoded. */
export interface RequestTarget {
  route: RouteName;
  /** Set for `/broker/{brokerToken}/{organization}/…`. */
  brokerToken?: string;
  organization?: string;
  /** The optional segment before `_apis`: a project name or id. */
  project?: string;
  /** The area of an `OPTIONS /_apis/{area}` request. */
  area?: string;
  /** Project name or id of `_apis/projects/{projectId}`. */
  projectId?: string;
  /** Repository name or id. */
  repository?: string;
  /** `{*path}` of the items route; clients usually send `?path=` instead. */
  itemPath?: string;
  /** `{*filter}` of the refs route; clients usually send `?filter=` instead. */
  refFilter?: string;
}

/**
 * Maps `[/broker/{token}]/{organization}[/{project}]/_apis/…` to a route. Literal segments are
 * matched case-insensitively (`ResourceAreas`, `resourceAreas`), as the real service does.
 */
export function parseRequestTarget(method: string, pathname: string): RequestTarget {
  const segments = decodeSegments(pathname);
  if (!segments) return { route: 'unknown' };
  let brokerToken: string | undefined;
  if (segments[0]?.toLowerCase() === 'broker' && segments.length >= 2) {
    brokerToken = segments[1];
    segments.splice(0, 2);
  }
  const [organization, ...rest] = segments;
  if (!organization) return { route: 'unknown', brokerToken };
  const base = { brokerToken, organization };

  const apisIndex = rest.findIndex(segment => segment.toLowerCase() === '_apis');
  if (apisIndex < 0 || apisIndex > 1) return { ...base, route: 'unknown' };
  const project = apisIndex === 1 ? rest[0] : undefined;
  const tail = rest.slice(apisIndex + 1);
  const found = matchApisTail(method, tail, project !== undefined);
  return { ...base, ...(project !== undefined ? { project } : {}), ...found };
}

type TailMatch = Omit<RequestTarget, 'brokerToken' | 'organization' | 'project'>;

function matchApisTail(method: string, tail: string[], hasProject: boolean): TailMatch {
  const lower = tail.map(segment => segment.toLowerCase());
  if (method === 'OPTIONS') {
    if (tail.length !== 1 || hasProject) return { route: 'unknown' };
    return { route: lower[0] === 'location' ? 'location' : 'areaOptions', area: tail[0] };
  }
  if (method !== 'GET') return { route: 'unknown' };

  if (!hasProject && tail.length === 1 && lower[0] === 'resourceareas') return { route: 'resourceAreas' };
  if (!hasProject && tail.length === 1 && lower[0] === 'connectiondata') return { route: 'connectionData' };
  if (!hasProject && lower[0] === 'projects') {
    if (tail.length === 1) return { route: 'projects' };
    if (tail.length === 2) return { route: 'project', projectId: tail[1] };
  }
  if (lower[0] === 'git' && lower[1] === 'repositories') return matchGitTail(tail, lower);
  if (hasProject && lower[0] === 'projectanalysis') {
    if (tail.length === 2 && lower[1] === 'languagemetrics') return { route: 'languageMetrics' };
    if (
      (tail.length === 4 || tail.length === 5) &&
      lower[1] === 'repositoryactivity' &&
      lower[2] === 'metrics' &&
      lower[3] === 'repositories'
    ) {
      return { route: 'activityMetrics', ...(tail[4] !== undefined ? { repository: tail[4] } : {}) };
    }
  }
  return { route: 'unknown' };
}

/** `git/repositories[/{repositoryId}[/items/{*path} | /refs/{*filter} | /commits | /stats/branches]]` */
function matchGitTail(tail: string[], lower: string[]): TailMatch {
  if (tail.length === 2) return { route: 'repositories' };
  const repository = tail[2];
  if (tail.length === 3) return { route: 'repository', repository };
  const rest = tail.slice(4).join('/');
  switch (lower[3]) {
    case 'items':
      return { route: 'items', repository, ...(rest ? { itemPath: rest } : {}) };
    case 'refs':
      return { route: 'refs', repository, ...(rest ? { refFilter: rest } : {}) };
    case 'commits':
      return tail.length === 4 ? { route: 'commits', repository } : { route: 'unknown' };
    case 'stats':
      return tail.length === 5 && lower[4] === 'branches' ? { route: 'branchStats', repository } : { route: 'unknown' };
    default:
      return { route: 'unknown' };
  }
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter(segment => segment.length > 0)
      .map(segment => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}
