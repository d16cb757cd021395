import { compileGlob, compileGlobs } from './compileGlobs';

/** A plainly correct (and slow) reference matcher to compare against. */
function referenceMatch(glob: string, name: string): boolean {
  if (glob === '') return name === '';
  if (glob[0] === '*') {
    return [...Array(name.length + 1).keys()].some(skip => referenceMatch(glob.slice(1), name.slice(skip)));
  }
  if (name === '') return false;
  const same = glob[0] === '?' || glob[0].toLowerCase() === name[0].toLowerCase();
  return same && referenceMatch(glob.slice(1), name.slice(1));
}

describe('compileGlob', () => {
  it.each([
    ['web', 'web', true],
    ['web', 'WEB', true],
    ['web', 'web-api', false],
    ['web', 'my-web', false],
    ['web-*', 'web-api', true],
    ['web-*', 'web-', true],
    ['web-*', 'web', false],
    ['*-api', 'payments-api', true],
    ['*-api', 'payments-api-old', false],
    ['*api*', 'legacy-API-v2', true],
    ['te?t', 'test', true],
    ['te?t', 'tet', false],
    ['te?t', 'teest', false],
    ['*', '', true],
    ['*', 'anything at all', true],
    ['**', 'x', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['*ab*ab', 'abab', true],
    ['*ab*ab', 'xabyabab', true],
    ['*aa', 'aaa', true],
    // Regular-expression characters are literal.
    ['a.b', 'a.b', true],
    ['a.b', 'axb', false],
    ['(a)+[b]{2}|c$^\\/', '(a)+[b]{2}|c$^\\/', true],
    ['Ümlaut*', 'ümlaut-repo', true],
  ])('%j against %j is %s', (glob, name, expected) => {
    expect(compileGlob(glob).test(name)).toBe(expected);
    expect(referenceMatch(glob, name)).toBe(expected);
  });

  it('agrees with the reference matcher on many star patterns', () => {
    const globs = ['*a*b', 'a*?*b', '*ab*ba*', '?*?', '*a?a*', 'b*a*a', '*b?*'];
    const names = ['', 'a', 'ab', 'ba', 'aab', 'abba', 'baab', 'ababab', 'bbaaab', 'aXbYa'];
    for (const glob of globs) {
      for (const name of names) {
        expect([glob, name, compileGlob(glob).test(name)]).toEqual([glob, name, referenceMatch(glob, name)]);
      }
    }
  });

  it.each([
    ['*'.repeat(50) + 'x', 'a'.repeat(10_000)],
    ['*a'.repeat(25) + '*b', 'a'.repeat(10_000)],
    ['?*'.repeat(25) + 'b', 'a'.repeat(10_000)],
  ])('cannot backtrack catastrophically on %j', (glob, name) => {
    const source = compileGlob(glob).source;
    // Only the last star may backtrack; every other one is matched once, inside a lookahead
    // (which never backtracks into itself). A naive `.*` per star would show up here as more.
    const backtrackingStars = source.match(/\[\\s\\S\]\*(?!\?)/g) ?? [];
    const atomicStars = source.match(/\(\?=\(\[\\s\\S\]\*\?/g) ?? [];
    expect(backtrackingStars).toHaveLength(1);
    expect(atomicStars).toHaveLength(glob.split(/\*+/).length - 2);
    expect(compileGlob(glob).test(name)).toBe(false);
  });
});

describe('compileGlobs', () => {
  it('keeps the patterns as configured, for logs', () => {
    const globs = compileGlobs(['web-*', 'API']);
    expect(globs.patterns).toEqual(['web-*', 'API']);
    expect(globs.expressions.map(expression => expression.test('api'))).toEqual([false, true]);
  });
});
