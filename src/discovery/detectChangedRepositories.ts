import type { AzureDevOpsApi, AzureDevOpsRepository } from '../client/AzureDevOpsApi';

/**
 * Which repositories had pushes since `since`, asking Azure DevOps' project analysis once per
 * project (a project's listing covers all its repositories), so an unchanged organization costs
 * one request per project instead of one per repository. Only projects holding repositories whose
 * files can be read are asked. Resolves `undefined` when any project cannot say, so the caller
 * reads everything rather than trusting a partial answer.
 */
export async function detectChangedRepositories(
  api: AzureDevOpsApi,
  repositories: AzureDevOpsRepository[],
  since: Date,
): Promise<Set<string> | undefined> {
  const projects = new Set(
    repositories
      .filter(repository => repository.defaultBranch && !repository.isDisabled)
      .map(repository => repository.project.id),
  );
  const answers = await Promise.all(
    [...projects].map(project => api.listChangedRepositoryIds({ project, since })),
  );
  if (answers.some(answer => answer === undefined)) return undefined;
  return new Set(answers.flatMap(answer => [...(answer ?? [])]));
}
