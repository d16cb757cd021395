import type { Entity } from '@backstage/catalog-model';

/** @public The `apiVersion` of the entities this module emits. */
export const REPOSITORY_API_VERSION = 'azure-devops-repositories.dev/v1alpha1';

/** @public The kind of the entities this module emits. */
export const REPOSITORY_KIND = 'Repository';

/**
 * @public
 * Relation from a Repository to every entity its catalog file declares.
 */
export const RELATION_DECLARES = 'declares';

/**
 * @public
 * Relation from an entity to the Repository whose catalog file declares it; the reverse of
 * {@link RELATION_DECLARES}.
 */
export const RELATION_DECLARED_IN = 'declaredIn';

/**
 * @public
 * The application context a repository's catalog file contributed: only the attributes the
 * profile selects and the file holds as strings.
 *
 * A type alias rather than an interface, like {@link RepositoryEntitySpec}: only aliases get the
 * implicit index signature that makes them assignable to the catalog's `JsonObject`.
 */
export type ApplicationContext = {
  /** From `metadata.name` by default. */
  name?: string;
  title?: string;
  category?: string;
  lifecycle?: string;
  /** As written in the file (`team-a`, `group:platform/team-x`). */
  owner?: string;
  /** As written in the file. */
  application?: string;
  /** From `metadata.description` by default; also the entity's `metadata.description`. */
  description?: string;
  /** Always `Backstage`: where the context came from. */
  source: 'Backstage';
  /** Path of the catalog file from the repository root. */
  path: string;
};

/**
 * @public The `spec` of a Repository entity. A type alias so that it is assignable to `Entity['spec']`
 * (`JsonObject`), which an interface without an index signature is not.
 */
export type RepositoryEntitySpec = {
  organization: string;
  project: string;
  repository: string;
  repositoryId: string;
  /** Without `refs/heads/`; absent for an empty repository. */
  defaultBranch?: string;
  empty: boolean;
  disabled: boolean;
  fork: boolean;
  visibility: 'private' | 'public';
  /** Application-context category. */
  type?: string;
  /** Full entity ref of the owner, from the application context or `defaultOwner`. */
  owner?: string;
  /** Full entity ref of the system (application). */
  system?: string;
  lifecycle?: string;
  applicationContext?: ApplicationContext;
  /** Full refs of the entities the catalog file declares; linked with {@link RELATION_DECLARES}. */
  declaredEntities?: string[];
  /** ISO-8601 committer date of the default branch's latest commit; absent for an empty repository. With `insights.freshness`. */
  lastCommitAt?: string;
  /** From `lastCommitAt` and the clock at the sync: active (≤ 90 days), inactive (≤ 180), dormant, or unknown. With `insights.freshness`. */
  freshness?: 'active' | 'inactive' | 'dormant' | 'unknown';
  /** Languages by share of the bytes (percent), from project analysis. With `insights.languages`. */
  languages?: Array<{ name: string; percentage: number }>;
  /** Distinct commit authors on the default branch in the last `windowDays`, bots excluded. With `insights.contributors`. */
  contributors?: { count: number; windowDays: number };
};

/** @public A Repository entity as this module emits it. */
export interface RepositoryEntity extends Entity {
  apiVersion: typeof REPOSITORY_API_VERSION;
  kind: typeof REPOSITORY_KIND;
  spec: RepositoryEntitySpec;
}
