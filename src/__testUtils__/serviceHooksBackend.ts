import { eventsServiceFactory } from '@backstage/plugin-events-node';
import type { JsonObject } from '@backstage/types';
import type { CatalogBackend } from './catalogBackend';

/**
 * The features a test backend needs to take service hooks as production does: the events
 * service, the events backend (its HTTP ingress) and the Azure DevOps events module, which checks
 * the secret and routes each hook by its `eventType`. Pass them as `features` of `startCatalogBackend`.
 */
export function serviceHookFeatures() {
  return [
    eventsServiceFactory,
    import('@backstage/plugin-events-backend'),
    import('@backstage/plugin-events-backend-module-azure'),
  ];
}

/** App-config of the events backend for {@link serviceHookFeatures}: in-process events, and the hooks' secret. */
export function serviceHooksConfig(secret: string): JsonObject {
  return { events: { useEventBus: 'never', modules: { azureDevOps: { webhookSecret: secret } } } };
}

/** Where Azure DevOps posts its service hooks on `backend`: the events backend's ingress for topic `azureDevOps`. */
export function serviceHookIngressUrl(backend: CatalogBackend): string {
  return backend.catalogUrl.replace(/\/api\/catalog$/, '/api/events/http/azureDevOps');
}

/** Posts one service hook payload to `ingressUrl` as Azure DevOps does, with `secret`; returns the answer's status. */
export async function postServiceHook(ingressUrl: string, payload: unknown, secret: string): Promise<number> {
  const response = await fetch(ingressUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ado-webhook-secret': secret },
    body: JSON.stringify(payload),
  });
  await response.text();
  return response.status;
}
