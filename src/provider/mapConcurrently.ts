/**
 * Maps `items` with at most `limit` calls of `fn` pending at once, keeping the order. Unlike
 * `Promise.all(items.map(fn))`, the work waiting to start is an index, not one pending promise
 * per item, so memory stays flat for tens of thousands of repositories. Stops taking new items
 * once `signal` aborts, and rejects with its reason.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      signal?.throwIfAborted();
      const index = next++;
      results[index] = await fn(items[index]);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  signal?.throwIfAborted();
  return results;
}
