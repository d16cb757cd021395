import { ThrottleBudget, type ThrottleDecision } from './ThrottleBudget';

function headersOf(decision: ThrottleDecision): Record<string, string> {
  return decision.allowed ? decision.headers : decision.reply.headers;
}

describe('ThrottleBudget', () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('warns below 25% of the budget, without X-RateLimit-Delay, then blocks with Retry-After', () => {
    const budget = new ThrottleBudget({ budget: 10, windowMs: 60_000, retryAfterSeconds: 7 }, clock);
    const decisions = Array.from({ length: 11 }, () => budget.admit('alice'));

    expect(decisions.slice(0, 7).map(headersOf)).toEqual(Array(7).fill({}));
    expect(headersOf(decisions[7])).toEqual({
      'x-ratelimit-resource': 'Core',
      'x-ratelimit-limit': '10',
      'x-ratelimit-remaining': '2',
      'x-ratelimit-reset': '1060',
    });
    expect(decisions.slice(0, 10).map(decision => decision.allowed && decision.delayMs)).toEqual(Array(10).fill(0));
    expect(headersOf(decisions[9])).toMatchObject({ 'x-ratelimit-remaining': '0' });
    expect(headersOf(decisions[9])).not.toHaveProperty('x-ratelimit-delay');
    expect(headersOf(decisions[9])).not.toHaveProperty('retry-after');

    const blocked = decisions[10];
    expect(blocked.allowed).toBe(false);
    if (blocked.allowed) return;
    expect(blocked.reply.status).toBe(429);
    expect(blocked.reply.headers).toMatchObject({ 'retry-after': '7', 'x-ratelimit-remaining': '0' });
    expect(JSON.parse(blocked.reply.body)).toMatchObject({ message: expect.stringMatching(/^TF400733: /) });
    expect(budget.stats()).toEqual({ throttled: 1, delayed: 0, earlyRequests: 0 });
  });

  it('sets X-RateLimit-Reset to when the newest request leaves the window', () => {
    const budget = new ThrottleBudget({ budget: 8, windowMs: 10_000, retryAfterSeconds: 1 }, clock);
    for (let request = 0; request < 6; request++) budget.admit('alice');
    now += 4_500;
    expect(headersOf(budget.admit('alice'))).toMatchObject({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '1015' });
  });

  it('delays requests past the budget itself, with X-RateLimit-Delay and Retry-After on the 200, then blocks', () => {
    const budget = new ThrottleBudget(
      { budget: 3, windowMs: 10_000, retryAfterSeconds: 9, delay: { ms: 1_250, requests: 2 } },
      clock,
    );
    budget.admit('alice');
    now += 1_000;
    budget.admit('alice');
    now += 1_000;
    budget.admit('alice');

    const delayed = budget.admit('alice');
    expect(delayed).toEqual({
      allowed: true,
      delayMs: 1_250,
      headers: {
        'x-ratelimit-resource': 'Core',
        'x-ratelimit-limit': '3',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1012',
        'x-ratelimit-delay': '1.250',
        // Back under the budget once two requests have left the window: the second leaves 9 s
        // from now, 7.75 s after this answer goes out.
        'retry-after': '8',
      },
    });
    expect(headersOf(budget.admit('alice', now - 1))).toMatchObject({ 'x-ratelimit-delay': '1.250', 'retry-after': '9' });

    const blocked = budget.admit('alice', now - 1);
    expect(blocked.allowed).toBe(false);
    expect(budget.stats()).toEqual({ throttled: 1, delayed: 2, earlyRequests: 0 });
  });

  it('counts and refuses requests that come back before Retry-After, then admits again', () => {
    const budget = new ThrottleBudget({ budget: 1, windowMs: 1000, retryAfterSeconds: 2 }, clock);
    expect(budget.admit('alice').allowed).toBe(true);
    expect(budget.admit('alice').allowed).toBe(false);

    now += 1500; // the window has room again, but the client was told to wait 2 s
    const early = budget.admit('alice');
    expect(early.allowed).toBe(false);
    expect(headersOf(early)['retry-after']).toBe('1');
    expect(budget.stats()).toEqual({ throttled: 2, delayed: 0, earlyRequests: 1 });

    now += 500;
    expect(budget.admit('alice').allowed).toBe(true);
  });

  it('counts requests sent before the Retry-After of a delayed 200 had passed, from when that answer went out', () => {
    const budget = new ThrottleBudget(
      { budget: 1, windowMs: 3_000, retryAfterSeconds: 1, delay: { ms: 500, requests: 5 } },
      clock,
    );
    budget.admit('alice');
    expect(headersOf(budget.admit('alice'))['retry-after']).toBe('3'); // answered at +500 ms, holds until +3.5 s

    now += 400; // still being delayed: the client cannot have read it
    budget.admit('alice', now);
    expect(budget.stats().earlyRequests).toBe(0);

    now += 200;
    budget.admit('alice', now);
    expect(budget.stats()).toEqual({ throttled: 0, delayed: 3, earlyRequests: 1 });
  });

  it('does not count requests that were on their way when the 429 went out, or crossed it within the allowance', () => {
    const budget = new ThrottleBudget({ budget: 1, windowMs: 1000, retryAfterSeconds: 1, inFlightAllowanceMs: 50 }, clock);
    expect(budget.admit('alice').allowed).toBe(true);
    const sentBefore = now;
    now += 20;
    expect(budget.admit('alice').allowed).toBe(false); // the 429 goes out at now

    now += 30; // arrived 20 ms before the 429 went out, answered after the simulated latency
    expect(budget.admit('alice', sentBefore).allowed).toBe(false);
    expect(budget.admit('alice', now - 1).allowed).toBe(false); // 29 ms after: crossed it
    expect(budget.stats()).toEqual({ throttled: 3, delayed: 0, earlyRequests: 0 });

    now += 100;
    expect(budget.admit('alice', now).allowed).toBe(false);
    expect(budget.stats()).toEqual({ throttled: 4, delayed: 0, earlyRequests: 1 });
  });

  it('keeps one budget per identity', () => {
    const budget = new ThrottleBudget({ budget: 1, windowMs: 1000, retryAfterSeconds: 1 }, clock);
    expect(budget.admit('alice').allowed).toBe(true);
    expect(budget.admit('bob').allowed).toBe(true);
    expect(budget.admit('alice').allowed).toBe(false);
  });
});
