import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  type Entity,
} from '@backstage/catalog-model';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { ProfileConfig } from '../config/types';
import { NEVER_INGESTED_KINDS } from '../config/defaults';
import { HOST_ORG_ANNOTATION, PROJECT_REPO_ANNOTATION } from './annotations';
import { declaredEntityRef } from './declaredEntityRef';
import { hostOrgAnnotationValue } from './repositoryEntityFromRepository';
import { REPOSITORY_API_VERSION } from './RepositoryEntity';

/**
 * The URL of a file on a branch, in the form Backstage's Azure DevOps URL reader understands:
 * `https://dev.azure.com/{org}/{project}/_git/{repo}?path=/catalog-info.yaml&version=GBmain`.
 */
export function catalogFileUrl(repository: AzureDevOpsRepository, filename: string, branch: string): string {
  const url = new URL(repository.webUrl);
  url.searchParams.set('path', `/${filename}`);
  url.searchParams.set('version', `GB${branch}`);
  return url.toString();
}

/** Options of {@link declaredEntitiesFromCatalogFile}. */
export interface DeclaredEntitiesFromCatalogFileOptions {
  repository: AzureDevOpsRepository;
  profile: Pick<ProfileConfig, 'organization' | 'apiUrl' | 'backstageCatalog'>;
  /**
   * The refs the repository's entity links (`CatalogFileFacts.declaredEntities`). Only these are
   * ingested, so links and ingested entities always agree, and a ref refused there (invalid, over
   * the cap) is not reported a second time.
   */
  declaredEntities: readonly string[];
}

/** The entities to emit, and one warning per entity of the file left out, naming its ref. */
export interface DeclaredEntities {
  entities: Entity[];
  warnings: string[];
}

/**
 * The entities a catalog file declares, ready to emit with `backstageCatalog.ingestEntities`.
 * Each is managed by the file's URL, so the catalog attributes it to that file; the
 * `dev.azure.com/*` annotations fill in only where the author set none. Documents that are not
 * entities (no apiVersion, kind or metadata.name) are left out; the catalog validates the rest.
 *
 * Anyone who can push to one repository writes its file, so it is not trusted to say what it
 * emits: only kinds of `ingestKinds`, never `Location` (whatever the list says), never an entity of
 * this module's own apiVersion (it would impersonate a repository), and each ref once, from its
 * first document. Refs that other repositories hold are for the caller to check, who sees the
 * whole sync.
 */
export function declaredEntitiesFromCatalogFile(
  documents: ReadonlyArray<Record<string, unknown>>,
  options: DeclaredEntitiesFromCatalogFileOptions,
): DeclaredEntities {
  const { repository, profile } = options;
  if (!repository.defaultBranch) return { entities: [], warnings: [] };
  const location = `url:${catalogFileUrl(repository, profile.backstageCatalog.filename, repository.defaultBranch)}`;
  const { ingestKinds } = profile.backstageCatalog;
  const allowedKinds = new Set(
    ingestKinds.map(kind => kind.toLowerCase()).filter(kind => !NEVER_INGESTED_KINDS.some(never => never.toLowerCase() === kind)),
  );
  const declared = new Set(options.declaredEntities);
  const emitted = new Set<string>();
  const entities: Entity[] = [];
  const warnings: string[] = [];
  for (const document of documents) {
    const found = declaredEntityRef(document);
    // Refs the repository does not link were reported with the links (invalid, declared twice,
    // over the limit); reporting them again here would only double the warnings.
    if (!isEntityShaped(document) || found === undefined || !('ref' in found) || !declared.has(found.ref)) continue;
    const ref = found.ref;
    if (document.apiVersion.trim().toLowerCase() === REPOSITORY_API_VERSION) {
      warnings.push(`${ref} not ingested: only this module emits ${REPOSITORY_API_VERSION} entities`);
    } else if (!allowedKinds.has(document.kind.trim().toLowerCase())) {
      warnings.push(`${ref} not ingested: its kind is not in backstageCatalog.ingestKinds (${ingestKinds.join(', ')})`);
    } else if (!emitted.has(ref)) {
      emitted.add(ref);
      entities.push(withLocation(document, { repository, profile, location }));
    }
  }
  return { entities, warnings };
}

function withLocation(
  document: EntityShaped,
  options: { repository: AzureDevOpsRepository; profile: Pick<ProfileConfig, 'organization' | 'apiUrl'>; location: string },
): Entity {
  const { repository, profile, location } = options;
  return {
    ...document,
    metadata: {
      ...document.metadata,
      annotations: {
        [PROJECT_REPO_ANNOTATION]: `${repository.project.name}/${repository.name}`,
        [HOST_ORG_ANNOTATION]: hostOrgAnnotationValue(profile),
        ...stringRecord(document.metadata.annotations),
        // The location annotations are the provider's: they say where the catalog reads the entity.
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
      },
    },
  };
}

type EntityShaped = Entity & { metadata: Entity['metadata'] & Record<string, unknown> };

function isEntityShaped(document: Record<string, unknown>): document is EntityShaped {
  const metadata = document.metadata as Record<string, unknown> | undefined;
  return (
    typeof document.apiVersion === 'string' &&
    typeof document.kind === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof metadata.name === 'string'
  );
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
