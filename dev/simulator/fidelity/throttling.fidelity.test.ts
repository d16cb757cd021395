/**
 * Throttling signals as Azure DevOps Services documents them, checked through the real
 * azure-devops-node-api client (its typed methods, and the HTTP client it sends everything with,
 * which the module uses too).
 *
 * Sources:
 * - [rate-limits] Microsoft, "Rate and usage limits", section "API client experience" and "Best
 *   practices": https://learn.microsoft.com/azure/devops/integrate/concepts/rate-limits
 *   (MicrosoftDocs/azure-devops-docs, docs/integrate/concepts/rate-limits.md). "Except for
 *   `X-RateLimit-Delay`, all these headers are sent before requests start getting delayed";
 *   `X-RateLimit-Delay`: "How long the request is delayed. Units: seconds with up to three decimal
 *   places"; `X-RateLimit-Remaining`: "Number of TSTUs remaining before delays start. If requests
 *   are already delayed or blocked, it's 0"; `X-RateLimit-Reset`: "Time when, if all resource
 *   consumption stops immediately, tracked usage returns to 0 TSTUs. Expressed in Unix epoch
 *   time"; `Retry-After`: "how long to wait before you send your next request to fall under the
 *   detection threshold. Units: seconds", and "The response still returns HTTP 200"; blocked
 *   requests get 429 with "TF400733: The request has been canceled: Request was blocked due to
 *   exceeding usage of resource …".
 * - [node-api#654] microsoft/azure-devops-node-api pull request 654 (merged; shipped as
 *   RateLimitUtils in 17.0.1): three states, "Flag state: Warning headers (200 OK with
 *   x-ratelimit-* headers)", "Tarpit state: Delayed responses (200 OK with x-ratelimit-delay)",
 *   "Block state: Request blocked (HTTP 429 with retry-after)".
 * - [docs#10832] MicrosoftDocs/azure-devops-docs issue 10832: "when throttling begins, the
 *   response is still 200 but it comes with a retry-[after] header".
 *
 * Unverified: how long before the delays the warning headers start (the simulator: below a
 * quarter of the budget), how many delayed requests come before blocking, and the Retry-After of a
 * 429 (the simulator sends a configured value). The real budget is in TSTUs, not requests.
 */
import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import type { IGitApi } from 'azure-devops-node-api/GitApi';
import { AzureDevOpsSimulator } from '../AzureDevOpsSimulator';
import { DEMO_ORGANIZATION_FIXTURE, loadOrganization } from '../loadOrganization';

// The library sends loopback traffic to an upper-case HTTP(S)_PROXY when one is set.
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

const T0 = Date.parse('2026-03-02T10:00:00Z');
const WINDOW_MS = 60_000;

let simulator: AzureDevOpsSimulator;
let now: number;

beforeAll(async () => {
  simulator = await AzureDevOpsSimulator.start({
    organizations: [loadOrganization(DEMO_ORGANIZATION_FIXTURE)],
    tokens: ['sim-token', 'other-token'],
    clock: () => now,
  });
});

afterAll(() => simulator.stop());

/** A client whose location discovery is done, so that only the requests a test makes count. */
async function connectedGit(token = 'sim-token'): Promise<IGitApi> {
  simulator.setThrottle(undefined);
  const git = await new WebApi(simulator.organizationUrl('demo'), getPersonalAccessTokenHandler(token, false)).getGitApi();
  await git.getRepositories('Sandbox');
  return git;
}

/** One listing through the library's HTTP client: status and headers as they came. */
async function listSandbox(git: IGitApi): Promise<{ status: number | undefined; headers: Record<string, unknown> }> {
  const response = await git.http.get(`${simulator.organizationUrl('demo')}/Sandbox/_apis/git/repositories?api-version=7.1`, {
    Accept: 'application/json',
  });
  await response.readBody();
  return { status: response.message.statusCode, headers: response.message.headers };
}

const RATE_LIMIT_HEADERS = ['x-ratelimit-resource', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];

beforeEach(() => {
  now = T0;
});

describe('throttling, as Azure DevOps Services signals it', () => {
  it('sends no rate-limit headers far from the budget (unverified threshold)', async () => {
    const git = await connectedGit();
    simulator.setThrottle({ budget: 8, windowMs: WINDOW_MS, retryAfterSeconds: 30 });
    const { status, headers } = await listSandbox(git);
    expect(status).toBe(200);
    for (const name of [...RATE_LIMIT_HEADERS, 'x-ratelimit-delay', 'retry-after']) expect(headers).not.toHaveProperty(name);
  });

  it('warns on 200 answers as the budget drains: Limit, Remaining falling, Reset in epoch seconds, and no Delay yet', async () => {
    // [rate-limits] "all these headers are sent before requests start getting delayed"; [node-api#654] flag state.
    const git = await connectedGit();
    simulator.setThrottle({ budget: 8, windowMs: WINDOW_MS, retryAfterSeconds: 30, resource: 'Core' });
    const answers = [];
    for (let request = 0; request < 8; request++) answers.push(await listSandbox(git));

    expect(answers.map(answer => answer.status)).toEqual(Array(8).fill(200));
    expect(answers.map(answer => answer.headers['x-ratelimit-remaining'])).toEqual([
      ...Array(6).fill(undefined),
      '1',
      '0',
    ]);
    expect(answers[7].headers).toMatchObject({
      'x-ratelimit-resource': 'Core',
      'x-ratelimit-limit': '8',
      // Usage is back to 0 one window after the newest request, if the identity stops now.
      'x-ratelimit-reset': String((T0 + WINDOW_MS) / 1000),
    });
    for (const answer of answers) expect(answer.headers).not.toHaveProperty('x-ratelimit-delay');
  });

  it('past the budget, delays the request itself and answers 200 with X-RateLimit-Delay, Retry-After and Remaining 0', async () => {
    // [rate-limits] X-RateLimit-Delay, Remaining "0" once delayed, Retry-After "still returns HTTP
    // 200"; [node-api#654] tarpit state; [docs#10832].
    const git = await connectedGit();
    const other = await connectedGit('other-token');
    simulator.setThrottle({ budget: 2, windowMs: WINDOW_MS, retryAfterSeconds: 30, delay: { ms: 1_000, requests: 5 } });
    await listSandbox(git);
    await listSandbox(git);
    now += 10_000;

    const delayed = listSandbox(git);
    // Held by the server: another identity's request, sent after it, is answered first.
    const meanwhile = await listSandbox(other);
    expect(meanwhile.status).toBe(200);
    expect(simulator.requests.filter(request => request.status === 0)).toHaveLength(1);

    const { status, headers } = await delayed;
    expect(status).toBe(200);
    expect(headers).toMatchObject({
      'x-ratelimit-delay': '1.000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-limit': '2',
      // Under the budget again when the first two requests leave the window: 50 s from now, 49 s
      // after the delayed answer.
      'retry-after': '49',
    });
    now += 1_000; // the simulator's throttling clock, moved by the delay it applied
    // The library takes a delayed answer for a plain success. Sent before that Retry-After had
    // passed, this request is delayed again and counted as early.
    await expect(git.getRepositories('Sandbox')).resolves.toHaveLength(1);
    expect(simulator.throttleStats()).toEqual({ throttled: 0, delayed: 2, earlyRequests: 1 });
  });

  it('blocks with 429 TF400733, Retry-After and Remaining 0, which the library reports on its error', async () => {
    // [rate-limits] the TF400733 message; [node-api#654] block state.
    const git = await connectedGit();
    simulator.setThrottle({ budget: 1, windowMs: WINDOW_MS, retryAfterSeconds: 30 });
    await listSandbox(git);

    await expect(git.getRepositories('Sandbox')).rejects.toMatchObject({
      statusCode: 429,
      message: expect.stringMatching(/^TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource /),
      rateLimit: { retryAfter: 30, remaining: 0, limit: 1 },
    });
  });
});
