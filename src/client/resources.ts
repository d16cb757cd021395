/**
 * The REST resources the client calls, with the location ids and api-versions that
 * `azure-devops-node-api` itself uses for them, so the library's location negotiation (the OPTIONS
 * discovery of an area) resolves them exactly as it would its own calls.
 */

/**
 * One REST resource: its area, its location id within the area, the api-version asked for, and
 * the path a broker accept rule must allow for it (in the broker's `accept.json` syntax, with the
 * query parameters the rule must also allow, as the module sends them through a broker).
 */
export interface Resource {
  area: string;
  locationId: string;
  apiVersion: string;
  brokerPath: string;
  brokerQueryParameters?: readonly string[];
}

export const RESOURCES = {
  projects: { area: 'core', locationId: '603fe2ac-9723-48b9-88ad-09305aa6c6e1', apiVersion: '7.2-preview.4', brokerPath: '/:org/_apis/projects' },
  // Through a broker, repositories are only ever listed per project.
  repositories: { area: 'git', locationId: '225f7195-f9c7-4d14-ab28-a83f7ff77e1f', apiVersion: '7.2-preview.2', brokerPath: '/:org/:project/_apis/git/repositories' },
  // The same location as the listing, with a repositoryId route value, as GitApi.getRepository asks for it.
  repository: { area: 'git', locationId: '225f7195-f9c7-4d14-ab28-a83f7ff77e1f', apiVersion: '7.2-preview.2', brokerPath: '/:org/:project/_apis/git/repositories/:repo' },
  items: {
    area: 'git',
    locationId: 'fb93c0db-47ed-4a31-8c20-47552878fb44',
    apiVersion: '7.2-preview.1',
    brokerPath: '/:org/:project/_apis/git/repositories/:repo/items',
    brokerQueryParameters: ['path'],
  },
  // GitApi.getCommits asks 7.2-preview.2 of the commits location; its `{commitId}` route value stays empty for a listing.
  commits: { area: 'git', locationId: 'c2570c3b-5b3f-41b8-98bf-5407bfde8d58', apiVersion: '7.2-preview.2', brokerPath: '/:org/:project/_apis/git/repositories/:repo/commits' },
  activityMetrics: {
    area: 'projectanalysis',
    locationId: 'df7fbbca-630a-40e3-8aa3-7a3faf66947e',
    apiVersion: '7.2-preview.1',
    brokerPath: '/:org/:project/_apis/projectanalysis/repositoryactivity/metrics/repositories',
  },
  // ProjectAnalysisApi.getProjectLanguageAnalytics.
  languageMetrics: {
    area: 'projectanalysis',
    locationId: '5b02a779-1867-433f-90b7-d23ed5e33e57',
    apiVersion: '7.2-preview.1',
    brokerPath: '/:org/:project/_apis/projectanalysis/languagemetrics',
  },
} as const satisfies Record<string, Resource>;

/** Resource area ids, for the organization-level `ResourceAreas` lookup of each area's base URL. */
export const RESOURCE_AREA_IDS = {
  core: '79134c72-4a58-4b42-976c-04e7115f32bf',
  git: '4e080c62-fa21-4fbc-8fef-2a10a2b38049',
  projectAnalysis: '7658fa33-b1bf-4580-990f-fac5896773d3',
} as const;

/**
 * `connectionData`: who the token authenticates as. Any valid token may ask, and it needs no
 * api-version, so it is fetched at a fixed path below the organization URL, without the location
 * discovery the resources above go through.
 */
export const CONNECTION_DATA = { path: '_apis/connectionData', brokerPath: '/:org/_apis/connectionData' } as const;
