import type { SimulatedProject, SimulatedRepository } from '../organization';
import { projectReferenceJson, type ResourceUrls } from '../routeContext';
import type { ServiceHookPayload } from './ServiceHookPayload';

/**
 * A Git repository as a service hook payload names it. Unlike REST answers, `url` names the
 * repository by id without its project, and `remoteUrl` carries no user name. The two resource
 * versions differ in what else they carry:
 *
 * - `1.0` (git.push) writes a short project with `visibility: "unchanged"` and a zero
 *   `lastUpdateTime`, and no size, SSH URL or disabled flag (a recorded delivery in
 *   argoproj/argo-cd, util/webhook/testdata/azuredevops-git-push-event.json, 2023; two more
 *   recorded in public test files, 2015 and 2023, agree; Microsoft's git.push sample too).
 * - `1.0-preview.1` (git.repo.*) writes the full project reference and `size`, `sshUrl`,
 *   `isDisabled` (Microsoft's samples of git.repo.created and git.repo.renamed, as the service's
 *   "Test" button sends them).
 *
 * Names in `remoteUrl` are percent-encoded as in REST answers; whether hooks encode them alike is
 * unverified (a 2015 delivery wrote a space as is). An empty repository has no `defaultBranch`.
 */
export function hookRepositoryJson(
  urls: ResourceUrls,
  project: SimulatedProject,
  repository: SimulatedRepository,
  resourceVersion: ServiceHookPayload['resourceVersion'],
): Record<string, unknown> {
  const defaultBranch =
    repository.defaultBranch === undefined ? {} : { defaultBranch: `refs/heads/${repository.defaultBranch}` };
  const identity = { id: repository.id, name: repository.name, url: urls.organizationRepository(repository) };
  if (resourceVersion === '1.0') {
    return {
      ...identity,
      project: {
        id: project.id,
        name: project.name,
        url: urls.project(project),
        state: 'wellFormed',
        visibility: 'unchanged',
        lastUpdateTime: '0001-01-01T00:00:00',
      },
      ...defaultBranch,
      remoteUrl: urls.web(project, repository),
    };
  }
  return {
    ...identity,
    project: projectReferenceJson(project, urls),
    ...defaultBranch,
    size: repository.size,
    remoteUrl: urls.web(project, repository),
    sshUrl: urls.ssh(project, repository),
    isDisabled: repository.isDisabled,
  };
}
