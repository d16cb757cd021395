import { SIMULATED_COMMIT_COMMENT, type SimulatedCommit, type SimulatedProject, type SimulatedRepository } from './organization';
import type { RouteContext } from './routeContext';

/** The service shortens a listed commit's comment to this many characters, and says so. */
const SHORT_COMMENT_LENGTH = 100;

/**
 * A `GitCommitRef` as a commit listing (and branch stats) writes it: commit id, author and
 * committer with their dates, the comment shortened to 100 characters with `commentTruncated` only
 * when it was, change counts, the REST `url` (project and repository by id) and the web
 * `remoteUrl` (GitCommitTranslator.ToGitCommitShallow and GitCommitsBaseController.QueryCommits,
 * decompiled Azure DevOps Server 2022 in mjwrona/decompiled; the fields of Microsoft's "Commits -
 * Get Commits" samples). Git keeps whole seconds, so the dates have no fraction. The simulator
 * keeps no trees: every commit counts as one edited file.
 */
export function commitJson(
  context: RouteContext,
  project: SimulatedProject,
  repository: SimulatedRepository,
  commit: SimulatedCommit,
): Record<string, unknown> {
  const comment = commit.comment ?? SIMULATED_COMMIT_COMMENT;
  const committer = commit.committer ?? commit.author;
  return {
    commitId: commit.id,
    author: { name: commit.author.name, email: commit.author.email, date: gitDate(commit.authoredAt ?? commit.committedAt) },
    committer: { name: committer.name, email: committer.email, date: gitDate(commit.committedAt) },
    comment: comment.slice(0, SHORT_COMMENT_LENGTH),
    ...(comment.length > SHORT_COMMENT_LENGTH ? { commentTruncated: true } : {}),
    changeCounts: { Add: 0, Edit: 1, Delete: 0 },
    url: `${context.urls.repository(project, repository)}/commits/${commit.id}`,
    remoteUrl: `${context.urls.web(project, repository)}/commit/${commit.id}`,
  };
}

/** A Git timestamp as the service writes it: UTC, whole seconds. */
function gitDate(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
