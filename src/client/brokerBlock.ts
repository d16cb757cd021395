/**
 * A Snyk Broker client answers a request that none of its accept rules (`accept.json`) allows by
 * itself, with 401 and `{"message":"blocked","reason":"…","url":"/…"}`; the request never reaches
 * Azure DevOps. That is a broker configuration problem with a precise remedy, not a rejected token.
 */
import { isRecord } from '../common/isRecord';
import { parseJsonBody } from './parseJsonBody';
import type { RawResponse } from './readResponse';
import type { Resource } from './resources';

/**
 * The URL the broker blocked, when the answer is a broker's "blocked"; undefined otherwise. Only
 * `message: "blocked"` is relied on: the wording of `reason` differs between broker versions.
 */
export function brokerBlockedUrl(response: RawResponse): string | undefined {
  if (response.statusCode !== 401) return undefined;
  let body: unknown;
  try {
    body = parseJsonBody(response.body);
  } catch {
    return undefined;
  }
  if (!isRecord(body) || body.message !== 'blocked') return undefined;
  return typeof body.url === 'string' ? body.url : '';
}

/**
 * The accept rule the broker needs for a request, in its `accept.json` terms: the area's OPTIONS
 * when the library's location discovery was blocked, else the resource's GET with the query
 * parameters a rule must allow.
 */
export function acceptRuleFor(
  resource: Resource,
  query: Record<string, unknown> | undefined,
  phase: 'discovery' | 'request',
): string {
  if (phase === 'discovery') return `OPTIONS /:org/_apis/${resource.area}`;
  const parameters = (resource.brokerQueryParameters ?? [])
    .filter(name => query?.[name] !== undefined)
    .map(name => `query parameter ${name}=${String(query?.[name])}`);
  return `GET ${resource.brokerPath}${parameters.length > 0 ? ` with ${parameters.join(' and ')}` : ''}`;
}
