/**
 * Pacing on Azure DevOps' rate-limit headers, once per profile.
 *
 * Azure DevOps sends `X-RateLimit-Limit`, `X-RateLimit-Remaining` (units left before it starts
 * delaying the identity's requests) and `X-RateLimit-Reset` (when usage would be back to 0 if the
 * identity stopped) before it delays anything, so that clients can slow down first
 * (https://learn.microsoft.com/azure/devops/integrate/concepts/rate-limits). The budget is a
 * sliding window: each unit spent comes back one window length after it was spent. So the profile
 * may spend not only what remains but also what its own requests give back as they leave the
 * window, and it knows when it sent them. While the headers come, a request goes as soon as
 *
 *     room = Remaining / cost − requests not yet answered when Remaining was read
 *            + own requests that have left the window since (and were still in it then)
 *
 * is at least one; otherwise it waits until enough of its own requests leave, at the latest until
 * the reset. Spreading what remains until the reset instead, as if nothing came back before it,
 * left a third of the budget unused. Without the headers the budget is far from spent: no pacing.
 *
 * Each estimate errs on the side of sending later, as the server's clock and timing are unknown:
 * - Window length: not sent. The reset is the newest usage plus the window, so the window is at
 *   most `reset − when the answered request was sent` and, the reset being rounded up to whole
 *   seconds, more than `reset − 1 s − when its answer came`: the tightest bounds seen are kept.
 *   (Unverified: how Azure DevOps rounds the reset. Rounded down, the first bound may be a second
 *   too short: little against its 5-minute window.)
 * - A request has surely left the window the longest window after its answer (or its failure),
 *   and not before the requests sent before it: they are taken in order. It may have left the
 *   shortest window after it was sent; those that may have left before Remaining was read are
 *   not counted as coming back.
 * - A request unanswered when Remaining was read may not be counted in it: it takes room until it
 *   leaves the window.
 * - Cost of one request: units in use (`Limit − Remaining`) per request of the profile surely in
 *   the window, at most one unit; one unit without `Limit` or until 8 requests tell. The budget is
 *   in TSTUs, and a cheap GET may cost far less: pacing at one unit each would crawl for nothing.
 *   Usage the profile did not send (other clients of the identity, an earlier process) is never
 *   counted as coming back, and makes requests look dearer.
 * - The reset is read against this machine's clock: the estimates hold as far as it agrees with
 *   the server's.
 *
 * A request is held at most 30 s after the previous one (the longest delay Azure DevOps itself puts
 * on a request), and never longer than the profile's longest wait (`maxRetryAfterSeconds`). Pacing
 * never fails a request: it only spaces requests out. `Retry-After` is the server's order; that is
 * the gate's job, not this one's.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from './headerValue';

/** "Delays range from a few milliseconds per request up to 30 seconds": waiting longer gains nothing. */
export const MAX_PACING_WAIT_MS = 30_000;

/** Own requests within the window needed before the measured cost of a request replaces one unit. */
const COST_MEASURED_AFTER = 8;

/** How long answered requests are remembered before a reset tells the window (Azure DevOps': 5 minutes). */
const UNKNOWN_WINDOW_KEPT_MS = 6 * 60_000;

/** What the latest answer with the headers said, and what the pacer knew then. */
interface Reading {
  remaining: number;
  /** Epoch milliseconds. */
  resetAt: number;
  /** Units one request costs. */
  cost: number;
  /** Requests answered when it was read: any other one may not be counted in `remaining`. */
  answered: number;
  /** The newest ticket that may have left the window before the answer: not counted in `remaining`. */
  mayHaveLeft: number;
}

export class RateLimitPacer {
  readonly #maxWaitMs: number;
  /** By ticket, from `#firstTicket`: when each request was sent, and answered (or failed). */
  #sentAt: number[] = [];
  #answeredAt: Array<number | undefined> = [];
  #firstTicket = 1;
  /** Leading entries of those lists that have surely left the window. */
  #left = 0;
  #answered = 0;
  /** The newest answer read, by the order its request was sent in. */
  #newestTicket = 0;
  /** Bounds on the window length, from the resets read. */
  #longestWindow = Number.POSITIVE_INFINITY;
  #shortestWindow = 0;
  #reading: Reading | undefined;

  constructor(options: { maxWaitMs: number }) {
    this.#maxWaitMs = Math.min(MAX_PACING_WAIT_MS, options.maxWaitMs);
  }

  /** How long the next request must still wait before it is sent; 0 to send it now. */
  waitMs(now: number): number {
    this.#forgetLeft(now);
    const reading = this.#reading;
    if (reading && reading.resetAt <= now) this.#reading = undefined;
    if (!reading || reading.resetAt <= now || reading.cost === 0) return 0;
    const left = this.#firstTicket - 1 + this.#left;
    const notCounted = this.#sentCount() - reading.answered;
    const room = reading.remaining / reading.cost - notCounted + Math.max(0, left - reading.mayHaveLeft);
    if (room >= 1) return 0;
    const allowedAt = Math.min(this.#leavingAt(Math.max(left, reading.mayHaveLeft) + Math.ceil(1 - room)), reading.resetAt);
    return Math.max(0, Math.min(allowedAt, this.#lastSentAt() + this.#maxWaitMs) - now);
  }

  /** Records a request sent now; its ticket goes with its answer to {@link RateLimitPacer.observe}. */
  sent(now: number): number {
    this.#sentAt.push(now);
    this.#answeredAt.push(undefined);
    return this.#sentCount();
  }

  /**
   * Reads the answer to the request with `ticket`, or takes note that it failed without one
   * (`headers` undefined). Headers older than ones already read are ignored.
   */
  observe(headers: IncomingHttpHeaders | undefined, ticket: number, now: number): void {
    const index = ticket - this.#firstTicket;
    const sentAt = this.#sentAt[index];
    if (sentAt === undefined || this.#answeredAt[index] !== undefined) return;
    this.#answeredAt[index] = now;
    this.#answered++;
    if (!headers || ticket < this.#newestTicket) return;
    this.#newestTicket = ticket;
    const remaining = nonNegative(headerValue(headers, 'x-ratelimit-remaining'));
    const resetSeconds = nonNegative(headerValue(headers, 'x-ratelimit-reset'));
    const resetAt = resetSeconds === undefined ? undefined : resetSeconds * 1000;
    // A reset already past says nothing of the window (or the clocks disagree): no pacing.
    if (remaining === undefined || resetAt === undefined || resetAt <= now) {
      this.#reading = undefined;
      return;
    }
    this.#longestWindow = Math.min(this.#longestWindow, resetAt - sentAt);
    this.#shortestWindow = Math.max(this.#shortestWindow, resetAt - 1000 - now);
    const mayHaveLeft = this.#firstTicket - 1 + this.#sentUpTo(now - this.#shortestWindow);
    const inFlight = this.#sentCount() - this.#answered;
    const surelyCounted = ticket - mayHaveLeft - inFlight;
    const limit = nonNegative(headerValue(headers, 'x-ratelimit-limit'));
    const cost =
      limit === undefined || surelyCounted < COST_MEASURED_AFTER
        ? 1
        : Math.min(1, Math.max(0, limit - remaining) / surelyCounted);
    this.#reading = { remaining: Math.floor(remaining), resetAt, cost, answered: this.#answered, mayHaveLeft };
  }

  /** Steps over the requests answered a whole window ago, at the longest; drops them in batches. */
  #forgetLeft(now: number): void {
    const window = Number.isFinite(this.#longestWindow) ? this.#longestWindow : UNKNOWN_WINDOW_KEPT_MS;
    while (this.#left < this.#answeredAt.length) {
      const answeredAt = this.#answeredAt[this.#left];
      if (answeredAt === undefined || answeredAt + window > now) break;
      this.#left++;
    }
    // Dropping one at a time would copy the whole list on every request.
    if (this.#left === 0 || (this.#left < 1024 && this.#left * 2 < this.#sentAt.length)) return;
    this.#sentAt = this.#sentAt.slice(this.#left);
    this.#answeredAt = this.#answeredAt.slice(this.#left);
    this.#firstTicket += this.#left;
    this.#left = 0;
  }

  /**
   * When the request with `ticket` will surely have left the window: a window after its answer, and
   * not before those sent earlier (they are let go in order). Unknown while one is unanswered.
   */
  #leavingAt(ticket: number): number {
    const index = ticket - this.#firstTicket;
    if (index >= this.#answeredAt.length) return Number.POSITIVE_INFINITY;
    let latest = Number.NEGATIVE_INFINITY;
    for (let earlier = this.#left; earlier <= index; earlier++) {
      const answeredAt = this.#answeredAt[earlier];
      if (answeredAt === undefined) return Number.POSITIVE_INFINITY;
      latest = Math.max(latest, answeredAt);
    }
    return latest + this.#longestWindow;
  }

  /** How many of the kept send times are at or before `time`. */
  #sentUpTo(time: number): number {
    let low = 0;
    let high = this.#sentAt.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#sentAt[middle] <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #sentCount(): number {
    return this.#firstTicket - 1 + this.#sentAt.length;
  }

  #lastSentAt(): number {
    return this.#sentAt.at(-1) ?? Number.NEGATIVE_INFINITY;
  }
}

function nonNegative(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}
