import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_VIEW_URL,
} from '@backstage/catalog-model';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { parseHttpUrl } from '../common/parseHttpUrl';
import type { ProfileConfig } from '../config/types';
import { flagTags } from './flagTags';
import { generatedDescription } from './generatedDescription';
import { insightFields, type RepositoryInsightFacts } from './insightFields';
import { languageTags } from './languageTags';
import { repositoryLinks } from './repositoryLinks';
import { HOST_ORG_ANNOTATION, PROFILE_ANNOTATION, PROJECT_REPO_ANNOTATION } from './annotations';
import { entityRefFromValue, type EntityRefDefaults } from './entityRefFromValue';
import { repositoryEntityName } from './repositoryEntityName';
import {
  REPOSITORY_API_VERSION,
  REPOSITORY_KIND,
  type ApplicationContext,
  type RepositoryEntity,
  type RepositoryEntitySpec,
} from './RepositoryEntity';

export type { RepositoryInsightFacts } from './insightFields';

/** What the mapping needs of a profile. */
export type RepositoryEntityProfile = Pick<
  ProfileConfig,
  'id' | 'organization' | 'host' | 'apiUrl' | 'defaultOwner' | 'insights'
>;

/** What the repository's catalog file contributed, as `applicationContextFromDocuments` returns it. */
export interface RepositoryCatalogFileFacts {
  /** Undefined when the file holds none of the selected attributes. */
  context?: ApplicationContext;
  /** Namespace that shorthand owner and system refs resolve in. */
  namespace: string;
  /** Full refs of the entities the file declares. */
  declaredEntities: string[];
}

/** Options of {@link repositoryEntityFromRepository}. */
export interface RepositoryEntityFromRepositoryOptions {
  profile: RepositoryEntityProfile;
  /** Absent when the catalog file is missing, unreadable, or the option is off. */
  catalogFile?: RepositoryCatalogFileFacts;
  /** The insight facts and the time freshness is measured at (epoch ms); without them, no insight field. */
  insights?: { facts: RepositoryInsightFacts; now: number };
}

/**
 * The entity, or why the repository cannot become one. `warnings` are data problems that left a
 * field out (an owner that is no entity ref); the caller logs them.
 */
export type RepositoryEntityResult = { entity: RepositoryEntity; warnings: string[] } | { skipped: string };

/** Owners without a kind are groups, as on a Component. */
const OWNER_DEFAULT_KIND = 'Group';

/** Applications without a kind are systems, as `spec.system` of a Component. */
const SYSTEM_DEFAULT_KIND = 'System';

/**
 * Appended to a fork's title. A fork usually carries its parent's catalog file, title included,
 * and the catalog table shows titles: without it, the two rows would read the same.
 */
export const FORK_TITLE_SUFFIX = ' (fork)';

/**
 * Builds the Repository entity of one Azure DevOps repository. Pure: no I/O, no clock; the input is
 * never modified and the output shares no object with it.
 *
 * Precedence, so that a catalog file can describe its repository but never impersonate another:
 * 1. Azure DevOps facts and provider-owned annotations (name, location annotations, organization,
 *    project, repository, id, branch, flags, visibility) always come from Azure DevOps and the
 *    profile; nothing in the file can change them.
 * 2. The application context fills `metadata.title`, `metadata.description` and
 *    `spec.type/lifecycle/owner/system`. A fork's title ends in ` (fork)` wherever it came from,
 *    and a repository whose file gives no description gets a generated one
 *    (`generatedDescription`), so that the catalog table tells repositories apart.
 * 3. `defaultOwner` fills `spec.owner` when the context holds no usable owner.
 *
 * Optional fields are set only when they have a value: the catalog stores JSON, where `undefined`
 * does not survive.
 *
 * @param repository - The repository as the client reported it.
 * @param options - The profile and, when there is one, what the catalog file contributed.
 */
export function repositoryEntityFromRepository(
  repository: AzureDevOpsRepository,
  options: RepositoryEntityFromRepositoryOptions,
): RepositoryEntityResult {
  const { profile, catalogFile } = options;
  if (repository.id.trim() === '' || repository.name.trim() === '') {
    return { skipped: 'the repository has no id or no name' };
  }
  if (!parseHttpUrl(repository.webUrl)) {
    return { skipped: `the repository web URL ${JSON.stringify(repository.webUrl)} is not an http(s) URL` };
  }

  const warnings: string[] = [];
  const context = catalogFile?.context;
  const namespace = catalogFile?.namespace;

  const owner = resolveOwner(context, namespace, profile.defaultOwner, warnings);
  const system = resolveRef(
    'application',
    context?.application,
    { defaultKind: SYSTEM_DEFAULT_KIND, defaultNamespace: namespace },
    warnings,
  );

  const spec: RepositoryEntitySpec = {
    organization: profile.organization,
    project: repository.project.name,
    repository: repository.name,
    repositoryId: repository.id,
    // Azure DevOps reports no default branch for a repository without any commit.
    ...(repository.defaultBranch ? { defaultBranch: repository.defaultBranch } : {}),
    empty: !repository.defaultBranch,
    disabled: repository.isDisabled,
    fork: repository.isFork,
    visibility: repository.project.visibility,
    ...(context?.category ? { type: context.category } : {}),
    ...(context?.lifecycle ? { lifecycle: context.lifecycle } : {}),
    ...(owner ? { owner } : {}),
    ...(system ? { system } : {}),
    ...(context ? { applicationContext: copyContext(context) } : {}),
    ...(catalogFile && catalogFile.declaredEntities.length > 0
      ? { declaredEntities: [...catalogFile.declaredEntities] }
      : {}),
    ...(options.insights ? insightFields(profile.insights, options.insights.facts, options.insights.now) : {}),
  };
  const flags = flagTags(repository);
  const languages =
    options.insights && profile.insights.languages ? languageTags(options.insights.facts.languages ?? []) : [];
  // Flags first: they are what sets the repository apart; a language spelled like a flag is not repeated.
  const tags = [...flags, ...languages.filter(tag => !flags.includes(tag))];
  const links = repositoryLinks(repository);

  const locationRef = `url:${repository.webUrl}`;
  const entity: RepositoryEntity = {
    apiVersion: REPOSITORY_API_VERSION,
    kind: REPOSITORY_KIND,
    metadata: {
      name: repositoryEntityName({
        profileId: profile.id,
        host: profile.host,
        organization: profile.organization,
        project: repository.project.name,
        repository: repository.name,
        repositoryId: repository.id,
      }),
      title: repository.isFork ? `${context?.title ?? repository.name}${FORK_TITLE_SUFFIX}` : (context?.title ?? repository.name),
      description: context?.description ?? generatedDescription(repository, profile.organization),
      ...(tags.length > 0 ? { tags } : {}),
      ...(links.length > 0 ? { links } : {}),
      annotations: {
        [ANNOTATION_LOCATION]: locationRef,
        [ANNOTATION_ORIGIN_LOCATION]: locationRef,
        [ANNOTATION_VIEW_URL]: repository.webUrl,
        // No trailing slash, although generic `url:` folder locations end with one: Backstage's Azure
        // integration resolves relative paths through the `?path=` query of the repository URL
        // (AzureIntegration.resolveUrl), not through the URL path, and reads the whole default
        // branch from the bare URL. The contract also asks for the web URL as it is.
        [ANNOTATION_SOURCE_LOCATION]: locationRef,
        [PROJECT_REPO_ANNOTATION]: `${repository.project.name}/${repository.name}`,
        [HOST_ORG_ANNOTATION]: hostOrgAnnotationValue(profile),
        [PROFILE_ANNOTATION]: profile.id,
      },
    },
    spec,
  };
  return { entity, warnings };
}

/**
 * The owner from the context, resolved in the file's namespace; else `defaultOwner`. An owner that is
 * no entity ref also falls back, since a repository whose file names its owner badly is, as far as
 * the catalog can tell, a repository without an owner.
 */
function resolveOwner(
  context: ApplicationContext | undefined,
  namespace: string | undefined,
  defaultOwner: string | undefined,
  warnings: string[],
): string | undefined {
  const fromContext = resolveRef(
    'owner',
    context?.owner,
    { defaultKind: OWNER_DEFAULT_KIND, defaultNamespace: namespace },
    warnings,
  );
  if (fromContext || !defaultOwner) {
    return fromContext;
  }
  const fallback = entityRefFromValue(defaultOwner, { defaultKind: OWNER_DEFAULT_KIND });
  if (!fallback) {
    warnings.push(`defaultOwner ${JSON.stringify(defaultOwner)} is not a valid entity ref; spec.owner left out`);
  }
  return fallback;
}

function resolveRef(
  attribute: 'owner' | 'application',
  value: string | undefined,
  defaults: EntityRefDefaults,
  warnings: string[],
): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const ref = entityRefFromValue(value, defaults);
  if (!ref) {
    warnings.push(`${attribute} ${JSON.stringify(value)} is not a valid entity ref; left out of spec`);
  }
  return ref;
}

/**
 * The `dev.azure.com/host-org` annotation value: `<host>/<organization>` on Azure DevOps Services,
 * `<host>/<path>/<collection>` on Azure DevOps Server (`https://tfs.example.com/tfs` and collection
 * `Default` give `tfs.example.com/tfs/Default`), the form the community frontend routes on-premises
 * requests by. Host and path both come from `apiUrl`, so the value names the same server the module
 * reads from.
 *
 * @param profile - The profile's normalized `apiUrl` and its organization (or collection).
 */
export function hostOrgAnnotationValue(profile: Pick<ProfileConfig, 'apiUrl' | 'organization'>): string {
  const url = parseHttpUrl(profile.apiUrl);
  // The config reader validates apiUrl; should a bad one get here, keep its text minus the scheme
  // rather than throw from a mapper.
  const hostAndPath = url ? `${url.host}${url.pathname}` : profile.apiUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return `${hostAndPath.replace(/\/+$/, '')}/${profile.organization}`;
}

/** A copy without keys whose value is undefined, which JSON would silently drop. */
function copyContext(context: ApplicationContext): ApplicationContext {
  const copy: ApplicationContext = { source: context.source, path: context.path };
  for (const key of ['name', 'title', 'category', 'lifecycle', 'owner', 'application', 'description'] as const) {
    const value = context[key];
    if (value !== undefined) {
      copy[key] = value;
    }
  }
  return copy;
}
