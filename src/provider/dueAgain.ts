const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whether something of a repository read at `readAt` is to be read again at `now`: at least once
 * a period (a day), and, so that a large organization does not read everything again at once a
 * day after its first cycle, each repository a little earlier than that, by a share of up to half
 * the period that its id fixes. The reads of an organization read all at once thus spread over
 * the second half of the following day, and stay spread after that.
 */
export function dueAgain(readAt: number | undefined, now: number, id: string, periodMs: number = DAY_MS): boolean {
  if (readAt === undefined) return true;
  const earlier = (hashOf(id.toLowerCase()) / 2 ** 32) * (periodMs / 2);
  return now - readAt >= periodMs - earlier;
}

/** FNV-1a, 32 bits: a stable, well-spread number from an id. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
