import { MAX_PACING_WAIT_MS, RateLimitPacer } from './RateLimitPacer';

/** On a whole second, as resets are. */
const T0 = Date.parse('2026-11-30T12:00:00Z');

/** The headers Azure DevOps sends as an identity's budget runs low; `resetAt` in epoch milliseconds. */
function low(remaining: number, resetAt: number, limit = 200) {
  return { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetAt / 1000) };
}

/** Sends a request at `at` and reads its answer `tookMs` later. */
function exchange(pacer: RateLimitPacer, at: number, headers: Record<string, string> = {}, tookMs = 0) {
  pacer.observe(headers, pacer.sent(at), at + tookMs);
}

/** How many requests the pacer lets go at `now` before it holds one. */
function sendable(pacer: RateLimitPacer, now: number): number {
  let count = 0;
  while (count < 1000 && pacer.waitMs(now) === 0) {
    pacer.sent(now);
    count++;
  }
  return count;
}

describe('RateLimitPacer', () => {
  it('does not pace without rate-limit headers', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    expect(pacer.waitMs(T0)).toBe(0);
    exchange(pacer, T0);
    expect(sendable(pacer, T0)).toBe(1000);
  });

  it('sends what remains at once rather than spreading it until the reset, then waits for the reset', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    exchange(pacer, T0, low(4, T0 + 8_000), 100);
    expect(sendable(pacer, T0 + 100)).toBe(4);
    // Nothing of its own leaves the window before the reset (the answered request leaves last).
    expect(pacer.waitMs(T0 + 100)).toBe(7_900);
    expect(pacer.waitMs(T0 + 8_000)).toBe(0);
  });

  it('counts every request not answered before the reading against what remains', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    const first = pacer.sent(T0);
    const second = pacer.sent(T0);
    pacer.sent(T0);
    // The second answer comes first: the first and third requests may not be counted in it.
    pacer.observe(low(4, T0 + 8_000), second, T0);
    pacer.observe({}, first, T0);
    expect(sendable(pacer, T0)).toBe(2);
  });

  it('makes room again as its own requests leave the window, a window after their answers', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    for (let request = 0; request < 5; request++) exchange(pacer, T0 + request * 100, {}, 20);
    // A 5 s window: the reset is the answered request's arrival plus 5 s. The first request may
    // already have left (the reset is rounded to whole seconds, so the window may be as short as
    // 4 s); the second surely leaves 5 s after its answer, at T0 + 5.12 s, long before the reset.
    exchange(pacer, T0 + 4_000, low(0, T0 + 9_000), 20);
    expect(pacer.waitMs(T0 + 4_020)).toBe(1_100);
    expect(sendable(pacer, T0 + 5_120)).toBe(1);
    expect(pacer.waitMs(T0 + 5_120)).toBe(100);
    expect(sendable(pacer, T0 + 5_420)).toBe(3);
    // The rest leave at the reset, the answered one last.
    expect(pacer.waitMs(T0 + 5_420)).toBe(3_580);
  });

  it('lets its requests go in order: one unanswered holds those after it until the reset', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    const failing = pacer.sent(T0 + 1_000);
    exchange(pacer, T0 + 1_100, {}, 20);
    exchange(pacer, T0 + 4_000, low(0, T0 + 9_000), 20);
    // The first request may or may not be counted in Remaining: taken as not, it must leave the
    // window too before the next one goes. Unanswered, it may never: the reset.
    expect(pacer.waitMs(T0 + 4_020)).toBe(4_980);
    // A request that failed without an answer leaves a window after it failed; the second one
    // leaves 5 s after its answer, but not before the first.
    pacer.observe(undefined, failing, T0 + 1_200);
    expect(pacer.waitMs(T0 + 4_020)).toBe(2_180);
  });

  it('measures what one request costs from Limit − Remaining per request of its own surely in the window', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    for (let request = 0; request < 19; request++) exchange(pacer, T0 + request * 100);
    // 20 requests within the last 5 minutes, 10 units in use: half a unit each, room for 10.
    exchange(pacer, T0 + 2_000, low(5, T0 + 302_000, 15));
    expect(sendable(pacer, T0 + 2_000)).toBe(10);

    // Usage from before the pacer's time makes requests look dearer, never more than one unit.
    const dear = new RateLimitPacer({ maxWaitMs: 300_000 });
    for (let request = 0; request < 19; request++) exchange(dear, T0 + request * 100);
    exchange(dear, T0 + 2_000, low(5, T0 + 302_000, 200));
    expect(sendable(dear, T0 + 2_000)).toBe(5);

    // Nothing in use: requests cost nothing so far, no pacing.
    const free = new RateLimitPacer({ maxWaitMs: 300_000 });
    for (let request = 0; request < 19; request++) exchange(free, T0 + request * 100);
    exchange(free, T0 + 2_000, low(15, T0 + 302_000, 15));
    expect(sendable(free, T0 + 2_000)).toBe(1000);
  });

  it('takes one request as one unit without Limit, or with fewer than 8 requests of its own in the window', () => {
    const withoutLimit = new RateLimitPacer({ maxWaitMs: 300_000 });
    for (let request = 0; request < 19; request++) exchange(withoutLimit, T0 + request * 100);
    const noLimit = { 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': String((T0 + 302_000) / 1000) };
    exchange(withoutLimit, T0 + 2_000, noLimit);
    expect(sendable(withoutLimit, T0 + 2_000)).toBe(5);

    // Sent less than the shortest possible window (4 s) ago: 7 requests of its own, then 8.
    const few = new RateLimitPacer({ maxWaitMs: 300_000 });
    for (let request = 0; request < 17; request++) exchange(few, T0 + request * 100);
    exchange(few, T0 + 5_000, low(5, T0 + 10_000, 9));
    expect(sendable(few, T0 + 5_000)).toBe(5);

    const enough = new RateLimitPacer({ maxWaitMs: 300_000 });
    for (let request = 0; request < 18; request++) exchange(enough, T0 + request * 100);
    exchange(enough, T0 + 5_000, low(5, T0 + 10_000, 9));
    expect(sendable(enough, T0 + 5_000)).toBe(10);
  });

  it('stops pacing when an answer comes without the headers, and ignores answers older than one read', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    const older = pacer.sent(T0);
    const newer = pacer.sent(T0);
    pacer.observe({}, newer, T0);
    pacer.observe(low(0, T0 + 60_000), older, T0);
    expect(pacer.waitMs(T0)).toBe(0);

    exchange(pacer, T0, low(0, T0 + 60_000));
    expect(pacer.waitMs(T0)).toBeGreaterThan(0);
    exchange(pacer, T0, { 'x-ratelimit-remaining': '0' });
    expect(pacer.waitMs(T0)).toBe(0);

    // A reset already past: nothing to pace on.
    exchange(pacer, T0 + 2_000, low(0, T0 + 1_000));
    expect(pacer.waitMs(T0 + 2_000)).toBe(0);
  });

  it('waits at most 30 s at a time, and no longer than maxWaitMs', () => {
    const patient = new RateLimitPacer({ maxWaitMs: 300_000 });
    exchange(patient, T0, low(0, T0 + 300_000));
    expect(patient.waitMs(T0)).toBe(MAX_PACING_WAIT_MS);

    const hurried = new RateLimitPacer({ maxWaitMs: 10_000 });
    exchange(hurried, T0, low(0, T0 + 300_000));
    expect(hurried.waitMs(T0)).toBe(10_000);
  });
});
