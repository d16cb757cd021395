import type { SimulatedProject, SimulatedRepository } from '../organization';
import type { HookOrigin } from './HookOrigin';
import { hookRepositoryJson } from './hookRepositoryJson';
import { initiatedByJson } from './initiatedByJson';
import { serviceHookEnvelope } from './serviceHookEnvelope';
import type { ServiceHookNotification, ServiceHookPayload } from './ServiceHookPayload';

/** A repository change that names the repository as it is now. */
export interface RepositoryChange {
  project: SimulatedProject;
  repository: SimulatedRepository;
  at: Date;
}

/** `git.repo.created`, resource version 1.0-preview.1, after Microsoft's sample. */
export function repositoryCreatedPayload(
  origin: HookOrigin,
  notification: ServiceHookNotification,
  { project, repository, at }: RepositoryChange,
): ServiceHookPayload {
  const web = `${origin.urls.web(project, repository)}/`;
  const text = `A new Git repository was created with name ${repository.name} and ID ${repository.id}.`;
  const message = {
    text,
    html: `A new Git repository was created with name <a href="${web}">${repository.name}</a> and ID ${repository.id}.`,
    markdown: `A new Git repository was created with name [${repository.name}](${web}) and ID \`${repository.id}\`.`,
  };
  return serviceHookEnvelope(origin, notification, {
    eventType: 'git.repo.created',
    resourceVersion: '1.0-preview.1',
    project,
    message,
    detailedMessage: message,
    resource: {
      repository: hookRepositoryJson(origin.urls, project, repository, '1.0-preview.1'),
      initiatedBy: initiatedByJson(origin.actor),
      utcTimestamp: at.toISOString(),
    },
  });
}
