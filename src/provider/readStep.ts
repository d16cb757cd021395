import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import type { AzureDevOpsApi, AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { ProfileConfig } from '../config/types';
import { repositoryEntityFromRepository } from '../mapping/repositoryEntityFromRepository';
import type { ChangedRepositories } from './ChangeTracker';
import { printable } from './describeRepository';
import { declaredEntitiesOf, repositoryEntityOf } from './entitiesOfRepository';
import type { KnownOutcome, KnownRepositories } from './KnownRepositories';
import { mapConcurrently } from './mapConcurrently';
import { readCatalogFile, type CatalogFileOutcome } from './readCatalogFile';
import { readInsights, type CycleLanguages } from './readInsights';
import type { CycleStats } from './SyncCycle';
import type { SyncProgress } from './SyncProgress';

/** What one repository of a step comes to in the catalog. */
export interface RepositoryEmission {
  /** Upserted: its Repository entity and what its file declares; none for a repository left out. */
  entities: DeferredEntity[];
  /** Refs it emitted before and no longer does: removed with the step. */
  removed: string[];
}

/** What one step read, before it is applied. */
export interface StepResult {
  /** By repository id: the repositories the step emits (or leaves out), each applied or dropped whole. */
  emissions: Map<string, RepositoryEmission>;
  /** Ids the step saw: listed and not gone, including those left as the catalog has them. */
  seen: string[];
  stats: Pick<CycleStats, 'emitted' | 'skipped' | 'failed' | 'withContext' | 'unchanged' | 'unresolved'>;
}

/** Options of {@link readStep}. */
export interface ReadStepOptions {
  api: AzureDevOpsApi;
  profile: ProfileConfig;
  /** The step's repositories, in cycle order. */
  repositories: AzureDevOpsRepository[];
  changed: ChangedRepositories;
  /** The stored state of the step's repositories; updated with what the step found. */
  knownRepositories: KnownRepositories;
  /**
   * With `ingestEntities`: which repository holds each declared ref, over the whole profile
   * (the rows as stored); updated as this step takes or lets go of refs.
   */
  refHolders?: Map<string, string>;
  languages?: CycleLanguages;
  now: number;
  /** The `locationKey` of every emitted entity: the provider name. */
  locationKey: string;
  logger: LoggerService;
  signal?: AbortSignal;
  progress?: SyncProgress;
}

/**
 * One step of a cycle, without catalog side effects: reads the catalog files of those of the
 * step's repositories that may have changed, their insights when due, and builds their entities
 * (and, with `ingestEntities`, the entities the files declare). A repository whose read failed
 * with nothing known is seen but not emitted: the catalog keeps its entity as it is.
 */
export async function readStep(options: ReadStepOptions): Promise<StepResult> {
  const { profile, knownRepositories, locationKey, logger, progress, now } = options;
  const result: StepResult = {
    emissions: new Map(),
    seen: [],
    stats: { emitted: 0, skipped: 0, failed: 0, withContext: 0, unchanged: 0, unresolved: 0 },
  };
  // The file reads and the insight reads go side by side: the request gate keeps to the
  // profile's concurrency, and neither waits for the other's slowest answer.
  const [outcomes, insights] = await Promise.all([
    // Twice the request concurrency keeps the gate's slots busy while some reads are being parsed.
    mapConcurrently(
      options.repositories,
      profile.concurrency * 2,
      async repository => {
        const known = knownRepositories.reusableOutcome(repository, options.changed, now);
        if (known) result.stats.unchanged++;
        const outcome: CatalogFileOutcome = known ?? (await readCatalogFile(options.api, repository, profile.backstageCatalog));
        progress?.step();
        return { repository, outcome, readAt: known ? undefined : now };
      },
      options.signal,
    ),
    readInsights({
      api: options.api,
      profile,
      repositories: options.repositories,
      knownRepositories,
      changed: options.changed,
      languages: options.languages,
      now,
      signal: options.signal,
    }),
  ]);
  if (insights.failures.length > 0) {
    logger.warn(`Profile ${profile.id}: ${insights.failures.length} insight reads failed, their previous values stay; the first: ${insights.failures[0]}`);
  }

  const toIngest: Array<{ repository: AzureDevOpsRepository; outcome: Extract<KnownOutcome, { kind: 'read' }> }> = [];
  /** Left as the catalog has them: no file may take their refs either. */
  const leftAsTheyAre: AzureDevOpsRepository[] = [];
  for (const { repository, outcome, readAt } of outcomes) {
    const fileOutcome = knownRepositories.settle(repository, outcome, logger, readAt);
    if (fileOutcome === 'gone') {
      // Not seen: the cycle's end removes it, should no later listing of the cycle hold it.
      result.stats.skipped++;
      continue;
    }
    result.seen.push(repository.id);
    if (fileOutcome === 'unknown') {
      result.stats.failed++;
      result.stats.unresolved++;
      leftAsTheyAre.push(repository);
      continue;
    }
    if (outcome.kind === 'failed') result.stats.failed++;
    const fresh = insights.byRepository.get(repository.id);
    if (fresh) knownRepositories.recordInsights(repository.id, fresh);
    const entity = repositoryEntityOf(profile, repository, fileOutcome, logger, { facts: knownRepositories.insightsOf(repository.id), now });
    if (!entity) {
      result.stats.skipped++;
      result.emissions.set(repository.id, { entities: [], removed: [] });
      continue;
    }
    result.emissions.set(repository.id, { entities: [{ entity, locationKey }], removed: [] });
    result.stats.emitted++;
    if (entity.spec.applicationContext) result.stats.withContext++;
    if (profile.backstageCatalog.ingestEntities && fileOutcome.kind === 'read') toIngest.push({ repository, outcome: fileOutcome });
  }
  ingestDeclaredEntities(options, toIngest, result.emissions, leftAsTheyAre);

  for (const [id, emission] of result.emissions) {
    const refs = emission.entities.map(({ entity }) => stringifyEntityRef(entity));
    emission.removed = knownRepositories.entityRefsOf(id).filter(ref => !refs.includes(ref));
    knownRepositories.recordEntityRefs(id, refs);
  }
  return result;
}

/**
 * Adds the entities the step's files declare to their repositories' emissions. A ref another
 * repository of the profile holds stays with it, so a new file cannot take it; among the step's
 * files, one that held a ref last time keeps it, and a new one goes to the first in cycle order
 * (originals before forks, which copy their parent's files).
 */
function ingestDeclaredEntities(
  options: ReadStepOptions,
  files: Array<{ repository: AzureDevOpsRepository; outcome: Extract<KnownOutcome, { kind: 'read' }> }>,
  emissions: Map<string, RepositoryEmission>,
  leftAsTheyAre: AzureDevOpsRepository[],
): void {
  const { profile, logger, locationKey } = options;
  if (!profile.backstageCatalog.ingestEntities) return;
  const holders = options.refHolders ?? new Map<string, string>();
  const declaredFiles = files.map(({ repository, outcome }) => ({ repository, ...declaredEntitiesOf(profile, repository, outcome, logger) }));
  // What the step's repositories held is theirs to keep or let go of now.
  const stepIds = new Set(emissions.keys());
  const heldBefore = new Map<string, string>();
  for (const [ref, holder] of holders) if (stepIds.has(holder)) heldBefore.set(ref, holder);
  for (const ref of heldBefore.keys()) holders.delete(ref);
  // The step's Repository entities (the only entities of its emissions yet), and those of the
  // repositories it leaves as the catalog has them, are their repositories' own: no file may take one.
  for (const [id, emission] of emissions) for (const { entity } of emission.entities) holders.set(stringifyEntityRef(entity), id);
  for (const repository of leftAsTheyAre) {
    const kept = repositoryEntityFromRepository(repository, { profile });
    if ('entity' in kept) holders.set(stringifyEntityRef(kept.entity), repository.id);
  }

  for (const heldLastTime of [true, false]) {
    for (const { repository, where, entities } of declaredFiles) {
      for (const { entity, ref } of entities) {
        if ((heldBefore.get(ref) === repository.id) !== heldLastTime) continue;
        const holder = holders.get(ref);
        if (holder === repository.id) continue;
        if (holder !== undefined) {
          logger.warn(`${where}: ${ref} not ingested: already emitted for ${holderName(options, holder)}`);
          continue;
        }
        holders.set(ref, repository.id);
        emissions.get(repository.id)?.entities.push({ entity, locationKey });
      }
    }
  }
}

/** Whose an emitted ref is, in a warning about a file that claims it too. */
function holderName(options: ReadStepOptions, id: string): string {
  const repository = options.repositories.find(candidate => candidate.id === id);
  return repository
    ? `project ${printable(repository.project.name)}, repository ${printable(repository.name)}`
    : `another repository of the profile (id ${id})`;
}
