import { jsonReply, type Reply } from './reply';

/**
 * One entry of a Snyk Broker client's `accept.json` (its private filters), as in snyk/broker's
 * `defaultFilters/apprisk/azure-repos.json`: a method, a path template in which `:name` stands
 * for one segment, and optionally query parameters whose values must match one of some globs.
 */
export interface BrokerAcceptRule {
  method: string;
  /** Relative to the broker client's origin: `/:org/:project/_apis/git/repositories`. */
  path: string;
  valid?: Array<{ queryParam: string; values: string[] }>;
}

/**
 * Whether a rule lets a request through. `path` is what the broker client sees: the request path
 * without `/broker/{token}`, still URL-encoded, so a project name with spaces is one segment.
 * Literal segments compare case-insensitively, as the broker's Express routing does.
 */
export function matchesAcceptRule(rule: BrokerAcceptRule, method: string, path: string, query: URLSearchParams): boolean {
  if (rule.method.toUpperCase() !== method) return false;
  const expected = rule.path.split('/').filter(segment => segment.length > 0);
  const actual = path.split('/').filter(segment => segment.length > 0);
  if (expected.length !== actual.length) return false;
  const segmentsMatch = expected.every(
    (segment, index) => segment.startsWith(':') || segment.toLowerCase() === actual[index].toLowerCase(),
  );
  if (!segmentsMatch) return false;
  return (rule.valid ?? []).every(({ queryParam, values }) => {
    const value = query.get(queryParam);
    return value !== null && values.some(glob => globExpression(glob).test(value));
  });
}

/**
 * What the broker client answers, through the broker server, to a request no accept rule allows:
 * 401 and this body (snyk/broker, `[Websocket Flow][Blocked Request]`). Only `message: "blocked"`
 * is stable across broker versions; the wording of `reason` has changed over time.
 */
export function brokerBlockedReply(url: string): Reply {
  return jsonReply({ message: 'blocked', reason: '[Websocket Flow][Blocked Request] Does not match any accept rule', url }, 401);
}

/** `**` any characters, `*` and `?` within one path segment, as minimatch reads the broker's globs. */
function globExpression(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index];
    if (char === '*' && glob[index + 1] === '*') {
      source += '.*';
      index++;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/**
 * The URL as the broker client sees it: the broker server strips `/broker/{token}` before
 * forwarding. Other URLs are returned as they are.
 */
export function brokerClientUrl(url: URL): string {
  const path = /^\/broker\/[^/]+(\/.*)?$/i.exec(url.pathname)?.[1] ?? url.pathname;
  return `${path || '/'}${url.search}`;
}
