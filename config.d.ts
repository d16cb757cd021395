import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * Integration profiles of the Azure DevOps repositories provider, keyed by a stable profile
       * id (letters, digits, `-` and `_`). Each profile becomes one entity provider named
       * `AzureDevOpsRepositoriesProvider:<profileId>`.
       */
      azureDevOpsRepositories?: {
        [profileId: string]: AzureDevOpsRepositoriesProfileConfig;
      };
    };
  };
}

/** One Azure DevOps organization (or Azure DevOps Server collection) to import. */
interface AzureDevOpsRepositoriesProfileConfig {
  /** Display name of the profile in logs and status; unique across profiles. */
  profileName: string;
  /** The Azure DevOps organization, or on Azure DevOps Server the collection. */
  organization: string;
  /**
   * Base URL the organization is appended to, with or without a trailing slash, e.g.
   * `https://tfs.example.com/tfs/` for Azure DevOps Server. Defaults to `https://dev.azure.com/`.
   */
  apiUrl?: string;
  /**
   * Personal access token with Code (read) and Project and Team (read). Required unless `broker`
   * is set or `integrations.azure` holds credentials for this host and organization; not allowed
   * together with `broker`.
   * @visibility secret
   */
  token?: string;
  /** Routes every request through a Snyk Broker-compatible server, which adds the credentials. Defaults to none. */
  broker?: AzureDevOpsRepositoriesBrokerConfig;
  /** Reading each repository's Backstage catalog file ("Add Backstage Catalog"). Defaults to enabled with `catalog-info.yaml`. */
  backstageCatalog?: AzureDevOpsRepositoriesCatalogFileConfig;
  /** Which repositories are imported. Defaults to all of them. */
  filters?: AzureDevOpsRepositoriesFiltersConfig;
  /** Repository insights read besides the application context; each is on by default and costs requests of its own. */
  insights?: AzureDevOpsRepositoriesInsightsConfig;
  /** Owner entity ref for repositories without an owner in their catalog file; the kind defaults to Group. Defaults to none. */
  defaultOwner?: string;
  /** Most requests in flight at once for this profile, from 1 to 64. Defaults to 8. */
  concurrency?: number;
  /** Seconds before one HTTP request is abandoned, from 1 to 600. Defaults to 60. */
  requestTimeoutSeconds?: number;
  /** Retries of one request after a transient failure (429, 5xx, timeout), from 0 to 10. Defaults to 4. */
  maxRetries?: number;
  /**
   * Longest wait, in seconds, that Azure DevOps may ask for with `Retry-After`, from 1 to 3600; a
   * longer one stops the sync without changes, and the next sync tries again. Pacing on
   * `X-RateLimit-Remaining` never waits longer than this (nor 30 s) at a time. Must be shorter than `schedule.timeout`. Defaults to 300, or half the
   * schedule's timeout when that is shorter.
   */
  maxRetryAfterSeconds?: number;
  /**
   * The largest share, in percent (1 to 100), of this profile's entities that one sync may remove
   * when that is 10 entities or more. A sync that would remove more keeps every entity, logs a
   * warning, and the removal is applied when the next sync sees the same. `off` turns the guard off.
   * Defaults to 50.
   */
  maxRemovedPercent?: number | 'off';
  /**
   * When the profile starts a sync cycle; without a `scope`, `global` is used so that replicas
   * sync once. `timeout` bounds one run of the cycle, not the cycle: a run ends itself before it,
   * keeping what it did, and the next run follows at once until the cycle is complete.
   * Defaults to every 30 minutes, a 3-minute timeout and a 3-second initial delay.
   */
  schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
}

/** A Snyk Broker-compatible server; requests go to `{url}/broker/{token}/{organization}/…`. */
interface AzureDevOpsRepositoriesBrokerConfig {
  /** Base URL of the broker server. */
  url: string;
  /**
   * The broker token.
   * @visibility secret
   */
  token: string;
}

/** Where the catalog file is and which of its values become the repository's application context. */
interface AzureDevOpsRepositoriesCatalogFileConfig {
  /** Whether to read the catalog file and attach its application context. Defaults to true. */
  enabled?: boolean;
  /** Path of the catalog file from the repository root, on the default branch. Defaults to `catalog-info.yaml`. */
  filename?: string;
  /**
   * The attributes to attach, each an attribute id (read from its default path) or `{ id, path }`
   * where `path` is a dot-separated field path whose segments may be double-quoted to hold dots.
   * Defaults to all seven attributes with their default paths.
   */
  attributes?: Array<AzureDevOpsRepositoriesAttributeId | AzureDevOpsRepositoriesAttributeConfig>;
  /** Whether to also emit the entities the catalog file declares. Defaults to false. */
  ingestEntities?: boolean;
  /**
   * The kinds `ingestEntities` may emit, compared case-insensitively; entities of other kinds are
   * left out with a warning. `Location` is refused: it would let one file pull in anything. A
   * Repository of this module's apiVersion is never ingested either. Defaults to Component, API,
   * Resource, System and Domain.
   */
  ingestKinds?: string[];
  /** Catalog files larger than this many bytes (at most 5 MiB) are skipped with a warning. Defaults to 262144 (256 KiB). */
  maxFileBytes?: number;
}

/**
 * An application-context attribute; its default field path in brackets: catalogName
 * (`metadata.name`), title (`metadata.title`), category (`spec.type`), lifecycle
 * (`spec.lifecycle`), owner (`spec.owner`), application (`spec.system`), description
 * (`metadata.description`).
 */
type AzureDevOpsRepositoriesAttributeId =
  | 'catalogName'
  | 'title'
  | 'category'
  | 'lifecycle'
  | 'owner'
  | 'application'
  | 'description';

/** An attribute read from a field path of its own. */
interface AzureDevOpsRepositoriesAttributeConfig {
  /** The attribute. */
  id: AzureDevOpsRepositoriesAttributeId;
  /** Field path in the catalog file, e.g. `metadata.annotations."example.com/team"`. Defaults to the attribute's default path. */
  path?: string;
}

/** Repository insights, as Snyk Essentials shows them. */
interface AzureDevOpsRepositoriesInsightsConfig {
  /**
   * `spec.lastCommitAt` and `spec.freshness` (active, inactive, dormant), from the default branch's
   * latest commit: one request per repository pushed to, and per repository once a day. Defaults to true.
   */
  freshness?: boolean;
  /** `spec.languages` and up to 5 language tags, from project analysis: one request per project once a day. Defaults to true. */
  languages?: boolean;
  /**
   * `spec.contributors`: the number of distinct commit authors on the default branch in the last 90
   * days, bots excluded; no names or e-mail addresses. Shares freshness's request. Defaults to true.
   */
  contributors?: boolean;
}

/** Name globs (`*`, `?`) are case-insensitive and match whole names; excludes win over includes. */
interface AzureDevOpsRepositoriesFiltersConfig {
  /** Project name globs to import; omit the key for every project. Defaults to all projects. */
  projects?: string[];
  /** Project name globs to leave out. Defaults to none. */
  excludeProjects?: string[];
  /** Repository name globs to import; omit the key for every repository. Defaults to all repositories. */
  repositories?: string[];
  /** Repository name globs to leave out. Defaults to none. */
  excludeRepositories?: string[];
  /** Whether disabled repositories are imported, with `spec.disabled: true`. Defaults to true. */
  includeDisabled?: boolean;
  /** Whether forks are imported. Defaults to true. */
  includeForks?: boolean;
}
