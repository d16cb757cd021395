import type { SimulatedProject, SimulatedRepository } from './organization';
import { projectReferenceJson, type RouteContext } from './routeContext';

/**
 * A `GitRepository` as the service writes it. Names in `remoteUrl`, `sshUrl` and `webUrl` are
 * percent-encoded (`Port%20Integration`) while `url` names project and repository by id (recorded
 * in port-labs/port-docs, docs/build-your-software-catalog/sync-data-to-catalog/git/azure-devops/
 * azure-devops.md, "Repository response data"; how characters other than spaces are escaped is
 * unverified). Which fields appear follows the data contract (decompiled Azure DevOps Server 2022
 * in mjwrona/decompiled, source/Microsoft.TeamFoundation.SourceControl.WebApi/GitRepository.cs):
 * `isDisabled` and `isInMaintenance` are nullable and always set, so always there; `isFork` is a
 * plain bool left out at its default, so only forks carry it. `parentRepository` is filled only by
 * the single-repository GET with `includeParent=true` (GitRepositoriesController.cs:
 * GetRepositoryWithParent); the listing and the plain GET never carry it, which is why `az repos
 * list` shows null for every fork (Azure/azure-devops-cli-extension#1317). The single GET's
 * `_links` are not simulated.
 */
export function repositoryJson(
  context: RouteContext,
  project: SimulatedProject,
  found: SimulatedRepository,
  options: { includeParent: boolean },
): Record<string, unknown> {
  const { urls } = context;
  const json: Record<string, unknown> = {
    id: found.id,
    name: found.name,
    url: urls.repository(project, found),
    project: projectReferenceJson(project, urls),
  };
  // Empty repositories have no default branch, and the field is then absent rather than null.
  if (found.defaultBranch !== undefined) json.defaultBranch = `refs/heads/${found.defaultBranch}`;
  Object.assign(json, {
    size: found.size,
    remoteUrl: urls.remote(project, found),
    sshUrl: urls.ssh(project, found),
    webUrl: urls.web(project, found),
    isDisabled: found.isDisabled,
    isInMaintenance: false,
  });
  if (found.isFork) json.isFork = true;
  const parent = options.includeParent && found.isFork && found.parentRepositoryId
    ? context.store.findRepository(context.organization.name, found.parentRepositoryId)
    : undefined;
  if (parent) {
    json.parentRepository = {
      id: parent.repository.id,
      name: parent.repository.name,
      url: urls.repository(parent.project, parent.repository),
      project: projectReferenceJson(parent.project, urls),
      ...(parent.repository.isFork ? { isFork: true } : {}),
      remoteUrl: urls.remote(parent.project, parent.repository),
      sshUrl: urls.ssh(parent.project, parent.repository),
    };
  }
  return json;
}

/**
 * The order of a listing. The server neither sorts nor groups: it keeps the order its database
 * query returns for the whole collection and filters it by project
 * (TeamFoundationGitRepositoryService.QueryRepositories in mjwrona/decompiled), and users see
 * Azure DevOps repositories come unsorted (apache/devlake#5821). What the database order follows
 * is unverified. The simulator lists by id across projects: stable, neither by name nor grouped by
 * project, and a project's listing is the organization's order filtered, as on the server.
 */
export function inListingOrder(
  located: ReadonlyArray<{ project: SimulatedProject; repository: SimulatedRepository }>,
): Array<{ project: SimulatedProject; repository: SimulatedRepository }> {
  return [...located].sort((a, b) => (a.repository.id < b.repository.id ? -1 : a.repository.id > b.repository.id ? 1 : 0));
}
