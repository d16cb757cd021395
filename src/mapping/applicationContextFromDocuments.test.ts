import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAttribute, buildAttributes, buildCatalogDocument } from '../__testUtils__/builders';
import type { ApplicationContextAttribute } from '../config/types';
import { applicationContextFromDocuments, MAX_ATTRIBUTE_VALUE_BYTES, MAX_DECLARED_ENTITIES } from './applicationContextFromDocuments';
import { catalogFileFromYaml } from './catalogFileFromYaml';

const PATH = 'catalog-info.yaml';

function extract(
  documents: Array<Record<string, unknown>>,
  attributes: ApplicationContextAttribute[] = buildAttributes(),
) {
  return applicationContextFromDocuments(documents, { path: PATH, attributes });
}

function fixtureDocuments(name: string): Array<Record<string, unknown>> {
  const content = readFileSync(join(__dirname, '..', '__fixtures__', name), 'utf8');
  const file = catalogFileFromYaml(content, { path: PATH });
  if (file.kind !== 'parsed') {
    throw new Error(`fixture ${name} does not parse: ${JSON.stringify(file)}`);
  }
  return file.documents;
}

describe('applicationContextFromDocuments', () => {
  it('takes all seven attributes from a single Component', () => {
    const document = buildCatalogDocument({ metadata: { description: 'Takes card payments.\n' } });
    expect(extract([document])).toEqual({
      context: {
        name: 'payments-api',
        title: 'Payments API',
        category: 'service',
        lifecycle: 'production',
        owner: 'team-a',
        application: 'payments',
        description: 'Takes card payments.',
        source: 'Backstage',
        path: PATH,
      },
      namespace: 'default',
      ignored: [],
      declaredEntities: ['component:default/payments-api'],
      warnings: [],
    });
  });

  it.each([
    [
      'the Component even when a System comes first',
      'multi-document.yaml',
      { name: 'payments-api', title: 'Payments API', owner: 'team-a' },
      'payments',
    ],
    [
      'the first document when none is a Component',
      'no-component.yaml',
      { name: 'payments-db', title: 'Payments database', category: 'database', owner: 'group:default/dba' },
      'default',
    ],
  ])('reads the context from %s', (_name, fixture, context, namespace) => {
    const result = extract(fixtureDocuments(fixture));

    expect(result.context).toMatchObject({ ...context, source: 'Backstage', path: PATH });
    expect(result.namespace).toBe(namespace);
  });

  it.each([
    ['lower-case kind', 'component'],
    ['upper-case kind', 'COMPONENT'],
  ])('matches the Component kind case-sensitively, as Backstage does (%s)', (_name, kind) => {
    const result = extract([
      buildCatalogDocument({ kind: 'System', metadata: { name: 'first' } }),
      buildCatalogDocument({ kind, metadata: { name: 'second' } }),
    ]);

    expect(result.context?.name).toBe('first');
  });

  it.each([
    ['a number', { owner: 42 }, 'owner', 'spec.owner is a number, not a string'],
    ['a boolean', { lifecycle: true }, 'lifecycle', 'spec.lifecycle is a boolean, not a string'],
    ['null', { system: null }, 'application', 'spec.system is null, not a string'],
    ['a list', { type: ['service'] }, 'category', 'spec.type is a list, not a string'],
    ['an empty string', { owner: '' }, 'owner', 'spec.owner is an empty string'],
    ['blanks only', { owner: '   ' }, 'owner', 'spec.owner is an empty string'],
  ])('ignores %s with a reason', (_name, spec, attribute, reason) => {
    const result = extract([buildCatalogDocument({ spec })]);

    expect(result.ignored).toEqual([{ attribute, reason }]);
    // For these attributes the context key is the attribute id.
    expect(result.context).not.toHaveProperty(attribute);
  });

  it('ignores an object title with a reason and keeps the other attributes', () => {
    const result = extract([buildCatalogDocument({ metadata: { title: { en: 'Payments' } } })]);

    expect(result.ignored).toEqual([{ attribute: 'title', reason: 'metadata.title is a mapping, not a string' }]);
    expect(result.context).toMatchObject({ name: 'payments-api', owner: 'team-a' });
    expect(result.context).not.toHaveProperty('title');
  });

  it('trims values', () => {
    const result = extract([buildCatalogDocument({ spec: { owner: '  team-a \n' } })]);

    expect(result.context?.owner).toBe('team-a');
  });

  it.each([
    ['only the selected attributes', [buildAttribute('owner')], { owner: 'team-a' }],
    ['a custom path', [buildAttribute('lifecycle', 'metadata.labels.stage')], { lifecycle: 'beta' }],
    [
      'a quoted path segment with dots',
      [buildAttribute('owner', 'metadata.annotations."example.com/team"')],
      { owner: 'group:payments/team-a' },
    ],
    ['a path through a list (not found)', [buildAttribute('owner', 'spec.owners.0')], undefined],
    ['a path through a string (not found)', [buildAttribute('owner', 'spec.owner.length')], undefined],
    ['an inherited property (not found)', [buildAttribute('owner', 'spec.constructor')], undefined],
    ['a missing path', [buildAttribute('owner', 'spec.team')], undefined],
  ])('reads %s', (_name, attributes, context) => {
    const document = buildCatalogDocument({
      metadata: {
        labels: { stage: 'beta' },
        annotations: { 'example.com/team': 'group:payments/team-a', example: { com: 'wrong' } },
      },
      spec: { owners: ['team-a'] },
    });

    const result = extract([document], attributes);

    expect(result.context).toEqual(context && { ...context, source: 'Backstage', path: PATH });
    expect(result.ignored).toEqual([]);
  });

  it('reads the quoted-key fixture by its annotation, not by spec.owner', () => {
    const result = extract(fixtureDocuments('quoted-key-path.yaml'), [
      buildAttribute('owner', 'metadata.annotations."example.com/team"'),
    ]);

    expect(result.context?.owner).toBe('group:payments/team-a');
  });

  it.each([
    ['metadata.namespace', { namespace: 'payments' }, 'payments'],
    ['no namespace', {}, 'default'],
    ['a non-string namespace', { namespace: 7 }, 'default'],
    ['an empty namespace', { namespace: '' }, 'default'],
  ])('takes the namespace from %s of the chosen document', (_name, metadata, namespace) => {
    expect(extract([buildCatalogDocument({ metadata })]).namespace).toBe(namespace);
  });

  it('has no context when no selected attribute is found, but still the namespace and declarations', () => {
    const result = extract(
      [buildCatalogDocument({ metadata: { namespace: 'payments' } })],
      [buildAttribute('owner', 'spec.team')],
    );

    expect(result).toEqual({
      namespace: 'payments',
      ignored: [],
      declaredEntities: ['component:payments/payments-api'],
      warnings: [],
    });
  });

  it('has nothing for a file without documents', () => {
    expect(extract([])).toEqual({ namespace: 'default', ignored: [], declaredEntities: [], warnings: [] });
  });

  it.each([
    ['every kind, each in its own namespace', 'multi-document.yaml', [
      'system:default/payments',
      'component:payments/payments-api',
      'api:default/payments-openapi',
    ]],
    ['a file without a Component', 'no-component.yaml', ['resource:default/payments-db', 'system:default/payments']],
  ])('declares %s', (_name, fixture, refs) => {
    expect(extract(fixtureDocuments(fixture)).declaredEntities).toEqual(refs);
  });

  it.each([
    ['no kind', { kind: undefined }],
    ['a non-string kind', { kind: 3 }],
    ['no metadata', { metadata: undefined }],
    ['a non-string name', { metadata: { name: ['x'] } }],
    ['an empty name', { metadata: { name: ' ' } }],
  ])('does not declare a document with %s', (_name, override) => {
    const document = { ...buildCatalogDocument(), ...override };

    expect(extract([document]).declaredEntities).toEqual([]);
  });

  it.each([
    ['a name with spaces', { metadata: { name: 'my service' } }, 'Component:default/my service'],
    ['a name of 70 characters', { metadata: { name: 'a'.repeat(70) } }, `Component:default/${'a'.repeat(70)}`],
    ['a name with a slash', { metadata: { name: 'team/a' } }, 'Component:default/team/a'],
    ['a namespace with an underscore', { metadata: { namespace: 'bad_ns' } }, 'Component:bad_ns/payments-api'],
    ['a namespace of 64 characters', { metadata: { namespace: 'n'.repeat(64) } }, `Component:${'n'.repeat(64)}/payments-api`],
    ['a kind with a dash', { kind: 'My-Kind' }, 'My-Kind:default/payments-api'],
    ['a control character in the name', { metadata: { name: 'evil\nline' } }, 'Component:default/evil\nline'],
  ])('leaves out a declared entity with %s, with one warning, and keeps the rest', (_name, overrides, shown) => {
    const bad = buildCatalogDocument(overrides);
    const good = buildCatalogDocument({ kind: 'API', metadata: { name: 'payments-openapi' } });

    const result = extract([good, bad]);

    expect(result.declaredEntities).toEqual(['api:default/payments-openapi']);
    expect(result.warnings).toEqual([`declared entity ${JSON.stringify(shown)} is not a valid entity ref; left out`]);
  });

  it('cuts a long invalid name in its warning', () => {
    const result = extract([buildCatalogDocument({ metadata: { name: 'x '.repeat(5000) } })]);

    expect(result.warnings).toEqual([
      `declared entity ${JSON.stringify(`Component:default/${'x '.repeat(41)}…`)} is not a valid entity ref; left out`,
      'metadata.name is 9999 bytes, more than the limit of 1024; left out',
    ]);
  });

  it('declares each entity once, with a warning for the repeat', () => {
    const document = buildCatalogDocument();

    const result = extract([document, { ...document, kind: 'COMPONENT' }]);

    expect(result.declaredEntities).toEqual(['component:default/payments-api']);
    expect(result.warnings).toEqual(['declared entity component:default/payments-api is declared twice; the first one is kept']);
  });

  describe('bounds', () => {
    const components = (count: number) =>
      Array.from({ length: count }, (_, index) => buildCatalogDocument({ metadata: { name: `c-${index}` } }));

    it.each([
      ['exactly the limit', MAX_DECLARED_ENTITIES, MAX_DECLARED_ENTITIES, []],
      [
        'one over the limit',
        MAX_DECLARED_ENTITIES + 1,
        MAX_DECLARED_ENTITIES,
        ['the file declares 101 entities, more than the limit of 100; the rest are left out'],
      ],
      ['5000 entities', 5000, MAX_DECLARED_ENTITIES, ['the file declares 5000 entities, more than the limit of 100; the rest are left out']],
    ])('cuts the declared entities at 100, in file order, with one warning: %s', (_name, count, kept, warnings) => {
      const result = extract(components(count));

      expect(result.declaredEntities).toHaveLength(kept);
      expect(result.declaredEntities[0]).toBe('component:default/c-0');
      expect(result.declaredEntities.at(-1)).toBe(`component:default/c-${kept - 1}`);
      expect(result.warnings).toEqual(warnings);
      expect(result.context?.name).toBe('c-0');
    });

    it('counts invalid and repeated entity documents toward the limit, so warnings stay bounded too', () => {
      const invalid = Array.from({ length: 5000 }, () => buildCatalogDocument({ metadata: { name: 'not valid' } }));

      const result = extract([...invalid, ...components(1)]);

      expect(result.declaredEntities).toEqual([]);
      expect(result.warnings).toHaveLength(MAX_DECLARED_ENTITIES + 1);
      expect(result.warnings.at(-1)).toBe('the file declares 5001 entities, more than the limit of 100; the rest are left out');
    });

    it.each([
      ['1024 ASCII characters', 'a'.repeat(1024), true],
      ['512 two-byte characters (1024 bytes)', 'é'.repeat(512), true],
      ['surrounding blanks beyond the limit, trimmed', ` ${'a'.repeat(1024)} `, true],
      ['1025 ASCII characters', 'a'.repeat(1025), false],
      ['513 two-byte characters (1026 bytes)', 'é'.repeat(513), false],
      ['342 three-byte characters (1026 bytes)', '日'.repeat(342), false],
    ])('takes an attribute value of at most 1 KiB of UTF-8: %s', (_name, title, taken) => {
      const result = extract([buildCatalogDocument({ metadata: { title } })]);

      expect(result.context?.title).toBe(taken ? title.trim() : undefined);
      expect(result.context?.owner).toBe('team-a');
      expect(result.warnings).toEqual(
        taken ? [] : [`metadata.title is ${Buffer.byteLength(title, 'utf8')} bytes, more than the limit of ${MAX_ATTRIBUTE_VALUE_BYTES}; left out`],
      );
    });

    it('leaves every over-long attribute out, with one warning each, and no context when none is left', () => {
      const long = 'x'.repeat(2000);
      const result = extract([buildCatalogDocument({ metadata: { name: long, title: long }, spec: { owner: long } })], [
        buildAttribute('catalogName'),
        buildAttribute('title'),
        buildAttribute('owner'),
      ]);

      expect(result.context).toBeUndefined();
      expect(result.warnings).toEqual([
        `declared entity ${JSON.stringify(`Component:default/${'x'.repeat(82)}…`)} is not a valid entity ref; left out`,
        'metadata.name is 2000 bytes, more than the limit of 1024; left out',
        'metadata.title is 2000 bytes, more than the limit of 1024; left out',
        'spec.owner is 2000 bytes, more than the limit of 1024; left out',
      ]);
    });
  });

  it('does not modify the documents', () => {
    const documents = [buildCatalogDocument({ spec: { owner: ' team-a ' } })];
    const before = structuredClone(documents);

    extract(documents);

    expect(documents).toEqual(before);
  });
});
