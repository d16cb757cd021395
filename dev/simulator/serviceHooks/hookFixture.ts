import { createProject, createRepository, type SimulatedProject, type SimulatedRepository } from '../organization';
import { hookOrigin, type HookOrigin } from './HookOrigin';
import type { ResourceDetails, ServiceHookNotification } from './ServiceHookPayload';

export const FIXTURE_BASE_URL = 'http://127.0.0.1:8081';
export const FIXTURE_ORGANIZATION = 'fabrikam';

/** One project with one repository, and the origin and notification the builder tests share. */
export function hookFixture(resourceDetails: ResourceDetails = 'all'): {
  origin: HookOrigin;
  notification: ServiceHookNotification;
  project: SimulatedProject;
  repository: SimulatedRepository;
} {
  const project = createProject(FIXTURE_ORGANIZATION, { name: 'Mobile Apps' });
  const repository = createRepository(FIXTURE_ORGANIZATION, project.name, {
    name: 'alpha app',
    files: { 'catalog-info.yaml': 'kind: Component\n' },
  });
  project.repositories.push(repository);
  return {
    origin: hookOrigin(FIXTURE_BASE_URL, FIXTURE_ORGANIZATION),
    notification: {
      subscriptionId: '11111111-1111-4111-8111-111111111111',
      notificationId: 3,
      id: '22222222-2222-4222-8222-222222222222',
      createdDate: new Date('2025-06-01T12:00:00.000Z'),
      resourceDetails,
    },
    project,
    repository,
  };
}
