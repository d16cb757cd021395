import { requestBlocked } from './azureDevOpsErrors';
import type { Reply } from './reply';

/**
 * Azure DevOps Services gives each identity a budget (200 TSTUs per sliding 5 minutes); the
 * simulator counts one unit per request.
 */
export interface ThrottleOptions {
  /** Requests per identity per window. */
  budget: number;
  windowMs: number;
  /** Whole seconds sent in `Retry-After`. */
  retryAfterSeconds: number;
  /** Sent in `X-RateLimit-Resource`. Defaults to `Core`. */
  resource?: string;
  /**
   * How long the simulator really delays each request made with less than 10% of the budget left,
   * reported in `X-RateLimit-Delay`. Defaults to 0.
   */
  delayMs?: number;
  /**
   * A request arriving up to this many milliseconds after a 429 went out may have crossed it: sent
   * before the client could read it (its event loop was busy with another answer; in one process,
   * the simulator's own loop may also see it late). It is refused but not counted in
   * `earlyRequests`. Defaults to 0: only requests that arrived before the 429 went out are excused.
   */
  inFlightAllowanceMs?: number;
}

export interface ThrottleStats {
  /** Requests answered 429. */
  throttled: number;
  /**
   * Requests sent after their identity was answered 429 and before that `Retry-After` had passed.
   * Requests already on their way when the 429 went out (a client with several in flight), or
   * within `inFlightAllowanceMs` of it, are refused but not counted: they could not know.
   */
  earlyRequests: number;
}

export type ThrottleDecision =
  | { allowed: true; headers: Record<string, string>; delayMs: number }
  | { allowed: false; reply: Reply };

/**
 * A sliding-window budget per identity. Rate-limit headers appear once less than 25% of the
 * budget is left (`X-RateLimit-Delay` below 10%), as the real service warns before it blocks.
 * Past the budget it answers 429 TF400733 with `Retry-After`; an identity that comes back before
 * that time is refused again and counted in `earlyRequests`.
 */
export class ThrottleBudget {
  readonly #options: Required<ThrottleOptions>;
  readonly #clock: () => number;
  /** Admitted request times per identity, oldest first. */
  readonly #usage = new Map<string, number[]>();
  /** Per identity: when the 429 that started the current block went out, and when the block ends. */
  readonly #blocks = new Map<string, { since: number; until: number }>();
  readonly #stats: ThrottleStats = { throttled: 0, earlyRequests: 0 };

  constructor(options: ThrottleOptions, clock: () => number) {
    if (!(options.budget >= 1) || !(options.windowMs > 0) || !Number.isInteger(options.retryAfterSeconds)) {
      throw new Error('throttle needs budget ≥ 1, windowMs > 0 and whole retryAfterSeconds');
    }
    this.#options = { resource: 'Core', delayMs: 0, inFlightAllowanceMs: 0, ...options };
    this.#clock = clock;
  }

  stats(): ThrottleStats {
    return { ...this.#stats };
  }

  /** `arrivedAt` is when the request reached the server, before any simulated latency; defaults to now. */
  admit(identity: string, arrivedAt?: number): ThrottleDecision {
    const now = this.#clock();
    const { budget, windowMs, retryAfterSeconds, resource } = this.#options;
    const usage = this.#usage.get(identity) ?? [];
    this.#usage.set(identity, usage);
    while (usage.length > 0 && usage[0] <= now - windowMs) usage.shift();

    const block = this.#blocks.get(identity);
    const blocked = block !== undefined && now < block.until;
    if (blocked && (arrivedAt ?? now) >= block.since + this.#options.inFlightAllowanceMs) this.#stats.earlyRequests += 1;
    if (blocked || usage.length >= budget) {
      this.#stats.throttled += 1;
      const until = blocked ? block.until : now + retryAfterSeconds * 1000;
      if (!blocked) this.#blocks.set(identity, { since: now, until });
      return {
        allowed: false,
        reply: requestBlocked(resource, {
          'retry-after': String(Math.ceil((until - now) / 1000)),
          ...this.#rateLimitHeaders(usage, 0, now),
        }),
      };
    }

    usage.push(now);
    const remaining = budget - usage.length;
    const headers = remaining < budget * 0.25 ? this.#rateLimitHeaders(usage, remaining, now) : {};
    const delayMs = remaining < budget * 0.1 ? this.#options.delayMs : 0;
    if (remaining < budget * 0.1) headers['x-ratelimit-delay'] = (delayMs / 1000).toFixed(3);
    return { allowed: true, headers, delayMs };
  }

  #rateLimitHeaders(usage: number[], remaining: number, now: number): Record<string, string> {
    const oldest = usage[0] ?? now;
    return {
      'x-ratelimit-resource': this.#options.resource,
      'x-ratelimit-limit': String(this.#options.budget),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(Math.ceil((oldest + this.#options.windowMs) / 1000)),
    };
  }
}
