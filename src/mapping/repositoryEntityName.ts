import { createHash } from 'node:crypto';

/** Backstage (Kubernetes) object names are at most 63 characters. */
const MAX_NAME_LENGTH = 63;

/** Hex characters of the hash suffix: 32 bits, only ever compared among equal readable prefixes. */
const HASH_LENGTH = 8;

/** Room left for the readable part once `-` and the hash are appended. */
const READABLE_LENGTH = MAX_NAME_LENGTH - 1 - HASH_LENGTH;

/** Used as the readable part when neither the project nor the repository name has a letter or digit left. */
const FALLBACK_READABLE = 'repo';

/** What identifies one repository of one profile. */
export interface RepositoryEntityNameInput {
  /** The profile key; kept case-sensitive, as config keys are. */
  profileId: string;
  /** Host of the profile's `apiUrl`, e.g. `dev.azure.com`. */
  host: string;
  organization: string;
  /** Project name: readable part only. */
  project: string;
  /** Repository name: readable part only. */
  repository: string;
  /** Repository GUID. */
  repositoryId: string;
}

/**
 * Builds the `metadata.name` of a Repository entity: `<project>-<repository>-<hash>`, for example
 * `payments-payments-api-1a2b3c4d`.
 *
 * - Valid: lower-case `[a-z0-9]` runs joined by `-`, at most 63 characters, so it passes
 *   `KubernetesValidatorFunctions.isValidObjectName` whatever the input.
 * - Unique: the hash covers profile, host, organization and repository GUID, so repositories with the
 *   same name in two projects, organizations or profiles never collide, even when their readable
 *   parts do (names differing only by case, or by characters the slug drops).
 * - Stable: the GUID survives renames and moves between projects of the organization, and neither it
 *   nor host or organization depend on the spelling case Azure DevOps happens to return (all three are
 *   case-insensitive there), so the hash never changes; the readable part follows the current names.
 *
 * @param input - The profile and repository identity.
 */
export function repositoryEntityName(input: RepositoryEntityNameInput): string {
  const hash = createHash('sha256')
    .update(
      [
        input.profileId,
        input.host.toLowerCase(),
        input.organization.toLowerCase(),
        input.repositoryId.toLowerCase(),
      ].join('\n'),
    )
    .digest('hex')
    .slice(0, HASH_LENGTH);
  return `${readablePart(slug(input.project), slug(input.repository))}-${hash}`;
}

/**
 * Joins project and repository slugs within {@link READABLE_LENGTH}. When both do not fit, each keeps
 * about half, and a short one lends its unused half to the other, so a long project name never hides
 * the repository name entirely.
 */
function readablePart(project: string, repository: string): string {
  if (project === '' && repository === '') {
    return FALLBACK_READABLE;
  }
  if (project === '' || repository === '') {
    return truncate(project || repository, READABLE_LENGTH);
  }
  const room = READABLE_LENGTH - 1; // one `-` between the two
  const projectHalf = Math.floor(room / 2);
  const projectLength = Math.min(project.length, Math.max(projectHalf, room - repository.length));
  const projectPart = truncate(project, projectLength);
  const repositoryPart = truncate(repository, room - projectPart.length);
  return `${projectPart}-${repositoryPart}`;
}

/** Cuts a slug and drops a `-` left dangling at the cut, which would end a run without a letter or digit. */
function truncate(text: string, length: number): string {
  return text.slice(0, length).replace(/-+$/, '');
}

/**
 * Lower-case letters and digits, every other run of characters replaced by one `-`. Accents are
 * removed by Unicode decomposition (`Café` → `cafe`); other scripts are dropped, which the hash
 * compensates for.
 */
function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
