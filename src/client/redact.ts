/**
 * Secrets shorter than this are not searched for: replacing every "t" of a message would make it
 * unreadable, and no Azure DevOps token is that short.
 */
const MIN_REDACTED_LENGTH = 6;

/** Removes every secret, however it was encoded, from text about to leave the client. */
export function redact(text: string, secrets: string[]): string {
  return secrets
    .filter(secret => secret.length >= MIN_REDACTED_LENGTH)
    .reduce((result, secret) => result.split(secret).join('***'), text);
}
