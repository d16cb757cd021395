import { errorReply } from './azureDevOpsErrors';
import { deterministicGuid } from './organization';
import { JSON_CONTENT_TYPE, withByteOrderMark, type Reply } from './reply';
import { signInReply } from './servicePages';

const BASIC_CHALLENGE = 'Basic realm="http://127.0.0.1/"';

/** Who a request acts as; `key` separates throttling budgets. */
export interface SimulatedIdentity {
  id: string;
  displayName: string;
  key: string;
}

/**
 * How a missing or unknown PAT is answered: `'203'` the sign-in page, `'401'` TF400813 in an error
 * envelope, `'401-empty'` a 401 with no body at all.
 */
export type AuthFailureMode = '203' | '401' | '401-empty';

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
 * `X-TFS-FedAuthRedirect: Suppress` (the module does); a 401 with TF400813 and the reason,
 * URL-encoded, in `X-TFS-ServiceError` is another shape clients meet (on-premises, bearer tokens),
 * and a 401 with an empty body a third (a token revoked or short of a scope).
 */
export function rejectedCredentialReply(mode: AuthFailureMode, hadCredentials: boolean): Reply {
  if (mode === '203') return signInReply();
  if (mode === '401-empty') return emptyUnauthorizedReply();
  const reason = hadCredentials
    ? "TF400813: The user '' is not authorized to access this resource."
    : 'TF400813: Resource not available for anonymous access. Client authentication required.';
  return errorReply(401, 'UnauthorizedRequestException', reason, {
    'x-tfs-serviceerror': encodeURIComponent(reason),
    'www-authenticate': BASIC_CHALLENGE,
  });
}

/** 401 with no content type and an empty body: nothing but the status and the challenge. */
export function emptyUnauthorizedReply(): Reply {
  return { status: 401, headers: { 'www-authenticate': BASIC_CHALLENGE, 'x-content-type-options': 'nosniff' }, body: '' };
}

const EXPIRED_MESSAGE = 'Access Denied: The Personal Access Token used has expired.';

/**
 * 401 for a PAT past its expiry date: an `AccessCheckException` envelope behind a UTF-8 byte order
 * mark, with the reason URL-encoded in `X-TFS-ServiceError`.
 */
export function expiredTokenReply(): Reply {
  const envelope = {
    $id: '1',
    customProperties: {
      Descriptor: null,
      IdentityDisplayName: null,
      Token: null,
      RequestedPermissions: 0,
      NamespaceId: '00000000-0000-0000-0000-000000000000',
    },
    innerException: null,
    message: EXPIRED_MESSAGE,
    typeName: 'Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi',
    typeKey: 'AccessCheckException',
    errorCode: 0,
    eventId: 3000,
  };
  return withByteOrderMark({
    status: 401,
    headers: {
      'content-type': JSON_CONTENT_TYPE,
      'www-authenticate': BASIC_CHALLENGE,
      // Spaces as %20 and the colon as %3A, as the service encodes it.
      'x-tfs-serviceerror': encodeURIComponent(EXPIRED_MESSAGE),
    },
    body: JSON.stringify(envelope),
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
