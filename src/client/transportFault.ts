/**
 * What a request that threw (rather than answered) ran into: Node's socket error codes, and the
 * messages `typed-rest-client` and our body reader use for timeouts.
 */

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** The message of the error the body reader rejects with when a body stalls. */
export const BODY_READ_TIMEOUT_MESSAGE = 'Body read timeout';

/** A timeout or a network fault, described for a message; undefined for anything else thrown. */
export type TransportFault =
  | { kind: 'timeout' }
  | { kind: 'network'; code: string }
  | { kind: 'network'; cut: string };

export function transportFault(error: unknown): TransportFault | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Request timeout') || message.startsWith(BODY_READ_TIMEOUT_MESSAGE)) return { kind: 'timeout' };
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return { kind: 'network', code };
  if (/socket hang up|aborted|premature close/i.test(message)) return { kind: 'network', cut: message };
  return undefined;
}

/** Timeouts and network faults are retried; anything else thrown is a bug or a bad answer. */
export function isRetryableError(error: unknown): boolean {
  return transportFault(error) !== undefined;
}
