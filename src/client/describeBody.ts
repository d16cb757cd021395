/**
 * What an error answer holds when it is no Azure DevOps error envelope, in a few words for a
 * message. Azure DevOps answers some failures with HTML (the 203 sign-in page, the 503 outage page
 * "Azure DevOps Services Unavailable", a 404 "Page not found." page): a message names the page by
 * its title and never carries its markup, which runs to kilobytes of styles and scripts.
 */
import { headerValue } from './headerValue';
import { parseJsonBody, withoutByteOrderMark } from './parseJsonBody';
import type { RawResponse } from './readResponse';

/** Longest stretch of text from a body that a message quotes. */
const MAX_QUOTED_CHARS = 200;

/**
 * `an HTML page titled "…"`, or the start of a text body in quotes; undefined for an empty body
 * and for JSON, whose envelope (if any) says more.
 */
export function describeBody(response: RawResponse): string | undefined {
  const body = withoutByteOrderMark(response.body).trim();
  if (body === '' || isJson(body)) return undefined;
  const contentType = headerValue(response.headers, 'content-type') ?? '';
  if (contentType.includes('html') || /^<(!doctype|html)/i.test(body)) {
    const title = oneLine(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1] ?? '');
    return title ? `an HTML page titled "${title}"` : 'an HTML page';
  }
  return `"${oneLine(body)}"`;
}

/**
 * Text from a server made safe for one log line: control characters (which could forge log lines)
 * and runs of whitespace become one space, and it is cut at {@link MAX_QUOTED_CHARS}.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > MAX_QUOTED_CHARS ? `${flat.slice(0, MAX_QUOTED_CHARS)}…` : flat;
}

function isJson(body: string): boolean {
  try {
    parseJsonBody(body);
    return true;
  } catch {
    return false;
  }
}
