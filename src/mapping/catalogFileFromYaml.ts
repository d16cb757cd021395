/*
 * Parses a repository's catalog file without trusting it.
 *
 * The file comes from any repository of the organization, so anyone with push rights to one of them
 * controls its bytes. Besides the size limit, which the client applies before the content reaches
 * here, two things keep a hostile file from hurting the backend:
 *
 * - Aliases are bounded (`maxAliasCount`): the `yaml` package shares aliased nodes while building
 *   JavaScript values, but an exponential alias tree ("billion laughs") would still explode the first
 *   time anything walks or serializes the result. The library refuses it with a ReferenceError.
 * - Deep nesting is refused by the library (`RESOURCE_EXHAUSTION`), and a RangeError from a stack
 *   overflow is caught as a last resort, so no input can crash a sync.
 *
 * Options follow Backstage's own `parseEntityYaml`: YAML 1.2 core schema and no `<<` merge keys, so
 * the module reads a file the way the catalog itself would.
 */
import { parseAllDocuments, type YAMLError } from 'yaml';
import { isRecord } from '../common/isRecord';

/** How many alias expansions one document may cost. Plain catalog files use none or a few. */
const MAX_ALIAS_COUNT = 50;

/**
 * What a catalog file turned out to be.
 *
 * - `parsed`: every document parsed; `documents` holds those whose root is a mapping, in file order.
 * - `invalid`: the file is not usable YAML; `reason` is one line, safe to log.
 */
export type CatalogFile =
  | { kind: 'parsed'; documents: Array<Record<string, unknown>> }
  | { kind: 'invalid'; reason: string };

/** Options of {@link catalogFileFromYaml}. */
export interface CatalogFileFromYamlOptions {
  /** Path of the file from the repository root, used in `reason`. */
  path: string;
}

/**
 * Parses the content of a catalog file into its mapping documents. Never throws: every problem of
 * the input is a result.
 *
 * @param content - The file content, decoded as UTF-8.
 * @param options - Path, for messages.
 */
export function catalogFileFromYaml(content: string, options: CatalogFileFromYamlOptions): CatalogFile {
  try {
    const parsed = parseAllDocuments(content, { uniqueKeys: true });
    const documents: Array<Record<string, unknown>> = [];
    for (const document of parsed) {
      const firstError = document.errors[0];
      if (firstError) {
        return { kind: 'invalid', reason: `${options.path}: ${describeYamlError(firstError)}` };
      }
      const value: unknown = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      // Scalars, lists and empty documents (`---` alone) cannot be entities: skip them as
      // Backstage does with null documents, rather than refusing the whole file.
      if (isPlainObject(value)) {
        documents.push(value);
      }
    }
    return { kind: 'parsed', documents };
  } catch (error) {
    // ReferenceError: too many aliases; RangeError: a stack overflow on pathological nesting.
    // Anything else thrown by the parser is just as much a property of the input.
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'invalid', reason: `${options.path}: ${firstLine(message)}` };
  }
}

/**
 * `yaml` errors read "Map keys must be unique at line 2, column 1:" followed by a code frame of the
 * offending lines; only the first line is kept so a log line stays one line and quotes no content.
 */
function describeYamlError(error: YAMLError): string {
  const line = firstLine(error.message).replace(/:$/, '');
  const position = error.linePos?.[0];
  if (position && !line.includes(' at line ')) {
    return `${line} at line ${position.line}, column ${position.col}`;
  }
  return line;
}

function firstLine(message: string): string {
  const newline = message.indexOf('\n');
  return (newline === -1 ? message : message.slice(0, newline)).trim();
}

/** A mapping as plain data: not a Map, Set or other object a custom YAML tag could build. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
