import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { NameGlobs, RepositoryFilters } from '../config/types';

/** Why a repository is left out of the catalog; logged at debug level and counted per run. */
export type ExclusionReason =
  | 'project-not-included'
  | 'project-excluded'
  | 'repository-not-included'
  | 'repository-excluded'
  | 'disabled'
  | 'fork';

/** Whether `name` matches any of the globs (anchored, case-insensitive). */
export function matchesGlobs(name: string, globs: NameGlobs): boolean {
  return globs.expressions.some(expression => expression.test(name));
}

/**
 * Why every repository of the project named `projectName` is left out, or undefined when its
 * repositories are candidates. Lets discovery skip listing the repositories of excluded projects.
 */
export function projectExclusionReason(
  projectName: string,
  filters: RepositoryFilters,
): 'project-excluded' | 'project-not-included' | undefined {
  // Checked before the include list, so that a project both included and excluded is excluded.
  if (filters.excludeProjects && matchesGlobs(projectName, filters.excludeProjects)) {
    return 'project-excluded';
  }
  // An include list narrows discovery to the projects it names; no list means every project.
  if (filters.projects && !matchesGlobs(projectName, filters.projects)) {
    return 'project-not-included';
  }
  return undefined;
}

/**
 * Why the repository is left out of the catalog, or undefined when it is emitted. Excludes win
 * over includes; project rules come before repository rules, then the state flags.
 */
export function repositoryExclusionReason(
  repository: AzureDevOpsRepository,
  filters: RepositoryFilters,
): ExclusionReason | undefined {
  const projectReason = projectExclusionReason(repository.project.name, filters);
  if (projectReason) {
    return projectReason;
  }
  // Checked before the include list, so that a repository both included and excluded is excluded.
  if (filters.excludeRepositories && matchesGlobs(repository.name, filters.excludeRepositories)) {
    return 'repository-excluded';
  }
  // An include list emits only the repositories it names; no list means every repository.
  if (filters.repositories && !matchesGlobs(repository.name, filters.repositories)) {
    return 'repository-not-included';
  }
  // Disabled repositories are emitted by default (with spec.disabled), so they stay visible in
  // the catalog; the flag is for catalogs that want only active code.
  if (repository.isDisabled && !filters.includeDisabled) {
    return 'disabled';
  }
  // Forks are emitted by default; a catalog may drop them because they mostly repeat their parent.
  if (repository.isFork && !filters.includeForks) {
    return 'fork';
  }
  return undefined;
}
