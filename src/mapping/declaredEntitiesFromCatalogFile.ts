import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  type Entity,
} from '@backstage/catalog-model';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { ProfileConfig } from '../config/types';
import { HOST_ORG_ANNOTATION, PROJECT_REPO_ANNOTATION } from './annotations';
import { hostOrgAnnotationValue } from './repositoryEntityFromRepository';

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

/**
 * The entities a catalog file declares, ready to emit with `backstageCatalog.ingestEntities`.
 * Each is managed by the file's URL, so the catalog attributes it to that file; the
 * `dev.azure.com/*` annotations fill in only where the author set none. Documents that are not
 * entities (no apiVersion, kind or metadata.name) are left out; the catalog validates the rest.
 */
export function declaredEntitiesFromCatalogFile(
  documents: ReadonlyArray<Record<string, unknown>>,
  options: {
    repository: AzureDevOpsRepository;
    profile: Pick<ProfileConfig, 'organization' | 'apiUrl' | 'backstageCatalog'>;
  },
): Entity[] {
  const { repository, profile } = options;
  if (!repository.defaultBranch) return [];
  const location = `url:${catalogFileUrl(repository, profile.backstageCatalog.filename, repository.defaultBranch)}`;
  return documents.filter(isEntityShaped).map(document => ({
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
  }));
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
