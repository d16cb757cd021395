/**
 * Secrets shorter than this are removed only where they stand alone (not inside a longer word or
 * a base64 run): replacing every "t" of a message would make it unreadable.
 */
const MIN_SUBSTRING_LENGTH = 6;

/** Removes every secret, however it was encoded, from text about to leave the client. */
export function redact(text: string, secrets: string[]): string {
  return secrets
    .filter(secret => secret.length > 0)
    .reduce(
      (result, secret) =>
        secret.length >= MIN_SUBSTRING_LENGTH
          ? result.split(secret).join('***')
          : result.replace(standingAlone(secret), '***'),
      text,
    );
}

function standingAlone(secret: string): RegExp {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g');
}
