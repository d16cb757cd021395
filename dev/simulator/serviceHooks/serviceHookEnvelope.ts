import type { SimulatedProject } from '../organization';
import type { HookOrigin } from './HookOrigin';
import { minimalResource } from './minimalResource';
import type {
  ServiceHookEventType,
  ServiceHookMessage,
  ServiceHookNotification,
  ServiceHookPayload,
} from './ServiceHookPayload';

/** One event before it is wrapped for a subscription. */
export interface HookEvent {
  eventType: ServiceHookEventType;
  resourceVersion: ServiceHookPayload['resourceVersion'];
  /** The project the event happened in: subscriptions to Git events are per project. */
  project: SimulatedProject;
  message: ServiceHookMessage;
  detailedMessage: ServiceHookMessage;
  /** With all details; cut down here when the subscription sends Minimal. */
  resource: Record<string, unknown>;
}

/** The event in the envelope every service hook shares, fields in the order the service writes them. */
export function serviceHookEnvelope(
  origin: HookOrigin,
  notification: ServiceHookNotification,
  event: HookEvent,
): ServiceHookPayload {
  return {
    subscriptionId: notification.subscriptionId,
    notificationId: notification.notificationId,
    id: notification.id,
    eventType: event.eventType,
    publisherId: 'tfs',
    message: event.message,
    detailedMessage: event.detailedMessage,
    resource: notification.resourceDetails === 'minimal' ? minimalResource(event.resource) : event.resource,
    resourceVersion: event.resourceVersion,
    resourceContainers: {
      collection: { id: origin.collectionId },
      account: { id: origin.accountId },
      project: { id: event.project.id },
    },
    createdDate: notification.createdDate.toISOString(),
  };
}
