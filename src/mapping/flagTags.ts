import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';

/**
 * The tags that mark what sets a repository apart, for the tag filter of the catalog table; each
 * mirrors a `spec` flag (`spec.fork`, `spec.disabled`, `spec.empty`). Valid Backstage tags.
 */
export const FLAG_TAGS = Object.freeze({ fork: 'fork', disabled: 'disabled', empty: 'empty' });

/**
 * The flag tags of a repository, in a fixed order: `fork`, `disabled`, `empty` (no default
 * branch, as `spec.empty`).
 *
 * @param repository - The repository as the client reported it.
 */
export function flagTags(repository: Pick<AzureDevOpsRepository, 'isFork' | 'isDisabled' | 'defaultBranch'>): string[] {
  return [
    ...(repository.isFork ? [FLAG_TAGS.fork] : []),
    ...(repository.isDisabled ? [FLAG_TAGS.disabled] : []),
    ...(repository.defaultBranch ? [] : [FLAG_TAGS.empty]),
  ];
}
