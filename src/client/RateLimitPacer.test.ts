import { MAX_PACING_WAIT_MS, RateLimitPacer } from './RateLimitPacer';

const T0 = Date.parse('2026-11-30T12:00:00Z');

/** The headers Azure DevOps sends as an identity's budget runs low; `resetAt` in epoch milliseconds. */
function low(remaining: number, resetAt: number) {
  return { 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetAt / 1000) };
}

describe('RateLimitPacer', () => {
  it('does not pace without rate-limit headers', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    expect(pacer.waitMs(T0)).toBe(0);
    pacer.observe({}, pacer.sent(T0), T0);
    expect(pacer.waitMs(T0)).toBe(0);
  });

  it('spreads the remaining budget until the reset, from the last request sent', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    pacer.observe(low(4, T0 + 8_000), pacer.sent(T0), T0 + 100);
    // 4 left until the reset, 8 s after the last request sent: one every 2 s.
    expect(pacer.waitMs(T0 + 100)).toBe(1_900);
    expect(pacer.waitMs(T0 + 3_000)).toBe(0);
  });

  it('counts requests sent after the answered one against what remains', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    const answered = pacer.sent(T0);
    pacer.sent(T0);
    pacer.sent(T0);
    pacer.observe(low(4, T0 + 8_000), answered, T0);
    // Two of the four may already be spent: 8 s for the other two.
    expect(pacer.waitMs(T0)).toBe(4_000);
  });

  it('measures what one request costs once 8 answers tell, and paces nothing while Remaining does not fall', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    pacer.observe(low(100, T0 + 60_000), pacer.sent(T0), T0);
    for (let request = 0; request < 7; request++) pacer.sent(T0);
    pacer.observe(low(98, T0 + 60_000), pacer.sent(T0), T0);
    // 2 units for 8 requests: room for 392 more in the 60 s to the reset.
    expect(pacer.waitMs(T0)).toBeCloseTo(60_000 / 392);

    const cheap = new RateLimitPacer({ maxWaitMs: 300_000 });
    cheap.observe(low(50, T0 + 60_000), cheap.sent(T0), T0);
    for (let request = 0; request < 7; request++) cheap.sent(T0);
    cheap.observe(low(50, T0 + 60_000), cheap.sent(T0), T0);
    expect(cheap.waitMs(T0)).toBe(0);
  });

  it('measures again from one unit when Remaining rises: freed units are no sign of cheap requests', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    pacer.observe(low(10, T0 + 60_000), pacer.sent(T0), T0);
    for (let request = 0; request < 7; request++) pacer.sent(T0);
    pacer.observe(low(10, T0 + 60_000), pacer.sent(T0), T0);
    expect(pacer.waitMs(T0)).toBe(0);

    pacer.observe(low(12, T0 + 60_000), pacer.sent(T0), T0);
    expect(pacer.waitMs(T0)).toBe(5_000); // 12 one-unit requests in 60 s
  });

  it('waits until the reset when nothing remains', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    pacer.observe(low(0, T0 + 5_000), pacer.sent(T0), T0);
    expect(pacer.waitMs(T0 + 1_000)).toBe(4_000);
    expect(pacer.waitMs(T0 + 5_000)).toBe(0);
  });

  it('keeps the earliest reset still ahead, as its own requests push the announced one out', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    pacer.observe(low(10, T0 + 10_000), pacer.sent(T0), T0);
    pacer.observe(low(5, T0 + 15_000), pacer.sent(T0 + 5_000), T0 + 5_000);
    expect(pacer.waitMs(T0 + 5_000)).toBe(1_000); // 5 left for the 5 s until T0 + 10 s

    // Past that reset, the next announced one counts.
    pacer.observe(low(5, T0 + 20_000), pacer.sent(T0 + 10_000), T0 + 10_000);
    expect(pacer.waitMs(T0 + 10_000)).toBe(2_000);
  });

  it('stops pacing when an answer comes without the headers, and ignores answers older than one read', () => {
    const pacer = new RateLimitPacer({ maxWaitMs: 300_000 });
    const older = pacer.sent(T0);
    const newer = pacer.sent(T0);
    pacer.observe({}, newer, T0);
    pacer.observe(low(1, T0 + 60_000), older, T0);
    expect(pacer.waitMs(T0)).toBe(0);

    pacer.observe(low(1, T0 + 60_000), pacer.sent(T0), T0);
    expect(pacer.waitMs(T0)).toBeGreaterThan(0);
    pacer.observe({ 'x-ratelimit-remaining': '1' }, pacer.sent(T0), T0);
    expect(pacer.waitMs(T0)).toBe(0);
  });

  it('waits at most 30 s at a time, and no longer than maxWaitMs', () => {
    const patient = new RateLimitPacer({ maxWaitMs: 300_000 });
    patient.observe(low(0, T0 + 300_000), patient.sent(T0), T0);
    expect(patient.waitMs(T0)).toBe(MAX_PACING_WAIT_MS);

    const hurried = new RateLimitPacer({ maxWaitMs: 10_000 });
    hurried.observe(low(0, T0 + 300_000), hurried.sent(T0), T0);
    expect(hurried.waitMs(T0)).toBe(10_000);
  });
});
