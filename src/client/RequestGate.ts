/**
 * Throttling lives here, once per profile.
 *
 * `azure-devops-node-api` ignores `Retry-After`, never retries 429 and retries 5xx after a few
 * milliseconds, so its own retries are switched off and this gate does the job instead:
 *
 * - at most `concurrency` requests of the profile are in flight at once;
 * - a `Retry-After` (on any status: Azure DevOps also sends it on a 200 it delayed) pauses every
 *   request of the profile, not just the one that got it: the budget is per identity;
 * - `X-RateLimit-Delay` pauses nothing: it says how long the server already held that request,
 *   and waiting that long again would wait twice;
 * - while `X-RateLimit-Remaining` and `-Reset` come, requests are spaced out so the profile does
 *   not spend its remaining budget before the reset (see {@link RateLimitPacer});
 * - 429, 5xx, timeouts and network faults are retried a bounded number of times, after the
 *   server's `Retry-After` or, without one, an exponential backoff with jitter.
 *
 * See https://learn.microsoft.com/azure/devops/integrate/concepts/rate-limits
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestStats } from './AzureDevOpsApi';
import { headerValue } from './headerValue';
import { RateLimitPacer } from './RateLimitPacer';

/** The parts of an HTTP answer the gate needs to decide on waiting and retrying. */
export interface GateResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
}

/** Options of {@link RequestGate}. */
export interface RequestGateOptions {
  concurrency: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Backoff before the first retry when the server names no delay; doubles per retry. */
  baseBackoffMs?: number;
  /**
   * Longest `Retry-After` the server may ask for. A request that would have to wait longer is not
   * sent: it fails with {@link ThrottleWaitTooLongError}, so a sync ends cleanly instead of
   * outliving its schedule's timeout. Also caps one pacing wait, which never fails a request.
   * Defaults to 5 minutes.
   */
  maxWaitMs?: number;
}

/**
 * The server asked the profile to wait longer than the gate may; nothing was sent. `waitMs` is
 * what was left of the server's wait when the request came.
 */
export class ThrottleWaitTooLongError extends Error {
  readonly name = 'ThrottleWaitTooLongError';
  readonly waitMs: number;
  readonly maxWaitMs: number;

  constructor(waitMs: number, maxWaitMs: number) {
    super(`the server asked to wait ${Math.ceil(waitMs / 1000)} s, more than the ${Math.round(maxWaitMs / 1000)} s allowed`);
    this.waitMs = waitMs;
    this.maxWaitMs = maxWaitMs;
  }
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** Whether a failure thrown by a request is worth another attempt. */
export type RetryDecision = (error: unknown) => boolean;

export class RequestGate {
  readonly #concurrency: number;
  readonly #maxRetries: number;
  readonly #baseBackoffMs: number;
  readonly #maxWaitMs: number;
  readonly #waiting: Array<() => void> = [];
  readonly #pacer: RateLimitPacer;
  #inFlight = 0;
  #pausedUntil = 0;
  #requests = 0;
  #retries = 0;
  /** Requests now waiting in {@link RequestGate.#waitForTurn}, and since when one has been. */
  #throttledRequests = 0;
  #throttledSince = 0;
  /** Closed stretches of time during which some request was held back. */
  #throttledMs = 0;

  constructor(options: RequestGateOptions) {
    this.#concurrency = Math.max(1, options.concurrency);
    this.#maxRetries = Math.max(0, options.maxRetries);
    this.#baseBackoffMs = options.baseBackoffMs ?? 500;
    this.#maxWaitMs = options.maxWaitMs ?? 5 * 60_000;
    this.#pacer = new RateLimitPacer({ maxWaitMs: this.#maxWaitMs });
  }

  /**
   * The profile's counts since the gate was created. `throttledMs` is wall time during which at
   * least one request was held back by a `Retry-After` pause or the rate-limit pacer, counted once
   * however many requests waited together (eight requests held by the same 10 s pause add 10 s,
   * not 80 s), and up to now while requests are waiting. Waiting for a free slot of `concurrency`
   * and the backoff before retrying a 5xx or a network fault are not throttling and not counted.
   */
  get stats(): RequestStats {
    const open = this.#throttledRequests > 0 ? Date.now() - this.#throttledSince : 0;
    return { requests: this.#requests, retries: this.#retries, throttledMs: this.#throttledMs + open };
  }

  /**
   * Runs `request` within the profile's limits, retrying as described above. Resolves with the
   * last response (which may still be a 429 or 5xx when retries ran out); rethrows the last
   * error when every attempt threw.
   */
  async run<T extends GateResponse>(
    request: () => Promise<T>,
    isRetryableError: RetryDecision,
  ): Promise<T> {
    await this.#acquire();
    try {
      for (let attempt = 0; ; attempt++) {
        const ticket = await this.#waitForTurn();
        this.#requests++;
        let response: T;
        try {
          response = await request();
        } catch (error) {
          this.#pacer.observe(undefined, ticket, Date.now());
          if (attempt >= this.#maxRetries || !isRetryableError(error)) throw error;
          this.#retries++;
          await sleep(this.#backoffMs(attempt));
          continue;
        }
        this.#pacer.observe(response.headers, ticket, Date.now());
        const retryAfterMs = this.#observeRetryAfter(response.headers);
        if (!RETRYABLE_STATUS.has(response.statusCode) || attempt >= this.#maxRetries) {
          return response;
        }
        this.#retries++;
        // With a Retry-After the profile-wide pause it set does the waiting.
        if (retryAfterMs === undefined) await sleep(this.#backoffMs(attempt));
      }
    } finally {
      this.#release();
    }
  }

  /** Pauses the whole profile for a `Retry-After`; returns the wait it names, if any. */
  #observeRetryAfter(headers: IncomingHttpHeaders): number | undefined {
    const retryAfterMs = retryAfterToMs(headerValue(headers, 'retry-after'), Date.now());
    if (retryAfterMs !== undefined) {
      // The whole wait is kept, even past maxWaitMs: the server's budget is what it is, and a
      // request sent early would only be refused again.
      this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + retryAfterMs);
    }
    return retryAfterMs;
  }

  /** Waits out the profile's pause, then its pacing; returns the pacer's ticket for the request. */
  async #waitForTurn(): Promise<number> {
    let throttled = false;
    try {
      // Loop: another request may extend the pause, or be sent first, while this one sleeps.
      for (;;) {
        const paused = this.#pausedUntil - Date.now();
        if (paused > this.#maxWaitMs) throw new ThrottleWaitTooLongError(paused, this.#maxWaitMs);
        const wait = paused > 0 ? paused : this.#pacer.waitMs(Date.now());
        // Counted as sent at once: requests whose turns are decided in the same tick must not all
        // take the same room.
        if (wait <= 0) return this.#pacer.sent(Date.now());
        if (!throttled) {
          throttled = true;
          this.#startThrottled();
        }
        await sleep(wait);
      }
    } finally {
      if (throttled) this.#endThrottled();
    }
  }

  /** One more request is held back; the first one opens a stretch of throttled time. */
  #startThrottled(): void {
    if (this.#throttledRequests++ === 0) this.#throttledSince = Date.now();
  }

  /** One request is no longer held back; the last one closes the stretch. */
  #endThrottled(): void {
    if (--this.#throttledRequests === 0) this.#throttledMs += Date.now() - this.#throttledSince;
  }

  #backoffMs(attempt: number): number {
    const exponential = this.#baseBackoffMs * 2 ** attempt;
    // Full jitter keeps many repositories that failed together from retrying together.
    return Math.min(this.#maxWaitMs, exponential / 2 + (Math.random() * exponential) / 2);
  }

  async #acquire(): Promise<void> {
    if (this.#inFlight < this.#concurrency) {
      this.#inFlight++;
      return;
    }
    await new Promise<void>(resolve => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    // The slot passes straight to the next waiter, so #inFlight stays the same.
    if (next) next();
    else this.#inFlight--;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function secondsToMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110, section 10.2.3). */
function retryAfterToMs(value: string | undefined, now: number): number | undefined {
  const fromSeconds = secondsToMs(value);
  if (fromSeconds !== undefined || value === undefined) return fromSeconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
