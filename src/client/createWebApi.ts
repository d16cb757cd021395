import { WebApi, getBearerHandler, getPersonalAccessTokenHandler } from 'azure-devops-node-api';
import type { IRequestHandler, IRequestOptions } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';
import type { AzureDevOpsCredentialsProvider } from '@backstage/integration';
import type { ProfileConfig } from '../config/types';
import { AzureDevOpsError } from './AzureDevOpsError';

/** A `WebApi` for one profile and one sync, and the secrets its errors must never show. */
export interface ProfileConnection {
  webApi: WebApi;
  /** Whether requests go through a broker, which skips `ResourceAreas` discovery (see `AreaApis`). */
  viaBroker: boolean;
  /** The host requests go to, for messages: the broker's with a broker, never its path (it holds the token). */
  host: string;
  secrets: string[];
}

/**
 * A broker adds credentials inside the customer network, so requests carry none; Azure DevOps'
 * `X-TFS-FedAuthRedirect: Suppress` still asks for a status instead of a sign-in redirect.
 */
const noCredentialsHandler: IRequestHandler = {
  prepareRequest(options) {
    options.headers = { ...(options.headers as Record<string, string>), 'X-TFS-FedAuthRedirect': 'Suppress' };
  },
  canHandleAuthentication: () => false,
  handleAuthentication: async () => {
    throw new Error('The broker handles authentication');
  },
};

/**
 * Builds the connection for one sync, choosing credentials explicitly: the profile's `token` as a
 * PAT, else `integrations.azure` credentials (PAT or bearer, by their declared type), else the
 * broker. Credentials are fetched per sync because bearer tokens expire.
 */
export async function createWebApi(
  profile: ProfileConfig,
  credentialsProvider: AzureDevOpsCredentialsProvider | undefined,
): Promise<ProfileConnection> {
  const requestOptions: IRequestOptions = {
    socketTimeout: profile.requestTimeoutMs,
    // The request gate retries, honouring Retry-After; the library's own retries do not.
    allowRetries: false,
    // HTTP keep-alive saves a TLS handshake per request on large organizations.
    keepAlive: true,
  };

  if (profile.broker) {
    const baseUrl = `${profile.broker.url}/broker/${encodeURIComponent(profile.broker.token)}/${encodeURIComponent(profile.organization)}`;
    return {
      webApi: new WebApi(baseUrl, noCredentialsHandler, requestOptions),
      viaBroker: true,
      host: new URL(profile.broker.url).host,
      secrets: [profile.broker.token, encodeURIComponent(profile.broker.token)],
    };
  }

  const token = profile.token
    ? { value: profile.token, type: 'pat' as const }
    : await integrationToken(profile, credentialsProvider);
  // Never let the token follow a redirect to another host.
  const allowCrossOriginAuthentication = false;
  const handler =
    token.type === 'bearer'
      ? getBearerHandler(token.value, allowCrossOriginAuthentication)
      : getPersonalAccessTokenHandler(token.value, allowCrossOriginAuthentication);
  return {
    webApi: new WebApi(profile.organizationUrl, handler, requestOptions),
    viaBroker: false,
    host: profile.host,
    secrets: secretsOf(token.value),
  };
}

async function integrationToken(
  profile: ProfileConfig,
  credentialsProvider: AzureDevOpsCredentialsProvider | undefined,
): Promise<{ value: string; type: 'pat' | 'bearer' }> {
  const credentials = await credentialsProvider?.getCredentials({ url: profile.organizationUrl });
  if (!credentials) {
    throw new AzureDevOpsError({
      kind: 'unauthorized',
      message: `No credentials for ${profile.host}/${profile.organization}: set the profile's token or add integrations.azure credentials for this host and organization`,
    });
  }
  return { value: credentials.token, type: credentials.type === 'bearer' ? 'bearer' : 'pat' };
}

/** The token as given and as it appears inside a Basic authorization header. */
function secretsOf(token: string): string[] {
  return [token, Buffer.from(`PAT:${token}`).toString('base64'), Buffer.from(`:${token}`).toString('base64')];
}
