import { requestBlocked } from './azureDevOpsErrors';
import type { Reply } from './reply';

/**
 * Azure DevOps Services gives each identity a budget (200 TSTUs per sliding 5 minutes); the
 * simulator counts one unit per request.
 */
export interface ThrottleOptions {
  /** Requests per identity per window before the server starts delaying them (`X-RateLimit-Limit`). */
  budget: number;
  windowMs: number;
  /** Whole seconds sent in `Retry-After` on a 429. */
  retryAfterSeconds: number;
  /** Sent in `X-RateLimit-Resource`. Defaults to `Core`. */
  resource?: string;
  /**
   * Requests past the budget that the server holds for `ms` each before answering them (200 with
   * `X-RateLimit-Delay` and `Retry-After`), rather than refusing them with 429. Past `requests`
   * more within the window, it refuses. Defaults to none: past the budget every request gets 429.
   */
  delay?: { ms: number; requests: number };
  /**
   * A request arriving up to this many milliseconds after a `Retry-After` went out may have crossed
   * it: sent before the client could read it (its event loop was busy with another answer; in one
   * process, the simulator's own loop may also see it late). It is not counted in `earlyRequests`.
   * Defaults to 0: only requests that arrived before that answer went out are excused.
   */
  inFlightAllowanceMs?: number;
}

export interface ThrottleStats {
  /** Requests answered 429. */
  throttled: number;
  /** Requests the server held before answering them 200 with `X-RateLimit-Delay`. */
  delayed: number;
  /**
   * Requests sent after their identity was told `Retry-After` (on a 429 or on a delayed 200) and
   * before that time had passed. Requests already on their way when that answer went out (a client
   * with several in flight), or within `inFlightAllowanceMs` of it, are not counted: they could not know.
   */
  earlyRequests: number;
}

export type ThrottleDecision =
  | { allowed: true; headers: Record<string, string>; delayMs: number }
  | { allowed: false; reply: Reply };

/**
 * The limit, remaining and reset headers come "before requests start getting delayed"; the
 * documentation does not say how long before. Unverified: the simulator sends them once less than a
 * quarter of the budget is left.
 */
const WARN_BELOW_SHARE = 0.25;

/** A `Retry-After` an identity was sent: when the answer carrying it went out, and until when it holds. */
interface Hold {
  since: number;
  until: number;
}

interface IdentityUsage {
  /** Admitted request times, oldest first. */
  admitted: number[];
  holds: Hold[];
  /** Requests are refused with 429 until then. */
  blockedUntil: number;
}

/**
 * A sliding-window budget per identity, in the three states Azure DevOps documents
 * (https://learn.microsoft.com/azure/devops/integrate/concepts/rate-limits, "API client
 * experience"): close to the budget, 200 answers carry `X-RateLimit-Limit`, `-Remaining` and
 * `-Reset`; past it, the server delays requests itself and says so in `X-RateLimit-Delay`, with
 * `Retry-After` on that 200; past the delayed requests too, it answers 429 TF400733. An identity
 * that comes back before a `Retry-After` has passed is counted in `earlyRequests`.
 */
export class ThrottleBudget {
  readonly #options: Required<Omit<ThrottleOptions, 'delay'>> & { delay: { ms: number; requests: number } };
  readonly #clock: () => number;
  readonly #identities = new Map<string, IdentityUsage>();
  readonly #stats: ThrottleStats = { throttled: 0, delayed: 0, earlyRequests: 0 };

  constructor(options: ThrottleOptions, clock: () => number) {
    if (!(options.budget >= 1) || !(options.windowMs > 0) || !Number.isInteger(options.retryAfterSeconds)) {
      throw new Error('throttle needs budget ≥ 1, windowMs > 0 and whole retryAfterSeconds');
    }
    if (options.delay && !(options.delay.ms >= 0 && options.delay.requests >= 0)) {
      throw new Error('throttle delay needs ms ≥ 0 and requests ≥ 0');
    }
    this.#options = { resource: 'Core', inFlightAllowanceMs: 0, ...options, delay: options.delay ?? { ms: 0, requests: 0 } };
    this.#clock = clock;
  }

  stats(): ThrottleStats {
    return { ...this.#stats };
  }

  /** `arrivedAt` is when the request reached the server, before any simulated latency; defaults to now. */
  admit(identity: string, arrivedAt?: number): ThrottleDecision {
    const now = this.#clock();
    const { budget, windowMs, retryAfterSeconds, delay } = this.#options;
    const usage = this.#usageOf(identity, now);
    const { admitted } = usage;
    if (this.#isEarly(usage.holds, arrivedAt ?? now)) this.#stats.earlyRequests += 1;

    const blocked = now < usage.blockedUntil;
    if (blocked || admitted.length >= budget + delay.requests) {
      this.#stats.throttled += 1;
      if (!blocked) {
        usage.blockedUntil = now + retryAfterSeconds * 1000;
        usage.holds.push({ since: now, until: usage.blockedUntil });
      }
      return {
        allowed: false,
        reply: requestBlocked(this.#options.resource, {
          'retry-after': String(Math.ceil((usage.blockedUntil - now) / 1000)),
          ...this.#rateLimitHeaders(admitted, 0, now),
        }),
      };
    }

    const delayed = admitted.length >= budget;
    admitted.push(now);
    const remaining = Math.max(0, budget - admitted.length);
    if (!delayed) {
      const headers = remaining < budget * WARN_BELOW_SHARE ? this.#rateLimitHeaders(admitted, remaining, now) : {};
      return { allowed: true, headers, delayMs: 0 };
    }

    // Retry-After on a delayed answer: how long until the identity is back under the budget,
    // counted from when the answer goes out.
    this.#stats.delayed += 1;
    const answeredAt = now + delay.ms;
    const underBudgetAt = admitted[admitted.length - budget] + windowMs;
    const retryAfter = Math.max(0, Math.ceil((underBudgetAt - answeredAt) / 1000));
    usage.holds.push({ since: answeredAt, until: answeredAt + retryAfter * 1000 });
    return {
      allowed: true,
      headers: {
        ...this.#rateLimitHeaders(admitted, 0, now),
        'x-ratelimit-delay': (delay.ms / 1000).toFixed(3),
        'retry-after': String(retryAfter),
      },
      delayMs: delay.ms,
    };
  }

  #usageOf(identity: string, now: number): IdentityUsage {
    let usage = this.#identities.get(identity);
    if (!usage) {
      usage = { admitted: [], holds: [], blockedUntil: 0 };
      this.#identities.set(identity, usage);
    }
    const { admitted } = usage;
    const { windowMs } = this.#options;
    while (admitted.length > 0 && admitted[0] <= now - windowMs) admitted.shift();
    // A request may have arrived up to its latency before now: holds are kept a window longer.
    usage.holds = usage.holds.filter(hold => hold.until > now - windowMs);
    return usage;
  }

  #isEarly(holds: Hold[], arrivedAt: number): boolean {
    const allowance = this.#options.inFlightAllowanceMs;
    return holds.some(hold => arrivedAt >= hold.since + allowance && arrivedAt < hold.until);
  }

  #rateLimitHeaders(admitted: number[], remaining: number, now: number): Record<string, string> {
    // Reset: when usage would be back to 0 if the identity stopped now, that is when its newest
    // request leaves the window.
    const newest = admitted.at(-1) ?? now;
    return {
      'x-ratelimit-resource': this.#options.resource,
      'x-ratelimit-limit': String(this.#options.budget),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(Math.ceil((newest + this.#options.windowMs) / 1000)),
    };
  }
}
