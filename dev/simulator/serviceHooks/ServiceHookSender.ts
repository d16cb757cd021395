import { postJson } from './postJson';
import type { ServiceHookEventType, ServiceHookPayload } from './ServiceHookPayload';

/** Where and how one subscription delivers. */
export interface DeliveryTarget {
  url: string;
  /** Sent as the custom header `x-ado-webhook-secret`, which the Backstage Azure module checks. */
  secret?: string;
  maxRetries: number;
  firstRetryDelayMs: number;
}

/** What became of one payload. */
export interface ServiceHookDelivery {
  eventType: ServiceHookEventType;
  notificationId: number;
  /** The payload's `id`. */
  eventId: string;
  url: string;
  /** The status of the last answer; absent when none came. */
  status?: number;
  /** Why no answer came: a network fault, a timeout, the simulator stopping. */
  error?: string;
  attempts: number;
}

/**
 * Statuses Azure DevOps Services retries, up to 8 times with back-off from about 1 s to 60 s
 * (MicrosoftDocs/azure-devops-docs, docs/service-hooks/troubleshoot.md). Other failures, and a
 * target that cannot be reached at all, are not retried here; the service may also put the
 * subscription on probation, which is not simulated.
 */
const RETRIED_STATUSES = new Set([408, 502, 503, 504]);
const MAX_RETRY_DELAY_MS = 60_000;
/** How long an attempt waits for an answer: the simulator's own choice; the service's limit is not published. */
const ANSWER_TIMEOUT_MS = 20_000;

interface Started {
  promise: Promise<ServiceHookDelivery>;
  settled?: ServiceHookDelivery;
}

/**
 * Posts payloads without holding up whoever sent them: `send` never rejects, and the outcome of
 * every delivery is kept so tests can await and inspect them. `close` gives up on deliveries in
 * flight and on pending retries.
 */
export class ServiceHookSender {
  #started: Started[] = [];
  readonly #closing = new AbortController();
  readonly #wakers = new Set<() => void>();

  send(target: DeliveryTarget, payload: ServiceHookPayload): Promise<ServiceHookDelivery> {
    const started: Started = { promise: this.#deliver(target, payload) };
    started.promise = started.promise.then(delivery => (started.settled = delivery));
    this.#started.push(started);
    return started.promise;
  }

  /** How many deliveries were started since the last reset. */
  get startedCount(): number {
    return this.#started.length;
  }

  /** The deliveries started from `index` on, once each has settled, in the order they were sent. */
  settledFrom(index: number): Promise<ServiceHookDelivery[]> {
    return Promise.all(this.#started.slice(index).map(started => started.promise));
  }

  /** The deliveries that have settled so far, in the order they were sent. */
  get settled(): ServiceHookDelivery[] {
    return this.#started.flatMap(started => (started.settled ? [started.settled] : []));
  }

  /** Forgets past deliveries; those in flight still go out. */
  reset(): void {
    this.#started = [];
  }

  close(): void {
    this.#closing.abort();
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
  }

  async #deliver(target: DeliveryTarget, payload: ServiceHookPayload): Promise<ServiceHookDelivery> {
    const delivery: ServiceHookDelivery = {
      eventType: payload.eventType,
      notificationId: payload.notificationId,
      eventId: payload.id,
      url: target.url,
      attempts: 0,
    };
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (target.secret !== undefined) headers['x-ado-webhook-secret'] = target.secret;
    for (let retry = 0; ; retry++) {
      if (this.#closing.signal.aborted) return { ...delivery, error: delivery.error ?? 'The simulator stopped' };
      delivery.attempts += 1;
      try {
        delivery.status = await postJson(target.url, body, headers, { timeoutMs: ANSWER_TIMEOUT_MS, signal: this.#closing.signal });
        delete delivery.error;
      } catch (error) {
        delete delivery.status;
        delivery.error = error instanceof Error ? error.message : String(error);
        return delivery;
      }
      if (!RETRIED_STATUSES.has(delivery.status) || retry >= target.maxRetries) return delivery;
      await this.#pause(Math.min(target.firstRetryDelayMs * 2 ** retry, MAX_RETRY_DELAY_MS));
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise(resolve => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }
}
