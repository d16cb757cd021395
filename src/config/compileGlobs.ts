import type { NameGlobs } from './types';

/**
 * Compiles name globs (`*` for any run of characters, `?` for one character) into anchored,
 * case-insensitive regular expressions. Every other character is literal.
 *
 * A naive translation of `*` to `.*` backtracks polynomially in the number of stars: a glob such
 * as `*a*a*a*a*a*a*b` against a long run of `a`s tries every way to place each `.*`. Here the
 * part between two stars is matched at its earliest occurrence only and never reconsidered,
 * which is always enough for globs: if a later occurrence leads to a match, so does the earliest,
 * because the following star can absorb the difference. JavaScript has no atomic groups, so the
 * earliest occurrence is found inside a lookahead (lookarounds never backtrack into themselves)
 * and then consumed through a backreference.
 */

/** Compiles a list of globs; the caller has already refused empty ones. */
export function compileGlobs(patterns: string[]): NameGlobs {
  return { patterns: [...patterns], expressions: patterns.map(compileGlob) };
}

/** Compiles one glob into an anchored, case-insensitive expression that cannot backtrack badly. */
export function compileGlob(glob: string): RegExp {
  // Runs of stars mean the same as one star.
  const parts = glob.split(/\*+/).map(partSource);
  if (parts.length === 1) {
    return new RegExp(`^${parts[0]}$`, 'i');
  }
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts
    .slice(1, -1)
    .map((part, index) => `(?=([\\s\\S]*?${part}))\\${index + 1}`)
    .join('');
  return new RegExp(`^${first}${middle}[\\s\\S]*${last}$`, 'i');
}

/** The regular expression source of the text between two stars: `?` is any one character. */
function partSource(part: string): string {
  return [...part]
    .map(character => (character === '?' ? '[\\s\\S]' : character.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
}
