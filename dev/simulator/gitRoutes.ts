import { unresolvableVersion } from './azureDevOpsErrors';
import { normalizeFilePath, SIMULATED_COMMIT_COMMENT, SIMULATED_PUSHER, type SimulatedProject, type SimulatedRepository } from './organization';
import { jsonReply, listReply } from './reply';
import { inListingOrder, repositoryJson } from './repositoryJson';
import {
  isTrue,
  requireRepository,
  wholeNumberParam,
  type RouteContext,
  type RouteHandler,
} from './routeContext';
import { readVersionDescriptor, resolveVersion } from './versionDescriptor';

export const repositories: RouteHandler = context => {
  const projects = context.project ? [context.project] : context.organization.projects;
  const located = projects.flatMap(project => project.repositories.map(repository => ({ project, repository })));
  return listReply(
    inListingOrder(located).map(({ project, repository: found }) => repositoryJson(context, project, found, { includeParent: false })),
  );
};

export const repository: RouteHandler = context => {
  const located = requireRepository(context, { includeDisabled: false });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  return jsonReply(repositoryJson(context, project, found, { includeParent: isTrue(context.query.get('includeParent')) }));
};

/** Prefix match on the name without `refs/` (`filter=heads/main`); only the default branch exists. */
export const refs: RouteHandler = context => {
  const located = requireRepository(context, { includeDisabled: false });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  const filter = (context.query.get('filter') ?? context.target.refFilter ?? '').replace(/^refs\//, '');
  const contains = context.query.get('filterContains');
  if (found.defaultBranch === undefined) return listReply([]);
  const name = `refs/heads/${found.defaultBranch}`;
  const matches = name.slice('refs/'.length).startsWith(filter) && (!contains || name.includes(contains));
  const ref = {
    name,
    objectId: found.commitId,
    creator: { displayName: 'Simulated Pusher', id: context.identity.id },
    url: `${context.urls.repository(project, found)}/refs?filter=${encodeURIComponent(name.slice('refs/'.length))}`,
  };
  return listReply(matches ? [ref] : []);
};

/**
 * The latest commit of the branch in `searchCriteria.itemVersion` (default branch when absent);
 * the simulator keeps no history, so there is at most one. With `searchCriteria.itemPath` the
 * list is empty when the file does not exist at the tip.
 */
export const commits: RouteHandler = context => {
  const located = requireRepository(context, { includeDisabled: false });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  const { query } = context;
  const top = wholeNumberParam(query, query.has('searchCriteria.$top') ? 'searchCriteria.$top' : '$top', 100);
  if (!top.ok) return top.reply;
  if (found.defaultBranch === undefined) return listReply([]);
  const descriptor = readVersionDescriptor(query, 'searchCriteria.itemVersion');
  if (!descriptor.ok) return descriptor.reply;
  const commitId = resolveVersion(found, descriptor.value);
  if (!commitId.ok) return commitId.reply;
  const itemPath = query.get('searchCriteria.itemPath');
  const touchesItem = !itemPath || Object.hasOwn(found.files, normalizeFilePath(itemPath));
  return listReply(top.value > 0 && touchesItem ? [commitJson(context, project, found)] : []);
};

/** Tip and date of one branch (`?name=main`), or of all branches. */
export const branchStats: RouteHandler = context => {
  const located = requireRepository(context, { includeDisabled: false });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  const name = context.query.get('name');
  const stats =
    found.defaultBranch === undefined
      ? []
      : [
          {
            commit: commitJson(context, project, found),
            name: found.defaultBranch,
            aheadCount: 0,
            behindCount: 0,
            isBaseVersion: true,
          },
        ];
  if (name === null) return listReply(stats);
  const match = stats.find(candidate => candidate.name.toLowerCase() === name.toLowerCase());
  return match ? jsonReply(match) : unresolvableVersion(`<Branch: ${name} >`, found.name);
};

function commitJson(
  context: RouteContext,
  project: SimulatedProject,
  found: SimulatedRepository,
): Record<string, unknown> {
  const person = { name: SIMULATED_PUSHER.displayName, email: SIMULATED_PUSHER.email, date: found.lastPushDate.toISOString() };
  return {
    commitId: found.commitId,
    author: person,
    committer: person,
    comment: SIMULATED_COMMIT_COMMENT,
    url: `${context.urls.repository(project, found)}/commits/${found.commitId}`,
    remoteUrl: `${context.urls.web(project, found)}/commit/${found.commitId}`,
  };
}
