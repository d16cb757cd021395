import type { EntityLink } from '@backstage/catalog-model';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { parseHttpUrl } from '../common/parseHttpUrl';

/**
 * Icon ids of Backstage's default app icons (`@backstage/app-defaults`, `defaultAppIcons` of the
 * new frontend system): an id an app does not know shows a generic link icon instead. None of them
 * depicts Git, so each is the nearest in meaning; an app can register its own icon under any of
 * these ids.
 */
export const LINK_ICONS = {
  /** A book: the repository's files. */
  repository: 'catalog',
  /** A speech bubble: pull requests are where changes are discussed. */
  pullRequests: 'chat',
  /** A dashboard: pipelines show the build status. */
  pipelines: 'dashboard',
  /** A pin: a branch marks a place in the history. */
  branches: 'kind:location',
} as const;

/**
 * `metadata.links` of a repository: its pages in Azure DevOps, which Backstage's links card shows.
 *
 * - Repository: the web URL, as the listing gives it.
 * - Pull requests: `<webUrl>/pullrequests`, and branches: `<webUrl>/branches`, the pages the
 *   repository's own menu leads to (the same paths on Azure DevOps Server). Known from use, not
 *   from a documented URL scheme; the simulator serves no web pages, so no test opens them.
 * - Pipelines: the project's pipelines page, `<project URL>/_build` (the page build badges link
 *   to, with `?definitionId=`), where the project URL is the web URL before `/_git/`. Azure
 *   DevOps has no documented URL of the pipelines of one repository, and none is verified here,
 *   so the link is the project's; it is left out when the web URL has no `/_git/` to cut at.
 *
 * A disabled repository's content cannot be read, and Azure Repos shows a message that it is
 * disabled instead of its pages (Azure DevOps release notes, sprint 184, "Disable a repository";
 * its pull request API answers 404, cribeiro84/azure-devops-pull-request-hub#170); an empty one
 * has no branch, hence no pull request or pipeline run. Both get the repository link alone, which
 * opens a page that says what the repository is.
 *
 * Built from the web URL with any user or password removed, so that no credential ever reaches an
 * entity. No link at all when the web URL is no http(s) URL.
 *
 * @param repository - The repository as the client reported it.
 */
export function repositoryLinks(
  repository: Pick<AzureDevOpsRepository, 'webUrl' | 'defaultBranch' | 'isDisabled'>,
): EntityLink[] {
  const url = parseHttpUrl(repository.webUrl);
  if (!url) return [];
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = '';
  const webUrl = url.href.replace(/\/+$/, '');
  const links: EntityLink[] = [{ url: webUrl, title: 'Repository', icon: LINK_ICONS.repository }];
  if (repository.isDisabled || !repository.defaultBranch) return links;

  links.push({ url: `${webUrl}/pullrequests`, title: 'Pull requests', icon: LINK_ICONS.pullRequests });
  const gitAt = webUrl.lastIndexOf('/_git/');
  if (gitAt > 0) links.push({ url: `${webUrl.slice(0, gitAt)}/_build`, title: 'Pipelines', icon: LINK_ICONS.pipelines });
  links.push({ url: `${webUrl}/branches`, title: 'Branches', icon: LINK_ICONS.branches });
  return links;
}
