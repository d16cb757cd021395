/**
 * The simulator's service hooks through what the demo receives them with: the Backstage events
 * backend's HTTP ingress and `@backstage/plugin-events-backend-module-azure`, which checks the
 * `x-ado-webhook-secret` header and republishes each payload on `azureDevOps.<eventType>`.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { eventsServiceRef, type EventParams } from '@backstage/plugin-events-node';
import { AzureDevOpsSimulator } from '../AzureDevOpsSimulator';
import { DEMO_ORGANIZATION_FIXTURE, loadOrganization } from '../loadOrganization';

const SECRET = 'demo-secret';

const EVENT_TYPES = ['git.push', 'git.repo.created', 'git.repo.renamed', 'git.repo.deleted', 'git.repo.statuschanged'];

describe('service hooks into the Backstage events ingress', () => {
  const published: EventParams[] = [];
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let ingressUrl: string;
  let simulator: AzureDevOpsSimulator;

  beforeAll(async () => {
    const listener = createBackendModule({
      pluginId: 'events',
      moduleId: 'simulator-hooks-listener',
      register(reg) {
        reg.registerInit({
          deps: { events: eventsServiceRef },
          async init({ events }) {
            await events.subscribe({
              id: 'simulator-hooks-listener',
              topics: EVENT_TYPES.map(eventType => `azureDevOps.${eventType}`),
              onEvent: async event => {
                published.push(event);
              },
            });
          },
        });
      },
    });
    backend = await startTestBackend({
      features: [
        import('@backstage/plugin-events-backend'),
        import('@backstage/plugin-events-backend-module-azure'),
        listener,
        mockServices.rootConfig.factory({ data: { events: { modules: { azureDevOps: { webhookSecret: SECRET } } } } }),
      ],
    });
    const address = backend.server.address();
    if (!address || typeof address === 'string') throw new Error('The test backend has no port');
    ingressUrl = `http://127.0.0.1:${address.port}/api/events/http/azureDevOps`;
  });

  afterAll(() => backend.stop());

  beforeEach(async () => {
    published.length = 0;
    simulator = await AzureDevOpsSimulator.start({
      organizations: [loadOrganization(DEMO_ORGANIZATION_FIXTURE)],
      serviceHooks: { url: ingressUrl, secret: SECRET },
    });
  });

  afterEach(() => simulator.stop());

  it('has every event accepted and republished on azureDevOps.<eventType>, payload intact', async () => {
    simulator.setFile('demo', 'Platform', 'api', 'catalog-info.yaml', 'kind: Component\n');
    simulator.addRepository('demo', 'Platform', { name: 'scratch', empty: true });
    simulator.renameRepository('demo', 'Platform', 'scratch', 'scratch-2');
    simulator.setRepositoryDisabled('demo', 'Platform', 'scratch-2', true);
    simulator.removeRepository('demo', 'Platform', 'scratch-2');

    const deliveries = await simulator.serviceHookDeliveries();
    expect(deliveries.map(delivery => [delivery.eventType, delivery.status])).toEqual([
      ['git.push', 202],
      ['git.repo.created', 202],
      ['git.repo.renamed', 202],
      ['git.repo.statuschanged', 202],
      ['git.repo.deleted', 202],
    ]);
    const topics = published.map(event => event.topic).sort();
    expect(topics).toEqual(EVENT_TYPES.map(eventType => `azureDevOps.${eventType}`).sort());
    const push = published.find(event => event.topic === 'azureDevOps.git.push');
    expect(push?.eventPayload).toMatchObject({ eventType: 'git.push', resource: { repository: { name: 'api' } } });
    expect(push?.metadata).toMatchObject({ 'x-ado-webhook-secret': SECRET });
  });

  it('has a wrong secret refused with 403, not retried, and nothing published', async () => {
    simulator.setServiceHooks({ url: ingressUrl, secret: 'wrong' });
    const { deliveries } = await simulator.withServiceHookDeliveries(() =>
      simulator.setRepositoryDisabled('demo', 'Platform', 'api', true),
    );
    expect(deliveries).toEqual([expect.objectContaining({ status: 403, attempts: 1 })]);
    expect(published).toEqual([]);
  });

  it('has a payload posted by hand without the header refused', async () => {
    const payload = simulator.serviceHookPayload('git.push', 'demo', 'Platform', 'api');
    const response = await fetch(ingressUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'invalid webhook secret' });
  });
});
