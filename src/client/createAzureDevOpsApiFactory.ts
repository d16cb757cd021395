import type { AzureDevOpsCredentialsProvider } from '@backstage/integration';
import type { ProfileConfig } from '../config/types';
import type { AzureDevOpsApi } from './AzureDevOpsApi';
import { AzureDevOpsClient } from './AzureDevOpsClient';
import { RequestGate } from './RequestGate';

/** Creates the port for one sync; tests pass an in-memory fake. */
export type AzureDevOpsApiFactory = (profile: ProfileConfig) => Promise<AzureDevOpsApi>;

/**
 * The production {@link AzureDevOpsApiFactory} of one profile: the `azure-devops-node-api` client
 * behind one request gate that lasts as long as the profile, with credentials from the profile or,
 * without a token or broker there, from `integrations.azure` through `credentialsProvider`.
 */
export function createAzureDevOpsApiFactory(
  profile: ProfileConfig,
  credentialsProvider?: AzureDevOpsCredentialsProvider,
): AzureDevOpsApiFactory {
  // The gate outlives single syncs: a Retry-After received at the end of one sync still holds.
  const gate = new RequestGate({
    concurrency: profile.concurrency,
    maxRetries: profile.maxRetries,
    maxWaitMs: profile.maxRetryAfterMs,
  });
  const create = () => AzureDevOpsClient.create({ profile, credentialsProvider, gate });
  // With credentials that never change (a PAT in the profile, a broker) the client is kept, and
  // with it the library's location discovery; integration credentials may expire, so they are
  // fetched anew for every sync.
  if (!profile.token && !profile.broker) return create;
  let client: Promise<AzureDevOpsClient> | undefined;
  return () => {
    client ??= create().catch(error => {
      client = undefined;
      throw error;
    });
    return client;
  };
}
