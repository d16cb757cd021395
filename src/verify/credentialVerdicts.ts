import { AzureDevOpsError } from '../client/AzureDevOpsError';
import type { ProfileConfig } from '../config/types';
import { isAccessDenied } from './checkFromFailure';
import type { ProfileVerification } from './ProfileVerification';

/** The token line: expired when Azure DevOps said so, accepted when an answer showed it works, else why it is not known. */
export function tokenVerdict(
  profile: ProfileConfig,
  seen: { expired: boolean; accepted: boolean; connectionError: unknown },
): ProfileVerification['token'] {
  if (seen.expired) {
    return { expired: true, detail: `Azure DevOps says the ${profile.broker ? "broker's " : ''}token has expired: renew it` };
  }
  const unknowable = profile.broker
    ? 'the broker adds the token inside your network, so its expiry cannot be known here'
    : profile.token
      ? 'its expiry date cannot be known here: Azure DevOps tells it only to its PAT lifecycle API, which takes a Microsoft Entra token, not the PAT'
      : 'the credentials come from integrations.azure and are fetched anew for every sync; their expiry cannot be known here';
  if (seen.accepted) return { expired: false, detail: `accepted; ${unknowable}` };
  if (isAccessDenied(seen.connectionError)) {
    return { detail: 'refused without a reason: the token may be revoked, expired or unknown (Azure DevOps says "expired" only for some tokens)' };
  }
  return { detail: 'not known: Azure DevOps could not be asked' };
}

/** The broker line: unreachable when the connection found no one there, else it answered. */
export function brokerVerdict(
  url: string,
  seen: { tried: boolean; connectionError: unknown },
): NonNullable<ProfileVerification['broker']> {
  const host = new URL(url).host;
  const error = seen.connectionError;
  if (!seen.tried) return { reachable: false, detail: `not tried: the connection could not be prepared` };
  if (error instanceof AzureDevOpsError && (error.kind === 'network' || error.kind === 'timeout')) {
    return { reachable: false, detail: `the broker at ${host} is unreachable: ${error.message}` };
  }
  return { reachable: true, detail: `the broker at ${host} answered` };
}
