import { redact } from '../client/redact';
import type { ProfileConfig } from '../config/types';
import type { ProfileVerification } from './ProfileVerification';

/** The profile's secrets as they could appear in text: as given, URL-encoded, inside a Basic header. */
export function secretsOf(profile: ProfileConfig): string[] {
  const secrets: string[] = [];
  if (profile.token) {
    const token = profile.token;
    secrets.push(token, encodeURIComponent(token), Buffer.from(`PAT:${token}`).toString('base64'), Buffer.from(`:${token}`).toString('base64'));
  }
  if (profile.broker) secrets.push(profile.broker.token, encodeURIComponent(profile.broker.token));
  return secrets;
}

/**
 * Every string of the result with the profile's secrets removed. The client's messages already
 * are; this also covers what else was thrown (a credentials provider's error, say).
 */
export function redactedVerification(verification: ProfileVerification, secrets: string[]): ProfileVerification {
  const clean = (text: string) => redact(text, secrets);
  return {
    ...verification,
    checks: verification.checks.map(check => ({ ...check, detail: clean(check.detail) })),
    token: { ...verification.token, detail: clean(verification.token.detail) },
    ...(verification.broker ? { broker: { ...verification.broker, detail: clean(verification.broker.detail) } } : {}),
  };
}
