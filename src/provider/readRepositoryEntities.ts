import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import type { AzureDevOpsRepository, RequestStats } from '../client/AzureDevOpsApi';
import type { AzureDevOpsApiFactory } from '../client/createAzureDevOpsApiFactory';
import type { ProfileConfig } from '../config/types';
import { discoverRepositories } from '../discovery/discoverRepositories';
import { repositoryEntityFromRepository } from '../mapping/repositoryEntityFromRepository';
import type { ChangeTracker } from './ChangeTracker';
import { printable } from './describeRepository';
import { declaredEntitiesOf, repositoryEntityOf } from './entitiesOfRepository';
import type { KnownOutcome, KnownRepositories } from './KnownRepositories';
import { mapConcurrently } from './mapConcurrently';
import { readCatalogFile } from './readCatalogFile';
import { readInsights } from './readInsights';
import type { SyncProgress } from './SyncProgress';

/** The outcome of one sync, before it is applied to the catalog. */
export interface SyncResult {
  /**
   * `full` when every repository was read: the set replaces the provider's entities. `delta` when
   * some repositories failed and had no last known state: their entities are left as they are,
   * `entities` are upserted and `removed` are deleted.
   */
  mutation: 'full' | 'delta';
  entities: DeferredEntity[];
  /** Refs of the entities of repositories known to this process that are no longer listed. */
  removed: string[];
  stats: SyncStats;
  /** When every project's languages were read in this sync; else undefined (the last time stands). */
  languagesReadAt?: number;
}

/** Counts of the summary line each sync logs. */
export interface SyncStats {
  seen: number;
  emitted: number;
  skipped: number;
  failed: number;
  withContext: number;
  /** Repositories whose file was not read again, because nothing was pushed to them. */
  unchanged: number;
  requests?: RequestStats;
}

/** Options of {@link readRepositoryEntities}: the profile, what outlives one sync, and the run's own. */
export interface ReadRepositoryEntitiesOptions {
  profile: ProfileConfig;
  createApi: AzureDevOpsApiFactory;
  /** The profile's change tracker, kept across syncs. */
  changeTracker: ChangeTracker;
  /** The profile's last known outcomes, kept across syncs. */
  knownRepositories: KnownRepositories;
  /** When the profile's languages were last read. */
  languagesReadAt?: number;
  now: () => number;
  /** The `locationKey` of every emitted entity: the provider name. */
  locationKey: string;
  logger: LoggerService;
  signal?: AbortSignal;
  /** Updated as the sync goes, for progress lines. */
  progress?: SyncProgress;
}

/**
 * One sync of one profile, without catalog side effects: lists the repositories, reads the catalog
 * files of those that may have changed, and builds their `Repository` entities (and, with
 * `ingestEntities`, the entities the files declare). Throws when the listing fails or the token is
 * rejected, so the caller applies nothing; chooses a `delta` mutation when some repository could
 * not be read and nothing is known of it.
 */
export async function readRepositoryEntities(options: ReadRepositoryEntitiesOptions): Promise<SyncResult> {
  const { profile, changeTracker, knownRepositories, locationKey, logger, progress } = options;
  const api = await options.createApi(profile);
  if (progress) progress.requests = () => api.requestStats?.({ peek: true });
  const discovered = await discoverRepositories(api, profile);
  for (const line of discovered.malformed) {
    logger.warn(`Profile ${profile.id}: skipped a repository Azure DevOps described in an unusable shape: ${line}`);
  }

  const entities: DeferredEntity[] = [];
  const stats: SyncStats = {
    seen: discovered.seen,
    emitted: 0,
    skipped:
      discovered.malformed.length +
      Object.values(discovered.excluded).reduce((sum, count) => sum + (count ?? 0), 0),
    failed: 0,
    withContext: 0,
    unchanged: 0,
  };
  let unresolved = 0;
  const currentIds = new Set<string>();
  /** Every ref this sync emits, with whose it is: a file's entity may claim none of them. */
  const heldRefs = new Map<string, string>();
  /** The refs emitted for each repository, remembered so that a later delta can remove them. */
  const refsByRepository = new Map<string, string[]>();
  const toIngest: Array<{ repository: AzureDevOpsRepository; outcome: Extract<KnownOutcome, { kind: 'read' }> }> = [];

  const previousHolders = knownRepositories.entityRefHolders();
  const startedAt = options.now();
  const changed = await changeTracker.changedSinceLastSync({
    api,
    repositories: discovered.repositories,
    startedAt,
    logger,
  });
  progress?.startPhase('reading catalog files', discovered.repositories.length);
  // Twice the request concurrency keeps the gate's slots busy while some reads are being parsed.
  const outcomes = await mapConcurrently(
    discovered.repositories,
    profile.concurrency * 2,
    async repository => {
      const known = knownRepositories.reusableOutcome(repository, changed);
      if (known) stats.unchanged++;
      const outcome = known ?? (await readCatalogFile(api, repository, profile.backstageCatalog));
      progress?.step();
      return { repository, outcome };
    },
    options.signal,
  );
  const insights = await readInsights({
    api,
    profile,
    repositories: discovered.repositories,
    knownRepositories,
    changed,
    languagesReadAt: options.languagesReadAt,
    now: startedAt,
    signal: options.signal,
    progress,
  });
  progress?.startPhase('building entities', outcomes.length);
  if (insights.failures.length > 0) {
    logger.warn(
      `Profile ${profile.id}: ${insights.failures.length} insight reads failed, their previous values stay; the first: ${insights.failures[0]}`,
    );
  }

  for (const { repository, outcome } of outcomes) {
    currentIds.add(repository.id);
    const fileOutcome = knownRepositories.settle(repository, outcome, logger);
    if (fileOutcome === 'gone') {
      stats.skipped++;
      continue;
    }
    if (fileOutcome === 'unknown') {
      stats.failed++;
      unresolved++;
      // Its entity stays in the catalog as it is (a delta mutation), so no file may claim its ref.
      const kept = repositoryEntityFromRepository(repository, { profile });
      if ('entity' in kept) heldRefs.set(stringifyEntityRef(kept.entity), holderOf(repository));
      continue;
    }
    if (outcome.kind === 'failed') stats.failed++;

    const fresh = insights.byRepository.get(repository.id);
    if (fresh) knownRepositories.recordInsights(repository.id, fresh);
    const entity = repositoryEntityOf(profile, repository, fileOutcome, logger, {
      facts: knownRepositories.insightsOf(repository.id),
      now: startedAt,
    });
    if (!entity) {
      stats.skipped++;
      continue;
    }
    entities.push({ entity, locationKey });
    const ref = stringifyEntityRef(entity);
    heldRefs.set(ref, holderOf(repository));
    refsByRepository.set(repository.id, [ref]);
    stats.emitted++;
    if (entity.spec.applicationContext) stats.withContext++;
    if (profile.backstageCatalog.ingestEntities && fileOutcome.kind === 'read') {
      toIngest.push({ repository, outcome: fileOutcome });
    }
  }

  // After every Repository entity is known, so that no file, wherever it is listed, can take a
  // repository's ref. A ref several files declare (forks and copies share them) stays with the
  // repository that held it at the last sync, so a new file cannot take it; a new one goes to the
  // first in a fixed order. Never the listing's order: Azure DevOps gives none to rely on.
  const declaredFiles = [...toIngest]
    .sort(byIngestPriority)
    .map(({ repository, outcome }) => ({ repository, ...declaredEntitiesOf(profile, repository, outcome, logger) }));
  const ingestedBy = new Map<string, string>();
  for (const heldLastTime of [true, false]) {
    for (const { repository, where, entities: declared } of declaredFiles) {
      for (const { entity, ref } of declared) {
        if ((previousHolders.get(ref) === repository.id) !== heldLastTime || ingestedBy.get(ref) === repository.id) continue;
        const holder = heldRefs.get(ref);
        if (holder) {
          logger.warn(`${where}: ${ref} not ingested: already emitted for ${holder}`);
          continue;
        }
        heldRefs.set(ref, holderOf(repository));
        ingestedBy.set(ref, repository.id);
        refsByRepository.get(repository.id)?.push(ref);
        entities.push({ entity, locationKey });
      }
    }
  }

  for (const [id, refs] of refsByRepository) knownRepositories.recordEntityRefs(id, refs);
  const removed = knownRepositories.retainOnly(currentIds);

  if (unresolved > 0) {
    logger.warn(
      `Profile ${profile.id}: ${unresolved} repositories could not be read and have no last known state; ` +
        'their entities are left unchanged for this sync',
    );
  } else {
    changeTracker.recordCleanSync({ startedAt, changed });
  }
  const requests = api.requestStats?.();
  return {
    mutation: unresolved > 0 ? 'delta' : 'full',
    entities,
    removed,
    stats: { ...stats, ...(requests ? { requests } : {}) },
    ...(insights.languagesReadAt !== undefined ? { languagesReadAt: insights.languagesReadAt } : {}),
  };
}

/** Originals before forks, which copy their parent's files; then by project and repository name. */
function byIngestPriority(a: { repository: AzureDevOpsRepository }, b: { repository: AzureDevOpsRepository }): number {
  if (a.repository.isFork !== b.repository.isFork) return a.repository.isFork ? 1 : -1;
  return (
    compareText(a.repository.project.name, b.repository.project.name) ||
    compareText(a.repository.name, b.repository.name) ||
    compareText(a.repository.id, b.repository.id)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whose an emitted ref is, in a warning about a file that claims it too. */
function holderOf(repository: AzureDevOpsRepository): string {
  return `project ${printable(repository.project.name)}, repository ${printable(repository.name)}`;
}
