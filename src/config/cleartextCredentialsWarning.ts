import type { ProfileConfig } from './types';

/** Hosts whose traffic never leaves the machine, where plain HTTP exposes nothing. */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/**
 * The start-up warning for a profile whose credentials would travel unencrypted: a token (the
 * profile's or from `integrations.azure`) sent to an `http://` apiUrl, or a broker token in the path
 * of an `http://` broker URL. Undefined when there is nothing to warn about. Never names a secret.
 */
export function cleartextCredentialsWarning(
  profile: Pick<ProfileConfig, 'id' | 'apiUrl' | 'broker'>,
): string | undefined {
  const [what, url] = profile.broker
    ? ['the broker token in every request path', profile.broker.url]
    : ['the access token', profile.apiUrl];
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || LOOPBACK_HOST.test(parsed.host)) return undefined;
  return `Profile ${profile.id}: ${parsed.origin} is plain http, so ${what} travels in clear text; use https`;
}
