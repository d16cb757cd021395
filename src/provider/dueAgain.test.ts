import { dueAgain } from './dueAgain';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const READ_AT = Date.parse('2026-12-01T00:00:00Z');

/** `count` ids shaped like Azure DevOps' (GUIDs), from a seeded generator: the same every run. */
function guids(count: number): string[] {
  let state = 0x2545f491;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state;
  };
  const hex = (digits: number) => Array.from({ length: digits }, () => (next() >>> 28).toString(16)).join('');
  return Array.from({ length: count }, () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`);
}

const IDS = guids(1_000);

describe('dueAgain', () => {
  it('is due when nothing was read yet', () => {
    expect(dueAgain(undefined, READ_AT, IDS[0])).toBe(true);
  });

  it('is never due before 12 h, nor at 12 h', () => {
    for (const elapsed of [0, HOUR, 11 * HOUR, 12 * HOUR - 1, 12 * HOUR]) {
      expect(IDS.filter(id => dueAgain(READ_AT, READ_AT + elapsed, id))).toEqual([]);
    }
  });

  it('is always due at 24 h, and after', () => {
    for (const elapsed of [DAY, DAY + 1, 3 * DAY]) {
      expect(IDS.filter(id => !dueAgain(READ_AT, READ_AT + elapsed, id))).toEqual([]);
    }
  });

  it('spreads the ids read at the same time over the second half of the day', () => {
    const dueAt = (elapsed: number) => IDS.filter(id => dueAgain(READ_AT, READ_AT + elapsed, id)).length / IDS.length;
    expect(dueAt(18 * HOUR)).toBeGreaterThanOrEqual(0.3);
    expect(dueAt(18 * HOUR)).toBeLessThanOrEqual(0.7);
    // More are due as the day goes on.
    expect(dueAt(13 * HOUR)).toBeLessThan(dueAt(18 * HOUR));
    expect(dueAt(18 * HOUR)).toBeLessThan(dueAt(23 * HOUR));
  });

  it('keeps its time of day for an id, whatever the case of the id', () => {
    const id = IDS[7];
    const firstDue = (candidate: string) => {
      let elapsed = 12 * HOUR;
      while (!dueAgain(READ_AT, READ_AT + elapsed, candidate)) elapsed += 60_000;
      return elapsed;
    };
    expect(firstDue(id.toUpperCase())).toBe(firstDue(id));
    // The same share of the day after any read time.
    expect(dueAgain(READ_AT + DAY, READ_AT + DAY + firstDue(id), id)).toBe(true);
    expect(dueAgain(READ_AT + DAY, READ_AT + DAY + firstDue(id) - 60_000, id)).toBe(false);
  });

  it('takes a period of its own', () => {
    expect(IDS.every(id => !dueAgain(READ_AT, READ_AT + HOUR / 2, id, HOUR))).toBe(true);
    expect(IDS.every(id => dueAgain(READ_AT, READ_AT + HOUR, id, HOUR))).toBe(true);
  });
});
