/**
 * The gate on its own, on Jest's fake clock: which requests start when. Times below are the fake
 * clock's, so the tests are exact and take no real time.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { RequestGate, ThrottleWaitTooLongError, type GateResponse } from './RequestGate';

const NEVER_RETRY = () => false;

/** A request that records when it started and answers what `answer` says. */
function recorder() {
  const starts: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const request =
    (answer: () => GateResponse | Promise<GateResponse>, durationMs = 0) =>
    async (): Promise<GateResponse> => {
      starts.push(Date.now());
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (durationMs > 0) await new Promise(resolve => setTimeout(resolve, durationMs));
        return await answer();
      } finally {
        inFlight--;
      }
    };
  return { starts, request, maxInFlight: () => maxInFlight };
}

function ok(headers: IncomingHttpHeaders = {}): GateResponse {
  return { statusCode: 200, headers };
}

/** Answers each status in turn, the last one for ever. */
function statuses(...answers: GateResponse[]) {
  let call = 0;
  return () => answers[Math.min(call++, answers.length - 1)];
}

const T0 = Date.parse('2026-11-30T12:00:00Z');

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('RequestGate', () => {
  it('keeps at most `concurrency` requests in flight, under load', async () => {
    const gate = new RequestGate({ concurrency: 3, maxRetries: 0 });
    const { request, maxInFlight, starts } = recorder();
    const all = Promise.all(Array.from({ length: 20 }, () => gate.run(request(() => ok(), 100), NEVER_RETRY)));
    await jest.advanceTimersByTimeAsync(10_000);
    await all;
    expect(maxInFlight()).toBe(3);
    expect(starts).toHaveLength(20);
    // Seven waves of at most three, each 100 ms.
    expect(Math.max(...starts) - T0).toBe(600);
  });

  it.each([
    ['Retry-After in seconds', { 'retry-after': '2' }, 2_000],
    ['Retry-After in fractional seconds, rounded up to the millisecond', { 'retry-after': '0.5' }, 500],
    ['Retry-After as an HTTP date', { 'retry-after': new Date(T0 + 3_000).toUTCString() }, 3_000],
  ])('pauses every request of the profile after %s, even on a 200', async (_name, headers, pauseMs) => {
    const gate = new RequestGate({ concurrency: 4, maxRetries: 0 });
    const { request, starts } = recorder();
    await gate.run(request(() => ok(headers)), NEVER_RETRY);
    const next = gate.run(request(() => ok()), NEVER_RETRY);
    await jest.advanceTimersByTimeAsync(pauseMs - 1);
    expect(starts).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await next;
    expect(starts).toEqual([T0, T0 + pauseMs]);
  });

  it('does not wait again for the delay the server already applied (X-RateLimit-Delay)', async () => {
    const gate = new RequestGate({ concurrency: 1, maxRetries: 0 });
    const { request, starts } = recorder();
    await gate.run(request(() => ok({ 'x-ratelimit-delay': '4.000' })), NEVER_RETRY);
    await gate.run(request(() => ok()), NEVER_RETRY);
    expect(starts).toEqual([T0, T0]);
  });

  it('sends what the rate-limit headers leave room for, then as its own requests leave the window, until the headers stop', async () => {
    const gate = new RequestGate({ concurrency: 4, maxRetries: 0 });
    const { request, starts } = recorder();
    // A 5 s window: the reset is the newest request's time plus 5 s.
    const resetAt = String((T0 + 6_000) / 1000);
    await gate.run(request(() => ok()), NEVER_RETRY);
    await jest.advanceTimersByTimeAsync(1_000);
    await gate.run(request(() => ok({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': resetAt })), NEVER_RETRY);
    // Started in the same tick: only one of them may take the one unit left.
    const next = [
      gate.run(request(() => ok({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetAt })), NEVER_RETRY),
      gate.run(request(() => ok()), NEVER_RETRY),
      gate.run(request(() => ok()), NEVER_RETRY),
    ];
    await jest.advanceTimersByTimeAsync(10_000);
    await Promise.all(next);
    // The next one goes when the first request leaves the window, 5 s after its answer; its answer
    // has no headers: no more pacing.
    expect(starts).toEqual([T0, T0 + 1_000, T0 + 1_000, T0 + 5_000, T0 + 5_000]);
  });

  it('tells the pacer of a request that failed without an answer, so that it can leave the window', async () => {
    const gate = new RequestGate({ concurrency: 1, maxRetries: 0 });
    const { request, starts } = recorder();
    await expect(gate.run(request(() => Promise.reject(new Error('socket hang up'))), NEVER_RETRY)).rejects.toThrow();
    await jest.advanceTimersByTimeAsync(1_000);
    const exhausted = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((T0 + 6_000) / 1000) };
    await gate.run(request(() => ok(exhausted)), NEVER_RETRY);
    const next = gate.run(request(() => ok()), NEVER_RETRY);
    await jest.advanceTimersByTimeAsync(10_000);
    await next;
    // Not at the reset (T0 + 6 s): the failed request left the window 5 s after it failed.
    expect(starts).toEqual([T0, T0 + 1_000, T0 + 5_000]);
  });

  it('paces at most 30 s at a time and never fails a request for it, whatever the reset', async () => {
    const gate = new RequestGate({ concurrency: 1, maxRetries: 0, maxWaitMs: 60_000 });
    const { request, starts } = recorder();
    const exhausted = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((T0 + 3_600_000) / 1000) };
    await gate.run(request(() => ok(exhausted)), NEVER_RETRY);
    const next = gate.run(request(() => ok()), NEVER_RETRY);
    await jest.advanceTimersByTimeAsync(30_000);
    await expect(next).resolves.toEqual(ok());
    expect(starts).toEqual([T0, T0 + 30_000]);
  });

  it('ignores an HTTP date in the past and a header that is not a delay', async () => {
    const gate = new RequestGate({ concurrency: 1, maxRetries: 0 });
    const { request, starts } = recorder();
    await gate.run(request(() => ok({ 'retry-after': new Date(T0 - 60_000).toUTCString() })), NEVER_RETRY);
    await gate.run(request(() => ok({ 'retry-after': 'soon' })), NEVER_RETRY);
    await gate.run(request(() => ok()), NEVER_RETRY);
    expect(starts).toEqual([T0, T0, T0]);
  });

  it('retries a 429 after its Retry-After, up to maxRetries, then returns the last answer', async () => {
    const gate = new RequestGate({ concurrency: 1, maxRetries: 2 });
    const { request, starts } = recorder();
    const throttled = { statusCode: 429, headers: { 'retry-after': '1' } };
    const result = gate.run(request(statuses(throttled)), NEVER_RETRY);
    await jest.advanceTimersByTimeAsync(5_000);
    await expect(result).resolves.toEqual(throttled);
    expect(starts).toEqual([T0, T0 + 1_000, T0 + 2_000]);
    expect(gate.stats).toEqual({ requests: 3, retries: 2, throttledMs: 2_000 });
  });

  describe('throttled time', () => {
    it('counts a pause once however many requests wait it out, and so far while they wait', async () => {
      const gate = new RequestGate({ concurrency: 4, maxRetries: 0 });
      const { request } = recorder();
      await gate.run(request(() => ok({ 'retry-after': '2' })), NEVER_RETRY);
      const waiting = Array.from({ length: 3 }, () => gate.run(request(() => ok()), NEVER_RETRY));
      await jest.advanceTimersByTimeAsync(500);
      expect(gate.stats).toEqual({ requests: 1, retries: 0, throttledMs: 500 });
      await jest.advanceTimersByTimeAsync(1_500);
      await Promise.all(waiting);
      expect(gate.stats).toEqual({ requests: 4, retries: 0, throttledMs: 2_000 });
    });

    it('counts the rate-limit pacer holding requests back', async () => {
      const gate = new RequestGate({ concurrency: 1, maxRetries: 0, maxWaitMs: 60_000 });
      const { request } = recorder();
      const exhausted = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((T0 + 3_600_000) / 1000) };
      await gate.run(request(() => ok(exhausted)), NEVER_RETRY);
      const next = gate.run(request(() => ok()), NEVER_RETRY);
      await jest.advanceTimersByTimeAsync(30_000);
      await next;
      expect(gate.stats.throttledMs).toBe(30_000);
    });

    it('leaves out waiting for a free slot, a backoff after a 5xx, and a request refused for a too long wait', async () => {
      const gate = new RequestGate({ concurrency: 1, maxRetries: 1, baseBackoffMs: 100, maxWaitMs: 60_000 });
      const { request } = recorder();
      const slow = gate.run(request(() => ok(), 1_000), NEVER_RETRY);
      const queued = gate.run(request(statuses({ statusCode: 503, headers: {} }, ok())), NEVER_RETRY);
      await jest.advanceTimersByTimeAsync(2_000);
      await Promise.all([slow, queued]);
      await gate.run(request(() => ok({ 'retry-after': '900' })), NEVER_RETRY);
      await expect(gate.run(request(() => ok()), NEVER_RETRY)).rejects.toBeInstanceOf(ThrottleWaitTooLongError);
      expect(gate.stats).toEqual({ requests: 4, retries: 1, throttledMs: 0 });
    });
  });

  it('retries a 5xx with exponential backoff when the server names no delay', async () => {
    const gate = new RequestGate({ concurrency: 1, maxRetries: 3, baseBackoffMs: 100 });
    const { request, starts } = recorder();
    const result = gate.run(request(statuses({ statusCode: 503, headers: {} }, { statusCode: 503, headers: {} }, ok())), NEVER_RETRY);
    await jest.advanceTimersByTimeAsync(10_000);
    await expect(result).resolves.toEqual(ok());
    // Full jitter: each wait is between half and all of 100 ms, then of 200 ms.
    const waits = starts.slice(1).map((start, index) => start - starts[index]);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
  });

  it('retries a thrown request only when the decision says so, and rethrows the last error', async () => {
    const gate = new RequestGate({ concurrency: 1, maxRetries: 2, baseBackoffMs: 10 });
    const { request, starts } = recorder();
    const failing = request(() => Promise.reject(new Error('socket hang up')));
    const retried = gate.run(failing, () => true);
    const rejection = expect(retried).rejects.toThrow('socket hang up');
    await jest.advanceTimersByTimeAsync(1_000);
    await rejection;
    expect(starts).toHaveLength(3);

    await expect(gate.run(failing, NEVER_RETRY)).rejects.toThrow('socket hang up');
    expect(starts).toHaveLength(4);
  });

  it('waits out a Retry-After past the old 60 s cap, up to maxWaitMs (5 minutes by default)', async () => {
    const gate = new RequestGate({ concurrency: 1, maxRetries: 1 });
    const { request, starts } = recorder();
    const result = gate.run(request(statuses({ statusCode: 429, headers: { 'retry-after': '300' } }, ok())), NEVER_RETRY);
    await jest.advanceTimersByTimeAsync(300_000);
    await expect(result).resolves.toEqual(ok());
    expect(starts).toEqual([T0, T0 + 300_000]);
  });

  it('sends nothing while a longer wait holds, failing each request with the server\'s wait', async () => {
    const gate = new RequestGate({ concurrency: 2, maxRetries: 3, maxWaitMs: 60_000 });
    const { request, starts } = recorder();
    const throttled = gate.run(request(statuses({ statusCode: 429, headers: { 'retry-after': '900' } })), NEVER_RETRY);
    await expect(throttled).rejects.toEqual(new ThrottleWaitTooLongError(900_000, 60_000));
    await expect(throttled).rejects.toThrow('the server asked to wait 900 s, more than the 60 s allowed');

    await jest.advanceTimersByTimeAsync(839_999);
    await expect(gate.run(request(() => ok()), NEVER_RETRY)).rejects.toMatchObject({ waitMs: 60_001 });
    expect(starts).toEqual([T0]);

    // Within the limit again: the next request waits out the rest, then goes.
    await jest.advanceTimersByTimeAsync(1);
    const next = gate.run(request(() => ok()), NEVER_RETRY);
    await jest.advanceTimersByTimeAsync(60_000);
    await next;
    expect(starts).toEqual([T0, T0 + 900_000]);
  });
});
