import { JsonListSplitter } from './JsonListSplitter';

/** Feeds `text` to a splitter in pieces of `size` characters and returns what it handed out. */
function split(text: string, size = text.length): { items: unknown[]; valueFound: boolean } {
  const items: unknown[] = [];
  const splitter = new JsonListSplitter(item => items.push(item));
  for (let i = 0; i < text.length; i += size) splitter.write(text.slice(i, i + size));
  splitter.end();
  return { items, valueFound: splitter.valueFound };
}

const LISTING = {
  count: 3,
  value: [
    { id: 'a', name: 'with "quotes", commas, [brackets] and {braces}', project: { id: 'p', tags: ['x', 'y'] } },
    { id: 'b', name: 'escaped \\ backslash \\" and unicode é 🚀', nested: [[1, 2], { value: [9] }] },
    { id: 'c', empty: {}, list: [] },
  ],
  after: { value: ['not items'] },
};

describe('JsonListSplitter', () => {
  it.each([1, 2, 3, 7, 64, 100_000])('hands out each item of the top-level value array, in pieces of %i characters', size => {
    const text = JSON.stringify(LISTING, null, size % 2 === 0 ? 2 : 0);
    expect(split(text, size)).toEqual({ items: LISTING.value, valueFound: true });
  });

  it('hands out scalar items and skips a byte order mark', () => {
    expect(split('\uFEFF{"value": [1, "two", true, null, {"three": 3}], "count": 5}', 3)).toEqual({
      items: [1, 'two', true, null, { three: 3 }],
      valueFound: true,
    });
  });

  it('finds no value list in an answer without one, or with value not a list', () => {
    expect(split('{"count": 0}')).toEqual({ items: [], valueFound: false });
    expect(split('{"value": {"id": "a"}}')).toEqual({ items: [], valueFound: false });
    expect(split('{"value": []}')).toEqual({ items: [], valueFound: true });
  });

  it('fails on an answer cut off mid-way, or with text after its end', () => {
    expect(() => split('{"value": [{"id": "a"}, {"id": "b"')).toThrow(SyntaxError);
    expect(() => split('{"value": [{"id": "a"}]} trailing')).toThrow(SyntaxError);
    expect(() => split('{"value": [{"id": }]}')).toThrow(SyntaxError);
  });
});
