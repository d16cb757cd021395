import { DEFAULT_NAMESPACE } from '@backstage/catalog-model';
import { isRecord } from '../common/isRecord';
import type { ApplicationContextAttribute, ApplicationContextAttributeId } from '../config/types';
import { declaredEntityRef, documentNamespace } from './declaredEntityRef';
import { quoted } from './quoted';
import type { ApplicationContext } from './RepositoryEntity';

/** Options of {@link applicationContextFromDocuments}. */
export interface ApplicationContextFromDocumentsOptions {
  /** Path of the catalog file from the repository root; becomes `applicationContext.path`. */
  path: string;
  /** The attributes the profile selects, with their field paths already split into segments. */
  attributes: ApplicationContextAttribute[];
}

/** An attribute whose field held something other than a non-empty string. */
export interface IgnoredAttribute {
  attribute: ApplicationContextAttributeId;
  /** Why it was ignored, naming the field path; safe to log (no file content beyond a type). */
  reason: string;
}

/** What a catalog file contributes to its repository's entity. */
export interface CatalogFileFacts {
  /** Undefined when none of the selected attributes was found. */
  context?: ApplicationContext;
  /**
   * `metadata.namespace` of the document the context came from, else `default`: shorthand owner
   * and system refs resolve in it, as they would on that Component.
   */
  namespace: string;
  /** Attributes found but not usable; the caller logs them at debug level. */
  ignored: IgnoredAttribute[];
  /**
   * Full refs of every entity the file declares (any kind), in file order, without duplicates;
   * only refs the catalog's rules allow, so that one bad document cannot get the repository's own
   * entity refused.
   */
  declaredEntities: string[];
  /** What was left out because the file got it wrong, one line each; the caller logs them as warnings. */
  warnings: string[];
}

/** The keys of {@link ApplicationContext} that attributes fill. */
type ContextValueKey = Exclude<keyof ApplicationContext, 'source' | 'path'>;

/** Which key of {@link ApplicationContext} each attribute lands on. */
const CONTEXT_KEY_BY_ATTRIBUTE: Readonly<Record<ApplicationContextAttributeId, ContextValueKey>> = {
  catalogName: 'name',
  title: 'title',
  category: 'category',
  lifecycle: 'lifecycle',
  owner: 'owner',
  application: 'application',
  description: 'description',
};

/** The kind whose document carries the application context when a file declares several. */
const CONTEXT_KIND = 'Component';

/**
 * Most UTF-8 bytes of one attribute value. Names and refs are far shorter; a title of a kilobyte is
 * already no title. Every value lands on the entity and in memory until the next sync.
 */
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;

/**
 * Most entity documents of one file that count, valid or not: the first ones in file order. It
 * bounds the links and ingested entities of a repository, the warnings a file can cause each
 * sync, and what is kept of it between syncs.
 */
export const MAX_DECLARED_ENTITIES = 100;

/**
 * Extracts the application context and the declared entities from the mapping documents of a
 * catalog file. Pure; never throws for data problems.
 *
 * The context comes from the first document of kind `Component` (compared case-sensitively, as
 * Backstage compares kinds in catalog files), else from the first document. Only the selected
 * attributes are read, each by its field path; a value must be a non-empty string (trimmed) to be
 * taken, anything else is reported in `ignored`.
 *
 * @param documents - Mapping documents in file order, as `catalogFileFromYaml` returns them.
 * @param options - File path and selected attributes.
 */
export function applicationContextFromDocuments(
  documents: ReadonlyArray<Record<string, unknown>>,
  options: ApplicationContextFromDocumentsOptions,
): CatalogFileFacts {
  const { declaredEntities, warnings } = declaredEntityRefs(documents);
  const chosen = documents.find(document => document.kind === CONTEXT_KIND) ?? documents[0];
  if (!chosen) {
    return { namespace: DEFAULT_NAMESPACE, ignored: [], declaredEntities, warnings };
  }

  const found: Partial<Record<ContextValueKey, string>> = {};
  const ignored: IgnoredAttribute[] = [];
  for (const attribute of options.attributes) {
    const key = CONTEXT_KEY_BY_ATTRIBUTE[attribute.id];
    // A profile listing one attribute twice keeps the first path that yields a value.
    if (found[key] !== undefined) {
      continue;
    }
    const lookup = valueAtPath(chosen, attribute.segments);
    if (!lookup.found) {
      continue;
    }
    const value = lookup.value;
    if (typeof value !== 'string') {
      ignored.push({
        attribute: attribute.id,
        reason: `${attribute.path} is ${describeType(value)}, not a string`,
      });
    } else if (value.trim() === '') {
      ignored.push({ attribute: attribute.id, reason: `${attribute.path} is an empty string` });
    } else if (Buffer.byteLength(value.trim(), 'utf8') > MAX_ATTRIBUTE_VALUE_BYTES) {
      // Left out rather than cut: a cut owner or system could name another, real entity, and a cut
      // title would pass for the real one; without the value, defaultOwner or the repository name
      // fill in, and those are known to be right.
      warnings.push(
        `${attribute.path} is ${Buffer.byteLength(value.trim(), 'utf8')} bytes, more than the limit of ${MAX_ATTRIBUTE_VALUE_BYTES}; left out`,
      );
    } else {
      found[key] = value.trim();
    }
  }

  const namespace = documentNamespace(chosen) ?? DEFAULT_NAMESPACE;
  if (Object.keys(found).length === 0) {
    return { namespace, ignored, declaredEntities, warnings };
  }
  return {
    context: { ...found, source: 'Backstage', path: options.path },
    namespace,
    ignored,
    declaredEntities,
    warnings,
  };
}

/**
 * Walks own properties of plain objects only: an array index or a property of a string is not a
 * field of a catalog file, and inherited properties (`constructor`, `__proto__`) must never match.
 */
function valueAtPath(
  document: Record<string, unknown>,
  segments: readonly string[],
): { found: true; value: unknown } | { found: false } {
  let current: unknown = document;
  for (const segment of segments) {
    if (!isRecord(current) || !Object.prototype.hasOwnProperty.call(current, segment)) {
      return { found: false };
    }
    current = current[segment];
  }
  return { found: true, value: current };
}

/**
 * Documents without a kind or a name are not entities and are passed over silently, as the catalog
 * does; an entity whose ref breaks the catalog's rules (a name with spaces, over 63 characters, a
 * namespace with capitals or underscores), or that an earlier document already declares, is left
 * out with a warning.
 *
 * Past {@link MAX_DECLARED_ENTITIES} entity documents the list is cut, with one warning: cut rather
 * than dropped, because every ref kept is still one the file truly declares, and file order keeps
 * the same ones from sync to sync; a big file loses its tail, not all of its links.
 */
function declaredEntityRefs(documents: ReadonlyArray<Record<string, unknown>>): {
  declaredEntities: string[];
  warnings: string[];
} {
  const refs = new Set<string>();
  const warnings: string[] = [];
  let count = 0;
  for (const document of documents) {
    const declared = declaredEntityRef(document);
    if (declared === undefined) {
      continue;
    }
    count++;
    if (count > MAX_DECLARED_ENTITIES) {
      continue;
    }
    if ('invalid' in declared) {
      warnings.push(`declared entity ${quoted(declared.invalid)} is not a valid entity ref; left out`);
    } else if (refs.has(declared.ref)) {
      warnings.push(`declared entity ${declared.ref} is declared twice; the first one is kept`);
    } else {
      refs.add(declared.ref);
    }
  }
  if (count > MAX_DECLARED_ENTITIES) {
    warnings.push(
      `the file declares ${count} entities, more than the limit of ${MAX_DECLARED_ENTITIES}; the rest are left out`,
    );
  }
  return { declaredEntities: [...refs], warnings };
}

function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'a mapping';
  }
  return `a ${typeof value}`;
}
