import { parseFieldPath } from './fieldPath';

describe('parseFieldPath', () => {
  it.each([
    ['metadata.name', ['metadata', 'name']],
    ['spec.owner', ['spec', 'owner']],
    ['name', ['name']],
    ['metadata.annotations."example.com/team"', ['metadata', 'annotations', 'example.com/team']],
    ['"a.b"', ['a.b']],
    ['"a.b"."c.d"', ['a.b', 'c.d']],
    ['metadata."labels".team', ['metadata', 'labels', 'team']],
    ['spec."my key"', ['spec', 'my key']],
    ['spec.my key', ['spec', 'my key']],
  ])('parses %j', (path, segments) => {
    expect(parseFieldPath(path)).toEqual(segments);
  });

  it.each([
    ['', /must not be empty/],
    ['.name', /empty segment/],
    ['metadata.', /empty segment/],
    ['metadata..name', /empty segment/],
    ['metadata.""', /empty segment/],
    ['metadata."annotations', /unbalanced quote at character 10/],
    ['metadata.annotations"', /a quote may only wrap a whole segment/],
    ['metadata.anno"tations".x', /a quote may only wrap a whole segment/],
    ['"a"b', /expected "\." after the quoted segment/],
    ['metadata. name', /starts or ends with a space/],
    ['metadata.name ', /starts or ends with a space/],
  ])('rejects %j', (path, message) => {
    expect(() => parseFieldPath(path)).toThrow(message);
  });
});
