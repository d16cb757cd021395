import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCatalogDocument, buildCatalogFileYaml } from '../__testUtils__/builders';
import { LIMITS } from '../config/defaults';
import { catalogFileFromYaml } from './catalogFileFromYaml';

const PATH = 'catalog-info.yaml';

function fixture(name: string): string {
  return readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');
}

function parse(content: string) {
  return catalogFileFromYaml(content, { path: PATH });
}

describe('catalogFileFromYaml', () => {
  it.each([
    ['a single Component', fixture('single-component.yaml'), ['Component']],
    ['several documents, skipping empty and scalar ones', fixture('multi-document.yaml'), ['System', 'Component', 'API']],
    ['built documents', buildCatalogFileYaml(buildCatalogDocument(), buildCatalogDocument({ kind: 'API' })), ['Component', 'API']],
    ['an empty file', '', []],
    ['comments only', '# nothing here\n', []],
    ['a top-level list', '- kind: Component\n', []],
    ['a null document', '~\n', []],
    // Windows editors save UTF-8 with a byte order mark; the raw bytes reach here with it.
    ['a file behind a UTF-8 byte order mark', `\uFEFF${buildCatalogFileYaml(buildCatalogDocument())}`, ['Component']],
    ['JSON behind a UTF-8 byte order mark', `\uFEFF${JSON.stringify(buildCatalogDocument())}`, ['Component']],
  ])('parses %s into its mapping documents', (_name, content, kinds) => {
    const result = parse(content);

    expect(result.kind).toBe('parsed');
    expect(result.kind === 'parsed' && result.documents.map(document => document.kind)).toEqual(kinds);
  });

  it('keeps keys with dots as they are', () => {
    const result = parse(fixture('quoted-key-path.yaml'));

    expect(result).toMatchObject({
      kind: 'parsed',
      documents: [{ metadata: { annotations: { 'example.com/team': 'group:payments/team-a' } } }],
    });
  });

  it.each([
    ['an unclosed flow sequence', fixture('invalid.yaml'), /^catalog-info\.yaml: .+ at line \d+, column \d+$/],
    ['a duplicate key', fixture('duplicate-keys.yaml'), /^catalog-info\.yaml: Map keys must be unique at line 7, column 3$/],
    ['a tab indentation', 'metadata:\n\tname: x\n', /^catalog-info\.yaml: .+ at line 2/],
    ['an error in a later document', `${buildCatalogFileYaml(buildCatalogDocument())}---\nkey: "unterminated\n`, /^catalog-info\.yaml: .+ at line \d+/],
    ['an undefined alias', 'owner: *nowhere\n', /^catalog-info\.yaml: .+/],
  ])('reports %s as invalid, in one line naming the path', (_name, content, reason) => {
    const result = parse(content);

    expect(result).toEqual({ kind: 'invalid', reason: expect.stringMatching(reason) });
    expect(result.kind === 'invalid' && result.reason).not.toContain('\n');
  });

  describe('hostile input', () => {
    it('refuses a "billion laughs" alias bomb quickly and without expanding it', () => {
      const heapBefore = process.memoryUsage().heapUsed;
      const started = Date.now();

      const result = parse(fixture('alias-bomb.yaml'));

      expect(result).toEqual({ kind: 'invalid', reason: expect.stringContaining('alias') });
      expect(Date.now() - started).toBeLessThan(1_000);
      // 9^9 strings would be hundreds of MB; the refusal costs next to nothing.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
    });

    it('still accepts a few aliases', () => {
      const content = 'metadata:\n  labels: &labels { tier: gold }\nspec:\n  labels: *labels\n';

      expect(parse(content)).toEqual({
        kind: 'parsed',
        documents: [{ metadata: { labels: { tier: 'gold' } }, spec: { labels: { tier: 'gold' } } }],
      });
    });

    it.each([
      ['flow sequences', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'invalid'],
      ['flow mappings', `${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}`, 'invalid'],
      // Indentation grows by one space a level, so 700 levels already fill most of the size limit.
      ['block mappings', Array.from({ length: 700 }, (_, i) => `${' '.repeat(i)}a:\n`).join(''), 'parsed'],
    ])('returns a result, never throws, for deeply nested %s', (_name, content, kind) => {
      // Each fits the default size limit, so the client would hand it over to be parsed.
      expect(Buffer.byteLength(content)).toBeLessThanOrEqual(LIMITS.maxFileBytes.default);

      expect(parse(content).kind).toBe(kind);
    });

    it('does not let __proto__ keys reach the prototype', () => {
      const result = parse('__proto__: { polluted: true }\nmetadata: { name: x }\n');

      expect(result.kind).toBe('parsed');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const document = result.kind === 'parsed' ? result.documents[0] : undefined;
      expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
    });

    it('reads the "<<" merge key as a plain key, as Backstage does', () => {
      const result = parse('base: &base { owner: team-a }\nspec:\n  <<: *base\n');

      expect(result).toMatchObject({ kind: 'parsed', documents: [{ spec: { '<<': { owner: 'team-a' } } }] });
    });
  });
});
