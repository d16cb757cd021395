import type { AzureDevOpsApi, AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { AzureDevOpsError } from '../client/AzureDevOpsError';
import type { BackstageCatalogOptions } from '../config/types';
import {
  applicationContextFromDocuments,
  type CatalogFileFacts,
} from '../mapping/applicationContextFromDocuments';
import { catalogFileFromYaml } from '../mapping/catalogFileFromYaml';

/** What one repository's catalog file contributes to its entity this sync. */
export type CatalogFileOutcome =
  /** Nothing to read (the option is off, or the repository is empty), or no file there: no context. */
  | { kind: 'absent'; reason: string }
  /** The file was read and parsed. */
  | { kind: 'read'; facts: CatalogFileFacts; documents: Array<Record<string, unknown>> }
  /** The file is there but cannot be used (does not parse, too large): no context, one warning. */
  | { kind: 'unusable'; reason: string }
  /** The repository disappeared between listing and reading. */
  | { kind: 'repositoryGone' }
  /** Reading failed; the last known context, if any, must be kept. */
  | { kind: 'failed'; error: AzureDevOpsError };

/**
 * Reads and parses one repository's catalog file. Never throws for data problems; rethrows only
 * a rejected token, which makes every other read fail too and must abort the sync.
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
    if (error instanceof AzureDevOpsError && error.kind !== 'unauthorized') return { kind: 'failed', error };
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
      return { kind: 'read', facts, documents: parsed.documents };
    }
  }
}
