import { hookFixture } from './hookFixture';
import { serviceHookEnvelope } from './serviceHookEnvelope';

describe('serviceHookEnvelope', () => {
  const { origin, notification, project } = hookFixture();
  const message = { text: 't', html: 'h', markdown: 'm' };
  const payload = serviceHookEnvelope(origin, notification, {
    eventType: 'git.repo.created',
    resourceVersion: '1.0-preview.1',
    project,
    message,
    detailedMessage: message,
    resource: { repository: { id: 'r' } },
  });

  // The fields and their order are stated, with sources, in fidelity/serviceHooks.fidelity.test.ts.
  it('fills the envelope from the notification and the origin', () => {
    expect(payload).toMatchObject({
      subscriptionId: notification.subscriptionId,
      notificationId: 3,
      id: notification.id,
      publisherId: 'tfs',
      createdDate: '2025-06-01T12:00:00.000Z',
    });
  });

  it('names the containers by GUID only', () => {
    expect(payload.resourceContainers).toEqual({
      collection: { id: origin.collectionId },
      account: { id: origin.accountId },
      project: { id: project.id },
    });
    for (const container of Object.values(payload.resourceContainers)) {
      expect(container.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
