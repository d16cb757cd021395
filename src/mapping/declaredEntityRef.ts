import { DEFAULT_NAMESPACE } from '@backstage/catalog-model';
import { isRecord } from '../common/isRecord';
import { entityRefFromParts } from './entityRefFromValue';

/**
 * The ref a document of a catalog file declares, computed the same way wherever it is needed (the
 * repository's `spec.declaredEntities`, the entities `ingestEntities` emits), so the two always
 * agree on which document is which entity.
 *
 * @returns `undefined` for a document that is no entity (no kind or no name, as the catalog passes
 * them over); `{ invalid }` with the parts as written when the catalog's rules refuse the ref.
 */
export function declaredEntityRef(
  document: Record<string, unknown>,
): { ref: string } | { invalid: string } | undefined {
  const kind = document.kind;
  const metadata = document.metadata;
  if (typeof kind !== 'string' || kind.trim() === '' || !isRecord(metadata)) {
    return undefined;
  }
  const name = metadata.name;
  if (typeof name !== 'string' || name.trim() === '') {
    return undefined;
  }
  const parts = { kind: kind.trim(), namespace: documentNamespace(document) ?? DEFAULT_NAMESPACE, name: name.trim() };
  const ref = entityRefFromParts(parts);
  return ref === undefined ? { invalid: `${parts.kind}:${parts.namespace}/${parts.name}` } : { ref };
}

/** `metadata.namespace` of a document when it is a non-blank string, trimmed. */
export function documentNamespace(document: Record<string, unknown>): string | undefined {
  const metadata = document.metadata;
  if (!isRecord(metadata)) {
    return undefined;
  }
  const namespace = metadata.namespace;
  return typeof namespace === 'string' && namespace.trim() !== '' ? namespace.trim() : undefined;
}

/**
 * The first document declaring each of `refs`, in file order: all that ingesting a file's entities
 * needs of it, and so all that is worth keeping of it between syncs.
 */
export function documentsDeclaring(
  documents: ReadonlyArray<Record<string, unknown>>,
  refs: readonly string[],
): Array<Record<string, unknown>> {
  const wanted = new Set(refs);
  const kept: Array<Record<string, unknown>> = [];
  for (const document of documents) {
    const declared = declaredEntityRef(document);
    if (declared && 'ref' in declared && wanted.delete(declared.ref)) kept.push(document);
  }
  return kept;
}
