import { projectReferenceJson } from '../routeContext';
import type { HookOrigin } from './HookOrigin';
import { initiatedByJson } from './initiatedByJson';
import type { RepositoryChange } from './repositoryCreatedPayload';
import { messageWithDetails } from './messageWithDetails';
import { serviceHookEnvelope } from './serviceHookEnvelope';
import type { ServiceHookNotification, ServiceHookPayload } from './ServiceHookPayload';

/**
 * `git.repo.deleted`, resource version 1.0-preview.1, after Microsoft's sample. It carries no
 * `repository` object, only the project, the repository's id and name, and whether the deletion
 * is final: deleting from the web UI or REST moves the repository to the recycle bin
 * (`isHardDelete: false`, "Repository can be restored: true").
 */
export function repositoryDeletedPayload(
  origin: HookOrigin,
  notification: ServiceHookNotification,
  { project, repository, at, isHardDelete }: RepositoryChange & { isHardDelete: boolean },
): ServiceHookPayload {
  const text = `Git repository ${repository.id} was deleted.`;
  const details = [`Project name: ${project.name}`, `Repository name: ${repository.name}`, `Repository can be restored: ${!isHardDelete}`];
  return serviceHookEnvelope(origin, notification, {
    eventType: 'git.repo.deleted',
    resourceVersion: '1.0-preview.1',
    project,
    message: { text, html: text, markdown: text },
    detailedMessage: messageWithDetails(text, details),
    resource: {
      project: projectReferenceJson(project, origin.urls),
      repositoryId: repository.id,
      repositoryName: repository.name,
      isHardDelete,
      initiatedBy: initiatedByJson(origin.actor),
      utcTimestamp: at.toISOString(),
    },
  });
}
