/**
 * Field paths name a value inside a catalog file, e.g. `spec.owner`.
 *
 * Segments are separated by dots. Annotation and label keys often contain dots themselves
 * (`example.com/team`), so a segment may be wrapped in double quotes, inside which a dot is part
 * of the key: `metadata.annotations."example.com/team"`. There are no escapes: a quoted segment
 * cannot contain a double quote, and an unquoted one cannot contain a quote at all.
 */

/**
 * Splits a field path into its segments, quotes removed.
 *
 * @example `parseFieldPath('metadata.annotations."example.com/team"')` gives
 * `['metadata', 'annotations', 'example.com/team']`.
 * @throws Error naming what is wrong and where, when the path is empty, has an empty segment,
 * unbalanced quotes or text after a closing quote.
 */
export function parseFieldPath(path: string): string[] {
  if (path === '') {
    throw new Error('field path must not be empty');
  }
  const segments: string[] = [];
  let index = 0;
  for (;;) {
    let segment: string;
    if (path[index] === '"') {
      const close = path.indexOf('"', index + 1);
      if (close === -1) {
        throw new Error(`unbalanced quote at character ${index + 1} of field path ${quote(path)}`);
      }
      segment = path.slice(index + 1, close);
      index = close + 1;
      if (index < path.length && path[index] !== '.') {
        throw new Error(
          `expected "." after the quoted segment at character ${index + 1} of field path ${quote(path)}`,
        );
      }
    } else {
      const dot = path.indexOf('.', index);
      const end = dot === -1 ? path.length : dot;
      segment = path.slice(index, end);
      if (segment.includes('"')) {
        throw new Error(
          `a quote may only wrap a whole segment, in segment ${quote(segment)} of field path ${quote(path)}`,
        );
      }
      // A stray space would silently never match a key, so make the author say it on purpose.
      if (segment !== segment.trim()) {
        throw new Error(
          `segment ${quote(segment)} of field path ${quote(path)} starts or ends with a space; quote it if the key really does`,
        );
      }
      index = end;
    }
    if (segment === '') {
      throw new Error(
        `empty segment (a dot at the start or end, two dots in a row, or "") in field path ${quote(path)}`,
      );
    }
    segments.push(segment);
    if (index >= path.length) {
      return segments;
    }
    index += 1; // the dot; a path ending in a dot then yields an empty segment above
  }
}

/** Single quotes, because field paths use double ones. */
function quote(text: string): string {
  return `'${text}'`;
}
