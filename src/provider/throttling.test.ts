/**
 * A whole sync (one run, a whole cycle) under throttling, through the real provider, client and
 * request gate against the simulator's request budget: every repository is read, no request is
 * sent while a Retry-After holds, and the module paces itself on X-RateLimit-Remaining so that it
 * is not refused at all when it hears of the low budget early enough.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { AzureDevOpsSimulator, generateOrganization, type ThrottleOptions } from '../../dev/simulator';
import { readProfileConfigs } from '../config/readProfileConfigs';
import { SyncMetrics } from '../metrics/SyncMetrics';
import { RecordingConnection } from '../__testUtils__/RecordingConnection';
import { testStateStore } from '../__testUtils__/testStateStore';
import { AzureDevOpsRepositoriesProvider } from './AzureDevOpsRepositoriesProvider';
import type { AzureDevOpsApiFactory } from '../client/createAzureDevOpsApiFactory';
import { AzureDevOpsClient } from '../client/AzureDevOpsClient';
import { RequestGate, type GateResponse } from '../client/RequestGate';

/** A client that ignores `Retry-After`: as many requests in flight, but a 429 is retried at once. */
class ImpatientGate extends RequestGate {
  readonly #maxRetries: number;
  readonly #slots: Array<() => void> = [];
  #free: number;

  constructor(options: { concurrency: number; maxRetries: number }) {
    super(options);
    this.#maxRetries = options.maxRetries;
    this.#free = options.concurrency;
  }

  override async run<T extends GateResponse>(request: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>(resolve => this.#slots.push(resolve));
    try {
      for (let attempt = 0; ; attempt++) {
        const response = await request();
        if (response.statusCode !== 429 || attempt >= this.#maxRetries) return response;
      }
    } finally {
      const next = this.#slots.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

const REPOSITORIES = 60;
const THROTTLE: ThrottleOptions = {
  budget: 20,
  windowMs: 1000,
  retryAfterSeconds: 1,
  // Requests sent before the client could read a 429 that was already on its way are no fault of
  // the client; in one process they reach the simulator a few milliseconds late (16 ms at most seen).
  inFlightAllowanceMs: 100,
};

const logger: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => logger,
};

async function syncUnderThrottling(options: { throttle?: ThrottleOptions; createApi?: AzureDevOpsApiFactory } = {}) {
  const { throttle = THROTTLE, createApi } = options;
  const organization = generateOrganization({ name: 'throttled', repos: REPOSITORIES, projects: 3, withFile: 0.4, seed: 5 });
  // Latency spreads the requests out, as on a real network.
  const simulator = await AzureDevOpsSimulator.start({ organizations: [organization], latencyMs: 20, throttle });
  const state = await testStateStore();
  try {
    const [profile] = readProfileConfigs(
      new ConfigReader({
        catalog: {
          providers: {
            azureDevOpsRepositories: {
              throttled: { profileName: 'Throttled', organization: 'throttled', apiUrl: simulator.url, token: 'sim-token' },
            },
          },
        },
      }),
    );
    const metrics = new SyncMetrics();
    const recordSync = jest.spyOn(metrics, 'recordSync');
    const provider = new AzureDevOpsRepositoriesProvider({
      profile,
      taskRunner: { run: async () => {} },
      logger,
      store: state.store,
      metrics,
      ...(createApi ? { createApi: () => createApi(profile) } : {}),
    });
    const connection = new RecordingConnection();
    await provider.connect(connection);
    // One run, the whole cycle: 60 repositories are far from a run's time.
    expect(await provider.refresh(logger)).toEqual({ result: 'succeeded' });
    const [[, sync]] = recordSync.mock.calls;
    const result = { entities: connection.ofKind('Repository'), stats: sync.stats! };
    return { result, throttle: simulator.throttleStats(), statuses: simulator.requests.map(request => request.status) };
  } finally {
    await simulator.stop();
    await state.destroy();
  }
}

describe('a sync under throttling', () => {
  it('reads every repository and sends nothing while a Retry-After holds', async () => {
    // Warned only 5 requests before the budget is spent, with 8 in flight: refused now and then.
    const { result, throttle, statuses } = await syncUnderThrottling();

    expect(result.entities).toHaveLength(REPOSITORIES);
    expect(result.stats.failed).toBe(0);
    // It was throttled several times, and waited each time.
    expect(throttle.throttled).toBeGreaterThanOrEqual(3);
    expect(statuses.filter(status => status === 429)).toHaveLength(throttle.throttled);
    expect(result.stats.requests?.retries).toBeGreaterThanOrEqual(throttle.throttled);
    // Each Retry-After is 1 s: waited at least once, counted once however many requests waited.
    expect(result.stats.requests?.throttledMs).toBeGreaterThanOrEqual(900);
    expect(throttle.earlyRequests).toBe(0);
  });

  it('is never refused when warned of the low budget more requests ahead than it has in flight', async () => {
    // Warnings come below a quarter of the budget: 10 requests ahead, 8 in flight. The ~64
    // requests of the sync are more than the budget of 40, so without pacing some would be refused.
    const { result, throttle } = await syncUnderThrottling({ throttle: { ...THROTTLE, budget: 40 } });

    expect(result.entities).toHaveLength(REPOSITORIES);
    expect(result.stats.requests?.requests).toBeGreaterThan(40);
    // Held back by the pacer instead, which counts as throttled time too.
    expect(result.stats.requests?.throttledMs).toBeGreaterThan(0);
    expect(throttle).toEqual({ throttled: 0, delayed: 0, earlyRequests: 0 });
  });

  it('takes delayed answers as they come and honours their Retry-After', async () => {
    // Past the budget the server holds requests itself and answers 200 with Retry-After, before it
    // refuses any: the module waits for that Retry-After (the delay itself is not waited again:
    // see RequestGate.test.ts).
    const { result, throttle } = await syncUnderThrottling({ throttle: { ...THROTTLE, delay: { ms: 50, requests: 1000 } } });

    expect(result.entities).toHaveLength(REPOSITORIES);
    expect(result.stats.failed).toBe(0);
    expect(throttle.delayed).toBeGreaterThan(0);
    expect(throttle.throttled).toBe(0);
    expect(throttle.earlyRequests).toBe(0);
  });

  it('would count early requests from a client that ignores Retry-After', async () => {
    // The same client behind a gate that sends at once and never waits: the allowance above does not hide that.
    const { result, throttle } = await syncUnderThrottling({
      createApi: profile =>
        AzureDevOpsClient.create({
          profile,
          gate: new ImpatientGate({ concurrency: profile.concurrency, maxRetries: profile.maxRetries }),
        }),
    });

    expect(throttle.earlyRequests).toBeGreaterThan(10);
    expect(result.stats.failed).toBeGreaterThan(0);
  });
});
