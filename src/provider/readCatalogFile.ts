import { createHash } from 'node:crypto';
import type { AzureDevOpsApi, AzureDevOpsErrorKind, AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { AzureDevOpsError } from '../client/AzureDevOpsError';
import type { BackstageCatalogOptions } from '../config/types';
import {
  applicationContextFromDocuments,
  type CatalogFileFacts,
} from '../mapping/applicationContextFromDocuments';
import { catalogFileFromYaml } from '../mapping/catalogFileFromYaml';
import { documentsDeclaring } from '../mapping/declaredEntityRef';

/** What one repository's catalog file contributes to its entity this sync. */
export type CatalogFileOutcome =
  /** Nothing to read (the option is off, or the repository is empty), or no file there: no context. */
  | { kind: 'absent'; reason: string }
  /**
   * The file was read and parsed. `documents` only with `ingestEntities`, and then only the first
   * document of each declared entity: nothing else of the file is needed again, this sync or the next.
   * `fileId` is the Git blob id of the file's text: which version of the file the facts come from.
   */
  | { kind: 'read'; facts: CatalogFileFacts; documents?: Array<Record<string, unknown>>; fileId?: string }
  /**
   * The file is there but cannot be used (does not parse, too large, a broker will not let it
   * through, a lasting read failure): no context, one warning.
   */
  | { kind: 'unusable'; reason: string }
  /** The repository disappeared between listing and reading. */
  | { kind: 'repositoryGone' }
  /**
   * Reading failed; the last known context, if any, must be kept. `transient` failures (throttling,
   * 5xx, timeouts, network) may pass by the next sync; the others (403, a 404 that is no Azure
   * DevOps error, such as a proxy's HTML page, an answer that is no file) will not, so they never
   * hold a repository back.
   */
  | { kind: 'failed'; error: AzureDevOpsError; transient: boolean };

/** Failures that may be gone by the next sync. */
const TRANSIENT_KINDS: ReadonlySet<AzureDevOpsErrorKind> = new Set(['throttled', 'serverError', 'timeout', 'network']);

/** A rejected token, or a pause longer than allowed: no later read can succeed in this sync. */
const SYNC_STOPPING_KINDS: ReadonlySet<AzureDevOpsErrorKind> = new Set(['unauthorized', 'throttledTooLong']);

/**
 * Reads and parses one repository's catalog file. Never throws for data problems; rethrows only
 * the failures that make every other read fail too (`SYNC_STOPPING_KINDS`) and must abort the sync.
 * A read a broker blocks is no rejected token: it is this file the broker's accept rules leave
 * out, a lasting configuration matter, so the repository goes on without context rather than
 * waiting on a last known state (which would keep every later sync a delta one).
 */
export async function readCatalogFile(
  api: AzureDevOpsApi,
  repository: AzureDevOpsRepository,
  options: BackstageCatalogOptions,
): Promise<CatalogFileOutcome> {
  if (!options.enabled) return { kind: 'absent', reason: 'Add Backstage Catalog is off' };
  if (!repository.defaultBranch) return { kind: 'absent', reason: 'the repository is empty' };
  // Azure DevOps refuses every read of a disabled repository's content (TF401019, as if it were gone).
  if (repository.isDisabled) return { kind: 'absent', reason: 'the repository is disabled' };

  let result;
  try {
    result = await api.readFile({
      project: repository.project.name,
      repositoryId: repository.id,
      path: options.filename,
      branch: repository.defaultBranch,
      maxBytes: options.maxFileBytes,
    });
  } catch (error) {
    if (error instanceof AzureDevOpsError && error.kind === 'blocked') return { kind: 'unusable', reason: error.message };
    if (error instanceof AzureDevOpsError && !SYNC_STOPPING_KINDS.has(error.kind)) {
      return { kind: 'failed', error, transient: TRANSIENT_KINDS.has(error.kind) };
    }
    throw error;
  }

  switch (result.kind) {
    case 'missing':
      return { kind: 'absent', reason: `no ${options.filename} on ${repository.defaultBranch}` };
    case 'emptyRepository':
      return { kind: 'absent', reason: 'the repository has no branches' };
    case 'branchMissing':
      return { kind: 'absent', reason: `the default branch ${repository.defaultBranch} does not resolve` };
    case 'repositoryMissing':
      return { kind: 'repositoryGone' };
    case 'tooLarge':
      return { kind: 'unusable', reason: `the file has ${result.atLeast ? 'at least ' : ''}${result.bytes} bytes, more than the limit of ${options.maxFileBytes}` };
    case 'found': {
      const parsed = catalogFileFromYaml(result.content, { path: options.filename });
      if (parsed.kind === 'invalid') return { kind: 'unusable', reason: `the file does not parse: ${parsed.reason}` };
      const facts = applicationContextFromDocuments(parsed.documents, {
        path: options.filename,
        attributes: options.attributes,
      });
      const fileId = gitBlobId(result.content);
      if (!options.ingestEntities) return { kind: 'read', facts, fileId };
      return { kind: 'read', facts, documents: documentsDeclaring(parsed.documents, facts.declaredEntities), fileId };
    }
  }
}

/** The id Git gives the file's text as a blob: the same file on any branch or commit has the same one. */
function gitBlobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
