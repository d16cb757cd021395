import { randomUUID } from 'node:crypto';
import { deterministicGuid, type SimulatedProject } from '../organization';
import { hookOrigin, type HookOrigin } from './HookOrigin';
import type { ServiceHookOptions } from './ServiceHookOptions';
import type { ServiceHookEventType, ServiceHookNotification, ServiceHookPayload } from './ServiceHookPayload';
import { ServiceHookSender, type ServiceHookDelivery } from './ServiceHookSender';

/** Builds one payload for the origin and notification the publisher gives it. */
export type PayloadBuilder = (origin: HookOrigin, notification: ServiceHookNotification) => ServiceHookPayload;

/**
 * The subscriptions of the simulated organizations: their ids, the count of each one's
 * notifications, and the delivery of payloads to the configured URL. Without options nothing
 * is sent, but payloads can still be built.
 */
export class ServiceHookPublisher {
  #options: ServiceHookOptions | undefined;
  readonly #sender = new ServiceHookSender();
  readonly #notificationCounts = new Map<string, number>();
  readonly #clock: () => number;
  readonly #baseUrl: () => string;

  constructor(options: { clock: () => number; baseUrl: () => string; serviceHooks?: ServiceHookOptions }) {
    this.#clock = options.clock;
    this.#baseUrl = options.baseUrl;
    this.#options = options.serviceHooks;
  }

  configure(options: ServiceHookOptions | undefined): void {
    this.#options = options;
  }

  /** The payload for a subscription of `project` to `eventType`, with the next notification id. */
  build(organization: string, project: SimulatedProject, eventType: ServiceHookEventType, builder: PayloadBuilder): ServiceHookPayload {
    const subscriptionId = deterministicGuid('subscription', organization.toLowerCase(), project.id, eventType);
    const notificationId = (this.#notificationCounts.get(subscriptionId) ?? 0) + 1;
    this.#notificationCounts.set(subscriptionId, notificationId);
    return builder(hookOrigin(this.#baseUrl(), organization), {
      subscriptionId,
      notificationId,
      id: randomUUID(),
      createdDate: new Date(this.#clock()),
      resourceDetails: this.#options?.resourceDetails ?? 'all',
    });
  }

  /** Builds and sends, when a subscription is configured; never waits for the delivery. */
  publish(organization: string, project: SimulatedProject, eventType: ServiceHookEventType, builder: PayloadBuilder): void {
    const options = this.#options;
    if (!options) return;
    void this.#sender.send(
      {
        url: options.url,
        secret: options.secret,
        maxRetries: options.maxRetries ?? 8,
        firstRetryDelayMs: options.firstRetryDelayMs ?? 1000,
      },
      this.build(organization, project, eventType, builder),
    );
  }

  /** Runs `change` and resolves, once they have settled, with the deliveries it started. */
  async deliveriesOf<T>(change: () => T): Promise<{ result: T; deliveries: ServiceHookDelivery[] }> {
    const from = this.#sender.startedCount;
    const result = change();
    return { result, deliveries: await this.#sender.settledFrom(from) };
  }

  /** Every delivery since the last reset, once each has settled. */
  deliveries(): Promise<ServiceHookDelivery[]> {
    return this.#sender.settledFrom(0);
  }

  get settledDeliveries(): ServiceHookDelivery[] {
    return this.#sender.settled;
  }

  resetDeliveries(): void {
    this.#sender.reset();
  }

  close(): void {
    this.#sender.close();
  }
}
