/**
 * Pacing on Azure DevOps' rate-limit headers, once per profile.
 *
 * Azure DevOps sends `X-RateLimit-Remaining` (units left before it starts delaying the identity's
 * requests) and `X-RateLimit-Reset` (when usage would be back to 0 if the identity stopped) before
 * it delays anything, so that clients can slow down first
 * (https://learn.microsoft.com/azure/devops/integrate/concepts/rate-limits). While they come, the
 * pacer spreads what remains until the reset: with room for `n` more requests, the next one starts
 * `(reset - last) / n` after the last one sent; with room for none, at the reset. Without the
 * headers the budget is far from spent: no pacing.
 *
 * - Room: what remains, less what the requests sent after the answered one may cost (the answer
 *   could not count them yet), divided by the cost of one request.
 * - Cost of one request: how far Remaining fell per request since this low stretch began, at most
 *   one unit. Until 8 answers tell, one unit. The budget is in TSTUs, and a cheap GET may cost far
 *   less: pacing at one unit each would crawl for nothing. When Remaining rises (the window freed
 *   some), the measure starts again, so that freed units are not taken for cheap requests.
 * - Reset: it moves out with every request the profile sends (it is when the newest request leaves
 *   the window). The earliest reset still ahead is kept instead: by then everything counted when it
 *   was announced has left the window, so what remains is enough until then.
 * - A request is held at most 30 s after the previous one (the longest delay Azure DevOps itself
 *   puts on a request), and never longer than the profile's longest wait (`maxRetryAfterSeconds`).
 *   Pacing never fails a request: it only spaces requests out. `Retry-After` is the server's
 *   order; that is the gate's job, not this one's.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from './headerValue';

/** "Delays range from a few milliseconds per request up to 30 seconds": waiting longer gains nothing. */
export const MAX_PACING_WAIT_MS = 30_000;

/** Answers needed before the measured cost of a request replaces one unit. */
const COST_MEASURED_AFTER = 8;

interface Reading {
  remaining: number;
  /** The request whose answer said so. */
  ticket: number;
}

interface LowBudget extends Reading {
  /** Epoch milliseconds: the earliest `X-RateLimit-Reset` still ahead. */
  resetAt: number;
  /** Where the cost of a request is measured from. */
  since: Reading;
}

export class RateLimitPacer {
  readonly #maxWaitMs: number;
  #sent = 0;
  #lastSentAt = 0;
  /** The newest answer read, by the order its request was sent in. */
  #newestTicket = 0;
  #budget: LowBudget | undefined;

  constructor(options: { maxWaitMs: number }) {
    this.#maxWaitMs = Math.min(MAX_PACING_WAIT_MS, options.maxWaitMs);
  }

  /** How long the next request must still wait before it is sent; 0 to send it now. */
  waitMs(now: number): number {
    const budget = this.#budget;
    if (budget && budget.resetAt <= now) this.#budget = undefined;
    if (!budget || budget.resetAt <= now) return 0;
    const cost = costPerRequest(budget);
    if (cost === 0) return 0;
    const notYetCounted = this.#sent - budget.ticket;
    const room = (budget.remaining - cost * notYetCounted) / cost;
    const allowedAt = room >= 1 ? this.#lastSentAt + (budget.resetAt - this.#lastSentAt) / room : budget.resetAt;
    return Math.max(0, Math.min(allowedAt, this.#lastSentAt + this.#maxWaitMs) - now);
  }

  /** Records a request sent now; its ticket goes with its answer to {@link RateLimitPacer.observe}. */
  sent(now: number): number {
    this.#lastSentAt = now;
    return ++this.#sent;
  }

  /** Reads the answer to the request with `ticket`. Answers older than one already read are ignored. */
  observe(headers: IncomingHttpHeaders, ticket: number, now: number): void {
    if (ticket < this.#newestTicket) return;
    this.#newestTicket = ticket;
    const remaining = wholeNumber(headerValue(headers, 'x-ratelimit-remaining'));
    const resetSeconds = wholeNumber(headerValue(headers, 'x-ratelimit-reset'));
    if (remaining === undefined || resetSeconds === undefined) {
      this.#budget = undefined;
      return;
    }
    const previous = this.#budget;
    const keptResetAt = previous && previous.resetAt > now ? previous.resetAt : Number.POSITIVE_INFINITY;
    this.#budget = {
      remaining,
      ticket,
      resetAt: Math.min(keptResetAt, resetSeconds * 1000),
      since: previous && remaining <= previous.remaining ? previous.since : { remaining, ticket },
    };
  }
}

function costPerRequest({ since, remaining, ticket }: LowBudget): number {
  const requests = ticket - since.ticket;
  if (requests < COST_MEASURED_AFTER) return 1;
  return Math.min(1, (since.remaining - remaining) / requests);
}

function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.floor(parsed) : undefined;
}
