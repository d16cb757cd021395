import { accountIdOf, collectionIdOf } from '../hostIds';
import { SIMULATED_PUSHER } from '../organization';
import { ResourceUrls } from '../routeContext';

/** The identity that made a change, as payloads name it. */
export interface HookActor {
  id: string;
  displayName: string;
  uniqueName: string;
}

/** What every payload of one organization shares: where its URLs point, its host ids, who acts. */
export interface HookOrigin {
  urls: ResourceUrls;
  collectionId: string;
  accountId: string;
  actor: HookActor;
}

/**
 * The origin of payloads about an organization served at `baseUrl` (`http://127.0.0.1:PORT`),
 * with the ids the simulator gives it; another organization name gives a payload a simulator
 * serving `baseUrl` does not know.
 */
export function hookOrigin(baseUrl: string, organization: string): HookOrigin {
  return {
    urls: new ResourceUrls(baseUrl, organization),
    collectionId: collectionIdOf(organization),
    accountId: accountIdOf(organization),
    actor: { id: SIMULATED_PUSHER.id, displayName: SIMULATED_PUSHER.displayName, uniqueName: SIMULATED_PUSHER.email },
  };
}
