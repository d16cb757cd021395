import { requestStatsText } from './requestStatsText';

describe('requestStatsText', () => {
  it.each([
    ['no counts kept', undefined, ''],
    ['nothing throttled', { requests: 64, retries: 3, throttledMs: 0 }, '64 requests, 3 retries, '],
    ['throttled, to a tenth of a second', { requests: 64, retries: 3, throttledMs: 12_300 }, '64 requests, 3 retries, 12.3 s throttled, '],
    ['a short wait, rounded up', { requests: 2, retries: 1, throttledMs: 30 }, '2 requests, 1 retries, 0.1 s throttled, '],
  ])('%s', (_name, requests, expected) => {
    expect(requestStatsText(requests)).toBe(expected);
  });
});
