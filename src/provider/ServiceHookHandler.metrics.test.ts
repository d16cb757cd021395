/**
 * Service hook events counted in the metrics as they go through the real path: the events service
 * delivers payloads the simulator built to the provider it subscribed, whose handler reads the
 * repository with the real client over loopback and applies a delta mutation.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DefaultEventsService, type EventsService } from '@backstage/plugin-events-node';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization } from '../../dev/simulator';
import { readProfileConfigs } from '../config/readProfileConfigs';
import { METRIC_PREFIX } from '../metrics/SyncMetrics';
import { MetricsCapture } from '../__testUtils__/MetricsCapture';
import { PersistingTaskRunner } from '../__testUtils__/PersistingTaskRunner';
import { RecordingConnection } from '../__testUtils__/RecordingConnection';
import { testStateStore } from '../__testUtils__/testStateStore';
import { AzureDevOpsRepositoriesProvider } from './AzureDevOpsRepositoriesProvider';

const TOKEN = 'metrics-token-0123456789';
const EVENTS_HANDLED = `${METRIC_PREFIX}.events.handled`;
const REQUESTS = `${METRIC_PREFIX}.requests`;

const CATALOG_FILE = [
  'apiVersion: backstage.io/v1alpha1',
  'kind: Component',
  'metadata:',
  '  name: platform-api',
  'spec:',
  '  type: service',
  '  lifecycle: production',
  '  owner: team-pushed',
  '',
].join('\n');

let simulator: AzureDevOpsSimulator;
let capture: MetricsCapture;
let state: Awaited<ReturnType<typeof testStateStore>>;

beforeEach(async () => {
  // Before the provider makes its metrics: instruments are bound to the provider registered then.
  capture = MetricsCapture.start();
  simulator = await AzureDevOpsSimulator.start({ organizations: [loadOrganization(DEMO_ORGANIZATION_FIXTURE)], tokens: [TOKEN] });
  state = await testStateStore();
});

afterEach(async () => {
  await simulator.stop();
  await capture.stop();
  await state.destroy();
});

/** A provider of the demo organization, synced once, taking the events of a real events service. */
async function syncedProvider() {
  const [profile] = readProfileConfigs(
    new ConfigReader({
      catalog: {
        providers: {
          azureDevOpsRepositories: {
            demo: { profileName: 'Demo', organization: 'demo', apiUrl: simulator.url, token: TOKEN, maxRetries: 0 },
          },
        },
      },
    }),
  );
  const logger = mockServices.logger.mock();
  const events = DefaultEventsService.create({ logger, useEventBus: 'never' }).forPlugin('catalog');
  const taskRunner = new PersistingTaskRunner();
  const provider = new AzureDevOpsRepositoriesProvider({ profile, taskRunner, logger, events, store: state.store });
  const connection = new RecordingConnection();
  await provider.connect(connection);
  await taskRunner.runTask();
  // What the catalog is asked to apply from here on: the events' mutations only.
  const applyMutation = jest.spyOn(connection, 'applyMutation');
  return { provider, events, applyMutation };
}

/** Publishes a payload on the topic the Azure events module gives it, and waits until it is handled. */
async function deliver(context: { provider: AzureDevOpsRepositoriesProvider; events: EventsService }, payload: object) {
  const { eventType } = payload as { eventType: string };
  await context.events.publish({ topic: `azureDevOps.${eventType}`, eventPayload: payload });
  await context.provider.serviceHooksIdle();
}

describe('service hook metrics', () => {
  it('counts a push to the default branch as applied, and the requests of its batch', async () => {
    const context = await syncedProvider();
    simulator.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', CATALOG_FILE);

    await deliver(context, simulator.serviceHookPayload('git.push', 'demo', 'Platform', 'api'));

    expect(context.applyMutation).toHaveBeenCalledWith(expect.objectContaining({ type: 'delta' }));
    expect(await capture.points(EVENTS_HANDLED)).toEqual([
      { attributes: { profile: 'demo', topic: 'git.push', result: 'applied' }, value: 1 },
    ]);
    // The repository, its catalog file and its commits, apart from the sync's.
    expect(await capture.value(REQUESTS, { profile: 'demo', source: 'events' })).toBe(3);
  });

  it('counts as ignored a push to another branch, and a payload it cannot read', async () => {
    const context = await syncedProvider();
    simulator.pushToBranch('demo', 'Platform', 'api', 'feature/x');

    await deliver(context, simulator.serviceHookPayload('git.push', 'demo', 'Platform', 'api', { branch: 'feature/x' }));
    await deliver(context, { eventType: 'git.push', resource: 'not a resource' });

    expect(context.applyMutation).not.toHaveBeenCalled();
    expect(await capture.points(EVENTS_HANDLED)).toEqual([
      { attributes: { profile: 'demo', topic: 'git.push', result: 'ignored' }, value: 2 },
    ]);
  });

  it('counts as failed an event whose repository cannot be read, and one whose batch the catalog refused', async () => {
    const context = await syncedProvider();
    simulator.addFault({ route: 'repository', times: 1, response: { status: 500, body: { message: 'boom' } } });
    await deliver(context, simulator.serviceHookPayload('git.push', 'demo', 'Platform', 'api'));

    simulator.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', CATALOG_FILE);
    context.applyMutation.mockRejectedValueOnce(new Error('catalog down'));
    await deliver(context, simulator.serviceHookPayload('git.push', 'demo', 'Platform', 'api'));

    expect(context.applyMutation).toHaveBeenCalledTimes(1);
    expect(await capture.points(EVENTS_HANDLED)).toEqual([
      { attributes: { profile: 'demo', topic: 'git.push', result: 'failed' }, value: 2 },
    ]);
    // The failed batches' requests count all the same: one for the first, three for the second.
    expect(await capture.value(REQUESTS, { profile: 'demo', source: 'events' })).toBe(4);
  });
});
