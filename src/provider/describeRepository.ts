import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { ProfileConfig } from '../config/types';

/**
 * Names a repository at the start of a log line (`Profile acme, project Payments, repository api`),
 * so every line about one repository can be found with one search.
 */
export function describeRepository(profile: ProfileConfig, repository: AzureDevOpsRepository): string {
  return `Profile ${profile.id}, project ${printable(repository.project.name)}, repository ${printable(repository.name)}`;
}

/** Names a repository's catalog file at the start of a log line: {@link describeRepository} and the path. */
export function describeCatalogFile(profile: ProfileConfig, repository: AzureDevOpsRepository): string {
  return `${describeRepository(profile, repository)}, path ${profile.backstageCatalog.filename}`;
}

/** Names come from Azure DevOps: escape control characters so a name cannot forge log lines. */
export function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, character => JSON.stringify(character).slice(1, -1));
}
