import type { HookOrigin } from './HookOrigin';
import { hookRepositoryJson } from './hookRepositoryJson';
import type { RepositoryChange } from './repositoryCreatedPayload';
import { messageWithDetails } from './messageWithDetails';
import { serviceHookEnvelope } from './serviceHookEnvelope';
import type { ServiceHookNotification, ServiceHookPayload } from './ServiceHookPayload';

/**
 * `git.repo.statuschanged`, resource version 1.0-preview.1: whether the repository is now
 * disabled, and the repository. Its fields follow public clients' schemas of the event; no
 * Microsoft sample is published, so the messages are the simulator's own wording, shaped like
 * those of the other git.repo.* events.
 */
export function repositoryStatusChangedPayload(
  origin: HookOrigin,
  notification: ServiceHookNotification,
  { project, repository }: Omit<RepositoryChange, 'at'>,
): ServiceHookPayload {
  const text = `Git repository ${repository.id} was ${repository.isDisabled ? 'disabled' : 'enabled'}.`;
  const details = [`Project name: ${project.name}`, `Repository name: ${repository.name}`];
  return serviceHookEnvelope(origin, notification, {
    eventType: 'git.repo.statuschanged',
    resourceVersion: '1.0-preview.1',
    project,
    message: { text, html: text, markdown: text },
    detailedMessage: messageWithDetails(text, details),
    resource: {
      disabled: repository.isDisabled,
      repository: hookRepositoryJson(origin.urls, project, repository, '1.0-preview.1'),
    },
  });
}
