import type { HookOrigin } from './HookOrigin';
import { hookRepositoryJson } from './hookRepositoryJson';
import { initiatedByJson } from './initiatedByJson';
import type { RepositoryChange } from './repositoryCreatedPayload';
import { serviceHookEnvelope } from './serviceHookEnvelope';
import type { ServiceHookNotification, ServiceHookPayload } from './ServiceHookPayload';

/**
 * `git.repo.renamed`, resource version 1.0-preview.1, after Microsoft's sample: the repository
 * under its new name, the id unchanged, and both names beside it.
 */
export function repositoryRenamedPayload(
  origin: HookOrigin,
  notification: ServiceHookNotification,
  { project, repository, at, oldName }: RepositoryChange & { oldName: string },
): ServiceHookPayload {
  const url = origin.urls.organizationRepository(repository);
  const renamed = `Git repository ${repository.id} was renamed to`;
  const branch = repository.defaultBranch === undefined ? '' : `refs/heads/${repository.defaultBranch}`;
  const details = [`Project name: ${project.name}`, `Repository name before renaming: ${oldName}`, `Default branch: ${branch}`];
  return serviceHookEnvelope(origin, notification, {
    eventType: 'git.repo.renamed',
    resourceVersion: '1.0-preview.1',
    project,
    message: {
      text: `${renamed} ${repository.name}.`,
      html: `${renamed} <a href="${url}">${repository.name}</a>.`,
      markdown: `${renamed} [${repository.name}](${url}).`,
    },
    detailedMessage: {
      text: `${renamed} ${repository.name}.\r\n${details.join('\r\n\r\n')}\r\n\r\nRepository link(${url})\r\n`,
      html: `${renamed} <a href="${url}">${repository.name}</a>.${details.map(line => `<p>${line}</p>`).join('')}<p><a href="${url}">Repository link</a></p>`,
      markdown: `${renamed} [${repository.name}](${url}).\r\n${details.join('\r\n\r\n')}\r\n\r\n[Repository link](${url})\r\n`,
    },
    resource: {
      oldName,
      newName: repository.name,
      repository: hookRepositoryJson(origin.urls, project, repository, '1.0-preview.1'),
      initiatedBy: initiatedByJson(origin.actor),
      utcTimestamp: at.toISOString(),
    },
  });
}
