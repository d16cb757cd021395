import { errorReply } from './azureDevOpsErrors';
import { deterministicGuid } from './organization';
import { signInReply, type Reply } from './reply';

/** Who a request acts as; `key` separates throttling budgets. */
export interface SimulatedIdentity {
  id: string;
  displayName: string;
  key: string;
}

/** How a missing or rejected PAT is answered. */
export type AuthFailureMode = '203' | '401';

/** The password half of `Authorization: Basic base64(user:PAT)`; Azure DevOps ignores the user name. */
export function patFromAuthorization(header: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return separator < 0 ? undefined : decoded.slice(separator + 1);
}

export function identityForPat(pat: string): SimulatedIdentity {
  return { id: deterministicGuid('identity', pat), displayName: 'Simulated User', key: `pat:${pat}` };
}

export function identityForBroker(brokerToken: string): SimulatedIdentity {
  return { id: deterministicGuid('broker', brokerToken), displayName: 'Simulated Broker', key: `broker:${brokerToken}` };
}

/**
 * Services answers a bad PAT with 203 and the sign-in page when the client sends
 * `X-TFS-FedAuthRedirect: Suppress` (the library does); a 401 with TF400813 and the reason,
 * URL-encoded, in `X-TFS-ServiceError` is the other shape clients meet (on-premises, expired tokens).
 */
export function rejectedCredentialReply(mode: AuthFailureMode, hadCredentials: boolean): Reply {
  if (mode === '203') return signInReply();
  const reason = hadCredentials
    ? "TF400813: The user '' is not authorized to access this resource."
    : 'TF400813: Resource not available for anonymous access. Client authentication required.';
  return errorReply(401, 'UnauthorizedRequestException', reason, {
    'x-tfs-serviceerror': encodeURIComponent(reason),
    'www-authenticate': 'Basic realm="http://127.0.0.1/"',
  });
}

export function brokerCarriesCredentialsReply(): Reply {
  return errorReply(
    400,
    'BrokerRequestWithCredentialsException',
    'A broker request must not carry credentials: remove the Authorization header, the broker adds its own.',
  );
}

export function unknownBrokerTokenReply(): Reply {
  return errorReply(401, 'UnauthorizedRequestException', 'TF400813: The broker token is not known to this simulator.');
}
