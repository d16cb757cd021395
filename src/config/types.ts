import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';

/**
 * The application-context attributes a catalog file can contribute: the six of Snyk Essentials'
 * "Add Backstage Catalog" option, named as there, and `description`, which Backstage shows in its
 * catalog table.
 *
 * @public
 */
export type ApplicationContextAttributeId =
  | 'catalogName'
  | 'title'
  | 'category'
  | 'lifecycle'
  | 'owner'
  | 'application'
  | 'description';

/** One attribute to read from the catalog file and the field path it is read from. */
export interface ApplicationContextAttribute {
  id: ApplicationContextAttributeId;
  /** The field path as configured, e.g. `metadata.annotations."example.com/team"`. */
  path: string;
  /** The same path split into segments, quotes removed. */
  segments: string[];
}

/** A compiled list of case-insensitive name globs. */
export interface NameGlobs {
  /** The globs as configured, for logs and errors. */
  patterns: string[];
  /** One anchored, case-insensitive expression per glob. */
  expressions: RegExp[];
}

/** Which repositories a profile emits. */
export interface RepositoryFilters {
  /** Project globs to include; undefined means every project. */
  projects?: NameGlobs;
  /** Project globs to exclude. */
  excludeProjects?: NameGlobs;
  /** Repository globs to include; undefined means every repository. */
  repositories?: NameGlobs;
  /** Repository globs to exclude. */
  excludeRepositories?: NameGlobs;
  includeDisabled: boolean;
  includeForks: boolean;
}

/** The "Add Backstage Catalog" option of a profile. */
export interface BackstageCatalogOptions {
  enabled: boolean;
  /** Path from the repository root, without a leading slash. */
  filename: string;
  attributes: ApplicationContextAttribute[];
  ingestEntities: boolean;
  /** The kinds `ingestEntities` may emit, as configured; compared case-insensitively. Never `Location`. */
  ingestKinds: string[];
  /** Catalog files larger than this many bytes are skipped with a warning. */
  maxFileBytes: number;
}

/** Which repository insights a profile reads; each costs requests of its own. */
export interface InsightOptions {
  /** `spec.lastCommitAt` and `spec.freshness`, from the default branch's latest commit. */
  freshness: boolean;
  /** `spec.languages` and language tags, from project analysis. */
  languages: boolean;
  /** `spec.contributors`: distinct commit authors on the default branch in the last 90 days. */
  contributors: boolean;
}

/** Routing through a Snyk Broker-compatible server. */
export interface BrokerOptions {
  /** Base URL without a trailing slash. */
  url: string;
  token: string;
}

/**
 * One integration profile, fully resolved: defaults applied, URLs normalized, globs compiled.
 * Secrets (`token`, `broker.token`) must never be logged.
 */
export interface ProfileConfig {
  /** The key under `catalog.providers.azureDevOpsRepositories`. */
  id: string;
  profileName: string;
  organization: string;
  /** Base URL without a trailing slash, e.g. `https://dev.azure.com`. */
  apiUrl: string;
  /** Host name (and port, when not the default) of `apiUrl`, e.g. `dev.azure.com`. */
  host: string;
  /** `{apiUrl}/{organization}`: the URL the REST API is called on without a broker. */
  organizationUrl: string;
  /** Personal access token; absent when credentials come from `integrations.azure` or a broker. */
  token?: string;
  broker?: BrokerOptions;
  backstageCatalog: BackstageCatalogOptions;
  filters: RepositoryFilters;
  insights: InsightOptions;
  /** A full entity ref (`group:default/platform`), or undefined. */
  defaultOwner?: string;
  concurrency: number;
  /** Milliseconds before one HTTP request is abandoned. */
  requestTimeoutMs: number;
  /** Retries of one request after a transient failure (429, 5xx, timeout, network). */
  maxRetries: number;
  /** Longest `Retry-After` waited out (a longer one stops the sync); also caps one pacing wait. */
  maxRetryAfterMs: number;
  /**
   * The largest share (in percent) of the profile's entities one sync may remove at once, when
   * that is at least 10; a larger removal waits for the next sync to confirm it. Absent: no guard.
   */
  maxRemovedPercent?: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
}
