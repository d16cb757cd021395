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

/**
 * What Azure DevOps Services answers, with status 203, to a request whose PAT it does not accept
 * when `X-TFS-FedAuthRedirect: Suppress` is sent; clients that only check `res.ok` take it for a success.
 */
export function signInReply(): Reply {
  return {
    status: 203,
    headers: { 'content-type': HTML_CONTENT_TYPE },
    body: [
      '<!DOCTYPE html>',
      '<html lang="en">',
      '<head><meta charset="utf-8"><title>Azure DevOps Services | Sign In</title></head>',
      '<body><h1>Sign in</h1><p>Sign in to continue to Azure DevOps (simulated page).</p></body>',
      '</html>',
    ].join('\n'),
  };
}

/** A 200 HTML page, as a captive portal or a misconfigured proxy would answer. */
export function html200Reply(): Reply {
  return {
    status: 200,
    headers: { 'content-type': HTML_CONTENT_TYPE },
    body: '<!DOCTYPE html><html><head><title>Service notice</title></head><body>Please try again later.</body></html>',
  };
}
