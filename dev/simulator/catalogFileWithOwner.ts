import { parseAllDocuments } from 'yaml';

/**
 * The catalog file with `spec.owner` set to `owner` in its first Component (or, without one, in
 * its first document), the way the module picks the entity whose owner counts. Everything else,
 * comments and the other documents included, stays as written.
 */
export function catalogFileWithOwner(yaml: string, owner: string): string {
  const documents = parseAllDocuments(yaml);
  if (documents.length === 0) throw new Error('The catalog file holds no YAML document');
  const erroneous = documents.find(document => document.errors.length > 0);
  if (erroneous) throw new Error(`The catalog file is not valid YAML: ${erroneous.errors[0].message}`);
  const target = documents.find(document => document.get('kind') === 'Component') ?? documents[0];
  target.setIn(['spec', 'owner'], owner);
  return documents.map(document => document.toString()).join('');
}
