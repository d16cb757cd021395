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

  it('warns below 25% of the budget, adds the delay below 10%, then blocks with Retry-After', () => {
    const budget = new ThrottleBudget({ budget: 10, windowMs: 60_000, retryAfterSeconds: 7 }, clock);
    const decisions = Array.from({ length: 11 }, () => budget.admit('alice'));

    expect(decisions.slice(0, 7).map(headersOf)).toEqual(Array(7).fill({}));
    expect(headersOf(decisions[7])).toEqual({
      'x-ratelimit-resource': 'Core',
      'x-ratelimit-limit': '10',
      'x-ratelimit-remaining': '2',
      'x-ratelimit-reset': '1060',
    });
    expect(headersOf(decisions[9])).toMatchObject({ 'x-ratelimit-remaining': '0', 'x-ratelimit-delay': '0.000' });
    expect(headersOf(decisions[8])).not.toHaveProperty('x-ratelimit-delay');

    const blocked = decisions[10];
    expect(blocked.allowed).toBe(false);
    if (blocked.allowed) return;
    expect(blocked.reply.status).toBe(429);
    expect(blocked.reply.headers['retry-after']).toBe('7');
    expect(JSON.parse(blocked.reply.body)).toMatchObject({ message: expect.stringMatching(/^TF400733: /) });
    expect(budget.stats()).toEqual({ throttled: 1, earlyRequests: 0 });
  });

  it('counts and refuses requests that come back before Retry-After, then admits again', () => {
    const budget = new ThrottleBudget({ budget: 1, windowMs: 1000, retryAfterSeconds: 2 }, clock);
    expect(budget.admit('alice').allowed).toBe(true);
    expect(budget.admit('alice').allowed).toBe(false);

    now += 1500; // the window has room again, but the client was told to wait 2 s
    const early = budget.admit('alice');
    expect(early.allowed).toBe(false);
    expect(headersOf(early)['retry-after']).toBe('1');
    expect(budget.stats()).toEqual({ throttled: 2, earlyRequests: 1 });

    now += 500;
    expect(budget.admit('alice').allowed).toBe(true);
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
    expect(budget.stats()).toEqual({ throttled: 3, earlyRequests: 0 });

    now += 100;
    expect(budget.admit('alice', now).allowed).toBe(false);
    expect(budget.stats()).toEqual({ throttled: 4, earlyRequests: 1 });
  });

  it('keeps one budget per identity', () => {
    const budget = new ThrottleBudget({ budget: 1, windowMs: 1000, retryAfterSeconds: 1 }, clock);
    expect(budget.admit('alice').allowed).toBe(true);
    expect(budget.admit('bob').allowed).toBe(true);
    expect(budget.admit('alice').allowed).toBe(false);
  });

  it('reports and applies the configured delay near the end of the budget', () => {
    const budget = new ThrottleBudget({ budget: 1, windowMs: 1000, retryAfterSeconds: 1, delayMs: 250 }, clock);
    expect(budget.admit('alice')).toMatchObject({ allowed: true, delayMs: 250, headers: { 'x-ratelimit-delay': '0.250' } });
  });
});
