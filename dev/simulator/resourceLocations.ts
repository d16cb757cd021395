/**
 * What `OPTIONS /_apis/{area}` answers: the client (VsoClient) looks a resource up by location id,
 * fills the route template (empty route values vanish with their segment, so a template with
 * `{project}` also serves organization-wide calls) and negotiates the api-version:
 *
 * - a requested version ≤ `releasedVersion` is sent as is;
 * - a preview ≤ `maxVersion` whose resource version ≤ `resourceVersion` is sent as is;
 * - otherwise `maxVersion` when it equals `releasedVersion`, else `{maxVersion}-preview.{resourceVersion}`.
 *
 * As on Azure DevOps Services today, every location advertises max 7.2 and released 7.1, so the
 * `7.2-preview.N` that azure-devops-node-api 17 asks for goes out unchanged, as it does against the
 * real service (OPTIONS answers recorded in mia-platform/integration-connector-agent,
 * internal/sources/azure-devops/azure-devops_test.go). ResourceAreas and project analysis exist only
 * as previews (released 0.0, the ResourceAreas entry as recorded there and in microsoft/playwright,
 * tests/playwright-test/assets/azure-reporter/azureLocationOptionsResponse.json).
 */
export interface ResourceLocation {
  id: string;
  area: string;
  resourceName: string;
  routeTemplate: string;
  resourceVersion: number;
  minVersion: string;
  maxVersion: string;
  releasedVersion: string;
}

const RELEASED = { minVersion: '1.0', maxVersion: '7.2', releasedVersion: '7.1' } as const;
const PREVIEW_ONLY = { minVersion: '4.1', maxVersion: '7.2', releasedVersion: '0.0' } as const;
const REPOSITORY_PREFIX = '{project}/_apis/{area}/repositories/{repositoryId}';

/** The only entry azure-devops-node-api needs from the Location area: the ResourceAreas resource. */
export const RESOURCE_AREAS_LOCATION: ResourceLocation = {
  id: 'e81700f7-3be2-46de-8624-2eb35882fcaa',
  area: 'Location',
  resourceName: 'ResourceAreas',
  routeTemplate: '_apis/{resource}/{areaId}',
  resourceVersion: 1,
  minVersion: '3.2',
  maxVersion: '7.2',
  releasedVersion: '0.0',
};

const LOCATIONS_BY_AREA: Record<string, ResourceLocation[]> = {
  location: [RESOURCE_AREAS_LOCATION],
  core: [
    {
      id: '603fe2ac-9723-48b9-88ad-09305aa6c6e1',
      area: 'core',
      resourceName: 'projects',
      routeTemplate: '_apis/{resource}/{*projectId}',
      resourceVersion: 4,
      ...RELEASED,
    },
  ],
  git: [
    {
      id: '225f7195-f9c7-4d14-ab28-a83f7ff77e1f',
      area: 'git',
      resourceName: 'repositories',
      routeTemplate: '{project}/_apis/{area}/{resource}/{repositoryId}',
      resourceVersion: 2,
      ...RELEASED,
    },
    {
      id: 'fb93c0db-47ed-4a31-8c20-47552878fb44',
      area: 'git',
      resourceName: 'items',
      routeTemplate: `${REPOSITORY_PREFIX}/{resource}/{*path}`,
      resourceVersion: 1,
      ...RELEASED,
    },
    {
      id: '2d874a60-a811-4f62-9c9f-963a6ea0a55b',
      area: 'git',
      resourceName: 'refs',
      routeTemplate: `${REPOSITORY_PREFIX}/{resource}/{*filter}`,
      resourceVersion: 2,
      ...RELEASED,
    },
    {
      id: 'c2570c3b-5b3f-41b8-98bf-5407bfde8d58',
      area: 'git',
      resourceName: 'commits',
      routeTemplate: `${REPOSITORY_PREFIX}/{resource}/{commitId}`,
      resourceVersion: 2,
      ...RELEASED,
    },
    {
      id: 'd5b216de-d8d5-4d32-ae76-51df755b16d3',
      area: 'git',
      resourceName: 'branchStats',
      routeTemplate: `${REPOSITORY_PREFIX}/stats/branches`,
      resourceVersion: 2,
      ...RELEASED,
    },
  ],
  projectanalysis: [
    {
      id: '5b02a779-1867-433f-90b7-d23ed5e33e57',
      area: 'projectanalysis',
      resourceName: 'languagemetrics',
      routeTemplate: '{project}/_apis/{area}/{resource}',
      resourceVersion: 1,
      ...PREVIEW_ONLY,
    },
    {
      // Used by getGitRepositoriesActivityMetrics (no repositoryId) and getRepositoryActivityMetrics.
      id: 'df7fbbca-630a-40e3-8aa3-7a3faf66947e',
      area: 'projectanalysis',
      resourceName: 'repositoryActivityMetrics',
      routeTemplate: '{project}/_apis/{area}/repositoryactivity/metrics/repositories/{repositoryId}',
      resourceVersion: 1,
      ...PREVIEW_ONLY,
    },
  ],
};

/** Area names are matched case-insensitively; an unknown area has no locations. */
export function resourceLocations(area: string): ResourceLocation[] {
  return LOCATIONS_BY_AREA[area.toLowerCase()] ?? [];
}
