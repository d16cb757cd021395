/** The events the simulator sends, by the `eventType` the Backstage Azure module routes on. */
export type ServiceHookEventType =
  | 'git.push'
  | 'git.repo.created'
  | 'git.repo.renamed'
  | 'git.repo.deleted'
  | 'git.repo.statuschanged';

/**
 * A web hook subscription's "Resource details to send". `None` (no resource at all) is not
 * simulated.
 */
export type ResourceDetails = 'all' | 'minimal';

export interface ServiceHookMessage {
  text: string;
  html: string;
  markdown: string;
}

/** The body Azure DevOps posts to a web hook: one event of one subscription. */
export interface ServiceHookPayload {
  subscriptionId: string;
  /** Counts the subscription's notifications, from 1. */
  notificationId: number;
  /** The event's own GUID. */
  id: string;
  eventType: ServiceHookEventType;
  publisherId: 'tfs';
  message: ServiceHookMessage;
  detailedMessage: ServiceHookMessage;
  resource: Record<string, unknown>;
  resourceVersion: '1.0' | '1.0-preview.1';
  /** GUIDs only: no names and no URLs. */
  resourceContainers: {
    collection: { id: string };
    account: { id: string };
    project: { id: string };
  };
  /** ISO 8601, UTC. */
  createdDate: string;
}

/** What one delivery of one subscription adds to the event: its ids, its time, its detail level. */
export interface ServiceHookNotification {
  subscriptionId: string;
  notificationId: number;
  id: string;
  createdDate: Date;
  resourceDetails: ResourceDetails;
}
