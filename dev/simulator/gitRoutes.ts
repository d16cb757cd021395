import { noBranchToChoose, unresolvableVersion } from './azureDevOpsErrors';
import { commitJson } from './commitJson';
import { readCommitSearchCriteria } from './commitSearchCriteria';
import { commitHistory, normalizeFilePath, type SimulatedCommit, type SimulatedRepository } from './organization';
import { jsonReply, listReply } from './reply';
import { inListingOrder, repositoryJson } from './repositoryJson';
import { isTrue, requireRepository, type Outcome, type RouteHandler } from './routeContext';
import { versionLabel, type VersionDescriptor } from './versionDescriptor';

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
 * A page of the default branch's history, newest first, as GitCommitsBaseController.QueryCommits
 * answers it (decompiled Azure DevOps Server 2022 in mjwrona/decompiled): the commits reachable
 * from `searchCriteria.itemVersion` (all of them when none is named), within `fromDate`/`toDate`
 * (taken on the committer date, inclusive; unverified), `$skip` and `$top` applied last. A named
 * branch that does not exist does not resolve (TF401175), and neither does any branch of an empty
 * repository, which has none; a branch descriptor without a version picks the default branch, and
 * fails with 400 VS403403 where there is none (GitVersionParser.GetCommitFromVersion). With no
 * version named, an empty repository lists nothing.
 *
 * A resolved version comes back in a `Link` header (`rel="startingCommitId"`), and a page with more
 * after it in one more (`rel="next"`), whose URL repeats the page's own `$skip`, as the server builds
 * it; the exact form of that URL is unverified.
 *
 * The simulator knows the files at the tip only: with `searchCriteria.itemPath` it lists the first
 * commit of the history when the file is there at the tip, and nothing otherwise.
 */
export const commits: RouteHandler = context => {
  const located = requireRepository(context, { includeDisabled: false });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  const criteria = readCommitSearchCriteria(context.query);
  if (!criteria.ok) return criteria.reply;
  const { itemVersion, top, skip, fromDate, toDate, itemPath } = criteria.value;
  const history = historyAt(found, itemVersion);
  if (!history.ok) return history.reply;

  let selected = history.value.filter(
    commit => (!fromDate || commit.committedAt >= fromDate) && (!toDate || commit.committedAt <= toDate),
  );
  if (itemPath !== undefined) {
    selected = Object.hasOwn(found.files, normalizeFilePath(itemPath)) ? selected.slice(0, 1) : [];
  }
  const page = selected.slice(skip, skip + top);
  const links: string[] = [];
  const start = history.value[0];
  if (itemVersion && start) links.push(`<${start.id}>;rel="startingCommitId"`);
  if (selected.length > skip + top) {
    links.push(`<${context.urls.repository(project, found)}/commits?%24skip=${skip}&%24top=${top}>;rel="next"`);
  }
  return listReply(
    page.map(commit => commitJson(context, project, found, commit)),
    links.length > 0 ? { link: links.join(', ') } : {},
  );
};

/** The history reachable from a version: the default branch's, or the part of it from a commit. */
function historyAt(found: SimulatedRepository, descriptor: VersionDescriptor | undefined): Outcome<SimulatedCommit[]> {
  const history = commitHistory(found);
  if (!descriptor) return { ok: true, value: history };
  const { kind, version } = descriptor;
  if (kind === 'Branch' && !version) {
    return found.defaultBranch === undefined ? { ok: false, reply: noBranchToChoose(found.name) } : { ok: true, value: history };
  }
  if (kind === 'Branch' && found.defaultBranch !== undefined && version?.toLowerCase() === found.defaultBranch.toLowerCase()) {
    return { ok: true, value: history };
  }
  const from = kind === 'Commit' ? history.findIndex(commit => commit.id === version?.toLowerCase()) : -1;
  if (from >= 0) return { ok: true, value: history.slice(from) };
  return { ok: false, reply: unresolvableVersion(versionLabel(descriptor, found), found.name) };
}

/** Tip and date of one branch (`?name=main`), or of all branches. */
export const branchStats: RouteHandler = context => {
  const located = requireRepository(context, { includeDisabled: false });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  const name = context.query.get('name');
  const [tip] = commitHistory(found);
  const stats =
    tip === undefined || found.defaultBranch === undefined
      ? []
      : [
          {
            commit: commitJson(context, project, found, tip),
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
