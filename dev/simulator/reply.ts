/** An HTTP answer computed by a route, written by the server. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

export function jsonReply(value: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(value) };
}

/** Azure DevOps wraps every list in `{ count, value }`. */
export function listReply(items: readonly unknown[], headers: Record<string, string> = {}): Reply {
  return jsonReply({ count: items.length, value: items }, 200, headers);
}

/** A 200 HTML page, as a captive portal or a misconfigured proxy would answer. */
export function html200Reply(): Reply {
  return {
    status: 200,
    headers: { 'content-type': HTML_CONTENT_TYPE },
    body: '<!DOCTYPE html><html><head><title>Service notice</title></head><body>Please try again later.</body></html>',
  };
}

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * The reply with a UTF-8 byte order mark before its JSON, as some Azure DevOps answers come
 * (`JSON.parse` refuses it); a body that is not JSON is left as it is.
 */
export function withByteOrderMark(reply: Reply): Reply {
  const contentType = Object.entries(reply.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (!contentType.includes('json') || reply.body.startsWith(BYTE_ORDER_MARK)) return reply;
  return { ...reply, body: `${BYTE_ORDER_MARK}${reply.body}` };
}
