import { mapConcurrently } from './mapConcurrently';

describe('mapConcurrently', () => {
  it('keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3, 0], 2, async delay => {
      running++;
      most = Math.max(most, running);
      await new Promise(resolve => setTimeout(resolve, delay));
      running--;
      return delay * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('handles no items', async () => {
    await expect(mapConcurrently([], 4, async () => 1)).resolves.toEqual([]);
  });

  it('stops taking items once aborted, and rejects with the reason', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const mapping = mapConcurrently([1, 2, 3, 4], 1, async item => {
      seen.push(item);
      if (item === 2) controller.abort(new Error('sync timed out'));
      return item;
    }, controller.signal);
    await expect(mapping).rejects.toThrow('sync timed out');
    expect(seen).toEqual([1, 2]);
  });

  it('rejects with the first failure', async () => {
    await expect(mapConcurrently([1, 2], 2, async item => {
      if (item === 2) throw new Error('boom');
      return item;
    })).rejects.toThrow('boom');
  });
});
