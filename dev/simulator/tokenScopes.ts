/**
 * PAT scopes, for tokens made short of one on purpose (`tokenScopes` in the simulator's options).
 * Azure DevOps grants every REST route to the tokens whose scopes cover it; the routes the
 * simulator serves fall under three (Microsoft's names, and what the "Create a token" page calls
 * them):
 *
 * - `vso.project`, Project and Team (read): the projects, one project;
 * - `vso.code`, Code (read): repositories, items, refs, commits, branch statistics;
 * - `vso.analytics`, Analytics (read): project analysis, activity and language metrics.
 *
 * The location service (`OPTIONS` of an area, `ResourceAreas`) and `connectionData` answer any
 * valid token. Which scope project analysis needs is not documented: Analytics (read) is observed
 * to work for the language metrics (see the Azure DevOps API reference), and assumed here for the
 * activity metrics, which live in the same area.
 */
import type { RouteName } from './requestTarget';

/** The scopes the simulator tells apart. */
export type TokenScope = 'vso.code' | 'vso.project' | 'vso.analytics';

const ROUTE_SCOPES: Record<RouteName, TokenScope | undefined> = {
  location: undefined,
  areaOptions: undefined,
  resourceAreas: undefined,
  connectionData: undefined,
  projects: 'vso.project',
  project: 'vso.project',
  repositories: 'vso.code',
  repository: 'vso.code',
  items: 'vso.code',
  refs: 'vso.code',
  commits: 'vso.code',
  branchStats: 'vso.code',
  languageMetrics: 'vso.analytics',
  activityMetrics: 'vso.analytics',
  // Answered 404 whatever the token: there is nothing to grant.
  unknown: undefined,
};

/** The scope a route needs; undefined when any valid token may call it. */
export function scopeOfRoute(route: RouteName): TokenScope | undefined {
  return ROUTE_SCOPES[route];
}

/**
 * Whether a token may call a route: a token without an entry in `tokenScopes` has every scope, as
 * a full-access PAT does; one with an entry has only those listed.
 */
export function tokenMayCall(
  tokenScopes: Readonly<Record<string, readonly string[]>> | undefined,
  token: string,
  route: RouteName,
): boolean {
  const needed = scopeOfRoute(route);
  if (needed === undefined || !tokenScopes || !Object.hasOwn(tokenScopes, token)) return true;
  return tokenScopes[token].includes(needed);
}
