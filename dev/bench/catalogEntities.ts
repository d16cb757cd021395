/**
 * The catalog API of a running backend as an adopter's script reads it: how many entities of a kind
 * it lists, waiting until it lists enough, and every one of them page by page. Unauthenticated: the
 * bench backend disables the default auth policy. A catalog busy processing thousands of new
 * entities on SQLite may answer slowly or not at all for a while, so every request has a timeout of
 * its own and a failed one is tried again until the caller's deadline.
 */
import type { Entity } from '@backstage/catalog-model';

const PAGE_SIZE = 500;
/** Far below fetch's own five minutes without headers, so one stuck request cannot use up a deadline. */
const REQUEST_TIMEOUT_MS = 60_000;
const RETRY_DELAY_MS = 1000;

interface QueryPage {
  items: Entity[];
  totalItems: number;
  pageInfo: { nextCursor?: string };
}

/** How long, and until when, a caller keeps asking. */
export interface ListingBounds {
  /** `performance.now()` after which a failure is final. */
  deadline: number;
  /** Stops the waiting early. */
  signal?: AbortSignal;
}

async function getPage(url: string): Promise<QueryPage> {
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`the catalog answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as QueryPage;
}

/** `getPage` tried again after a failure until `deadline`; the last failure is named. */
async function getPageRetried(url: string, bounds: ListingBounds): Promise<QueryPage> {
  for (;;) {
    try {
      return await getPage(url);
    } catch (error) {
      if (bounds.signal?.aborted || performance.now() > bounds.deadline) throw new Error(`${url}: ${describe(error)}`);
    }
    await new Promise(resolve => setTimeout(resolve, RETRY_DELAY_MS));
  }
}

function queryUrl(baseUrl: string, kind: string, limit: number, cursor?: string): string {
  // The cursor carries the filter; the fields are asked for on every page.
  const query = cursor ? `cursor=${encodeURIComponent(cursor)}` : `filter=${encodeURIComponent(`kind=${kind}`)}`;
  return `${baseUrl}/api/catalog/entities/by-query?${query}&fields=kind,metadata,spec&limit=${limit}`;
}

/**
 * Polls every `intervalMs` until the catalog lists at least `count` entities of `kind`, and resolves
 * with the `performance.now()` of the answer that did. A failed request is tried again (the backend
 * may still be starting, or busy); the last answer or failure is named if `deadline` passes, or
 * `signal` stops it.
 */
export async function waitUntilListed(
  baseUrl: string,
  kind: string,
  count: number,
  options: ListingBounds & { intervalMs: number },
): Promise<number> {
  let last = 'no answer yet';
  for (;;) {
    try {
      const listed = (await getPage(queryUrl(baseUrl, kind, 1))).totalItems;
      if (listed >= count) return performance.now();
      last = `${listed} listed`;
    } catch (error) {
      last = describe(error);
    }
    if (options.signal?.aborted) throw new Error(`stopped waiting for ${count} ${kind} entities (${last})`);
    if (performance.now() > options.deadline) throw new Error(`the catalog did not list ${count} ${kind} entities in time (${last})`);
    await new Promise(resolve => setTimeout(resolve, options.intervalMs));
  }
}

/** Every entity of `kind`, through the cursor of `by-query` (kind, metadata and spec only). */
export async function listEntities(baseUrl: string, kind: string, bounds: ListingBounds): Promise<Entity[]> {
  const entities: Entity[] = [];
  let page = await getPageRetried(queryUrl(baseUrl, kind, PAGE_SIZE), bounds);
  for (;;) {
    entities.push(...page.items);
    const cursor = page.pageInfo.nextCursor;
    if (!cursor || page.items.length === 0) return entities;
    page = await getPageRetried(queryUrl(baseUrl, kind, PAGE_SIZE, cursor), bounds);
  }
}

/** fetch's "fetch failed" says nothing by itself: its cause (refused, reset, timed out) does. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
