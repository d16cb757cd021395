import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';

/**
 * The `metadata.description` of a repository whose catalog file gives none: one plain sentence
 * naming the repository, its project and organization, and what sets it apart, so rows of the
 * catalog table that would otherwise look alike (a fork beside its parent, two copies of one
 * catalog file) read differently:
 *
 * - `Git repository api in project Platform of the Azure DevOps organization demo.`
 * - `Disabled, empty Git repository old in project Platform of the Azure DevOps organization demo.`
 * - `Git repository ios-app-fork in project Mobile Apps of the Azure DevOps organization demo, a fork of Mobile Apps/ios-app.`
 *
 * A fork names its parent only when the repository's answer did (`parent`); a listing never does,
 * so a listed fork says `a fork` without it.
 *
 * @param repository - The repository as the client reported it.
 * @param organization - The profile's organization (on Azure DevOps Server, the collection).
 */
export function generatedDescription(
  repository: Pick<AzureDevOpsRepository, 'name' | 'project' | 'defaultBranch' | 'isDisabled' | 'isFork' | 'parent'>,
  organization: string,
): string {
  const states = [
    ...(repository.isDisabled ? ['disabled'] : []),
    // Azure DevOps reports no default branch for a repository without any commit.
    ...(repository.defaultBranch ? [] : ['empty']),
  ];
  const adjectives = states.join(', ');
  const noun = adjectives ? `${adjectives.charAt(0).toUpperCase()}${adjectives.slice(1)} Git repository` : 'Git repository';
  const where = `${noun} ${repository.name} in project ${repository.project.name} of the Azure DevOps organization ${organization}`;
  return repository.isFork ? `${where}, ${forkOf(repository.parent)}.` : `${where}.`;
}

function forkOf(parent: AzureDevOpsRepository['parent']): string {
  if (!parent) return 'a fork';
  return parent.project ? `a fork of ${parent.project}/${parent.name}` : `a fork of ${parent.name}`;
}
