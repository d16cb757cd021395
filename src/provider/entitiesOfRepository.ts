import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { ProfileConfig } from '../config/types';
import { declaredEntitiesFromCatalogFile } from '../mapping/declaredEntitiesFromCatalogFile';
import type { RepositoryEntity } from '../mapping/RepositoryEntity';
import { repositoryEntityFromRepository, type RepositoryInsightFacts } from '../mapping/repositoryEntityFromRepository';
import { describeCatalogFile, describeRepository } from './describeRepository';
import type { KnownOutcome } from './KnownRepositories';

/**
 * A repository's `Repository` entity from its settled file outcome, with one warning per problem
 * of the mapping; undefined, with a warning, when it cannot be emitted. Shared by syncs and events,
 * so both log alike.
 */
export function repositoryEntityOf(
  profile: ProfileConfig,
  repository: AzureDevOpsRepository,
  outcome: KnownOutcome,
  logger: LoggerService,
  insights?: { facts: RepositoryInsightFacts; now: number },
): RepositoryEntity | undefined {
  const mapped = repositoryEntityFromRepository(repository, {
    profile,
    catalogFile: outcome.kind === 'read' ? outcome.facts : undefined,
    ...(insights ? { insights } : {}),
  });
  if ('skipped' in mapped) {
    logger.warn(`${describeRepository(profile, repository)}: not emitted: ${mapped.skipped}`);
    return undefined;
  }
  for (const warning of mapped.warnings ?? []) logger.warn(`${describeCatalogFile(profile, repository)}: ${warning}`);
  return mapped.entity;
}

/**
 * The entities a file read with `ingestEntities` declares, with their refs, and the file's name
 * for the warnings of whoever decides which of them to ingest.
 */
export function declaredEntitiesOf(
  profile: ProfileConfig,
  repository: AzureDevOpsRepository,
  outcome: Extract<KnownOutcome, { kind: 'read' }>,
  logger: LoggerService,
): { where: string; entities: Array<{ entity: Entity; ref: string }> } {
  const declared = declaredEntitiesFromCatalogFile(outcome.documents ?? [], {
    repository,
    profile,
    declaredEntities: outcome.facts.declaredEntities,
  });
  const where = describeCatalogFile(profile, repository);
  for (const warning of declared.warnings) logger.warn(`${where}: ${warning}`);
  return { where, entities: declared.entities.map(entity => ({ entity, ref: stringifyEntityRef(entity) })) };
}
