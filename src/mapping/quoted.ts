/** At most this many characters of a catalog file's text go into one log line. */
const MAX_QUOTED_LENGTH = 100;

/**
 * A value from a catalog file, quoted for a warning: JSON escapes control characters, so the value
 * cannot forge log lines, and a long value is cut, so a file cannot flood the log.
 */
export function quoted(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}…` : value);
}
