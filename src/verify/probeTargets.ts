import type { AzureDevOpsProject, AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { NameGlobs, ProfileConfig } from '../config/types';

/** The profile's projects (by its project filters) first, the others after, each in listing order. */
export function profileProjectsFirst(projects: AzureDevOpsProject[], profile: ProfileConfig): AzureDevOpsProject[] {
  const { projects: included, excludeProjects } = profile.filters;
  const isProfiles = (project: AzureDevOpsProject) => matches(included, project.name, true) && !matches(excludeProjects, project.name, false);
  return [...projects.filter(isProfiles), ...projects.filter(project => !isProfiles(project))];
}

/**
 * A repository a file can be read from: enabled (a disabled one answers every read as missing) and
 * not empty, of the profile's repository filters when one is.
 */
export function readableRepository(repositories: AzureDevOpsRepository[], profile: ProfileConfig): AzureDevOpsRepository | undefined {
  const { repositories: included, excludeRepositories } = profile.filters;
  const readable = repositories.filter(repository => !repository.isDisabled && repository.defaultBranch !== undefined);
  return (
    readable.find(repository => matches(included, repository.name, true) && !matches(excludeRepositories, repository.name, false)) ??
    readable[0]
  );
}

function matches(globs: NameGlobs | undefined, name: string, whenAbsent: boolean): boolean {
  return globs ? globs.expressions.some(expression => expression.test(name)) : whenAbsent;
}
