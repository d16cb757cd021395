/**
 * Some Azure DevOps answers start with a UTF-8 byte order mark before their JSON (error envelopes
 * above all; see `dev/simulator/fidelity/errors.fidelity.test.ts` for where it was recorded), and
 * `JSON.parse` refuses the mark. Every body the client parses goes through here.
 */

const BYTE_ORDER_MARK = '\uFEFF';

/** The text without a leading byte order mark. */
export function withoutByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
}

/** `JSON.parse` of a body that may start with a byte order mark; throws as `JSON.parse` does. */
export function parseJsonBody(body: string): unknown {
  return JSON.parse(withoutByteOrderMark(body));
}
