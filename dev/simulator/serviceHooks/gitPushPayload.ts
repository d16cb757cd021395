import type { SimulatedProject, SimulatedRepository } from '../organization';
import type { RecordedPush } from '../PushLedger';
import type { HookOrigin } from './HookOrigin';
import { hookRepositoryJson } from './hookRepositoryJson';
import { serviceHookEnvelope } from './serviceHookEnvelope';
import type { ServiceHookNotification, ServiceHookPayload } from './ServiceHookPayload';

/** One push of one commit to one branch, with the project and repository as they are after it. */
export type GitPush = RecordedPush & {
  project: SimulatedProject;
  repository: SimulatedRepository;
};

/**
 * `git.push`, resource version 1.0, shaped after recorded deliveries (argoproj/argo-cd,
 * util/webhook/testdata/azuredevops-git-push-event.json) and Microsoft's sample: the commits
 * without the files they changed, one ref update per branch, and URLs that name the repository by
 * id alone, except the `_links` to the repository and its refs, which name the project too.
 */
export function gitPushPayload(origin: HookOrigin, notification: ServiceHookNotification, push: GitPush): ServiceHookPayload {
  const { urls, actor } = origin;
  const { project, repository, branch } = push;
  const when = push.date.toISOString();
  const person = { name: actor.displayName, email: actor.uniqueName, date: when };
  const pushUrl = urls.push(repository, push.pushId);
  const identityUrl = urls.identity(actor.id);
  const web = urls.web(project, repository);
  const branchUrl = `${web}/#version=GB${encodeURIComponent(branch)}`;
  const commitUrl = `${web}/commit/${push.newObjectId}`;
  const shortId = push.newObjectId.slice(0, 8);
  const heading = `${actor.displayName} pushed updates to ${repository.name}:${branch}`;
  const pushedCommit = `${actor.displayName} pushed a commit to`;
  return serviceHookEnvelope(origin, notification, {
    eventType: 'git.push',
    resourceVersion: '1.0',
    project,
    message: {
      text: `${heading}\r\n(${branchUrl})`,
      html: `${actor.displayName} pushed updates to <a href="${web}/">${repository.name}</a>:<a href="${branchUrl}">${branch}</a>`,
      markdown: `${actor.displayName} pushed updates to [${repository.name}](${web}/):[${branch}](${branchUrl})`,
    },
    detailedMessage: {
      text: `${pushedCommit} ${repository.name}:${branch}\r\n - ${push.comment} ${shortId} (${commitUrl})`,
      html:
        `${pushedCommit} <a href="${web}/">${repository.name}</a>:<a href="${branchUrl}">${branch}</a>\r\n` +
        `<ul>\r\n<li>${push.comment} <a href="${commitUrl}">${shortId}</a></li>\r\n</ul>`,
      markdown:
        `${pushedCommit} [${repository.name}](${web}/):[${branch}](${branchUrl})\r\n` +
        `* ${push.comment} [${shortId}](${commitUrl})`,
    },
    resource: {
      commits: [
        {
          commitId: push.newObjectId,
          author: person,
          committer: person,
          comment: push.comment,
          url: urls.commit(repository, push.newObjectId),
        },
      ],
      refUpdates: [{ name: `refs/heads/${branch}`, oldObjectId: push.oldObjectId, newObjectId: push.newObjectId }],
      repository: hookRepositoryJson(urls, project, repository, '1.0'),
      pushedBy: {
        displayName: actor.displayName,
        url: identityUrl,
        id: actor.id,
        uniqueName: actor.uniqueName,
        imageUrl: urls.identityImage(actor.id),
      },
      pushId: push.pushId,
      date: when,
      url: pushUrl,
      _links: {
        self: { href: pushUrl },
        repository: { href: urls.repository(project, repository) },
        commits: { href: `${pushUrl}/commits` },
        pusher: { href: identityUrl },
        refs: { href: `${urls.repository(project, repository)}/refs/heads/${branch}` },
      },
    },
  });
}
