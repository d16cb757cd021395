import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import type { AzureDevOpsApi, AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { ProfileConfig } from '../config/types';
import { projectExclusionReason, repositoryExclusionReason } from '../discovery/repositoryExclusionReason';
import type { RepositoryEvent } from '../serviceHooks/repositoryEventFromServiceHook';
import { printable } from './describeRepository';
import { declaredEntitiesOf, repositoryEntityOf } from './entitiesOfRepository';
import type { KnownInsights, KnownRepositories } from './KnownRepositories';
import { errorMessage } from './errorMessage';
import { mapConcurrently } from './mapConcurrently';
import { readCatalogFile, type CatalogFileOutcome } from './readCatalogFile';
import { readCommitInsights } from './readInsights';

/** What a batch of events changes in the catalog: a delta mutation, and a count of what each event did. */
export interface RepositoryEventsResult {
  /** Upserted: the Repository entities of the repositories read, and what their files declare. */
  entities: DeferredEntity[];
  /** Refs no longer emitted: of deleted or now excluded repositories, renamed ones' old names, undeclared entities. */
  removed: string[];
  counts: Record<EventOutcome, number>;
  /** What each event came to, in the order of the events. */
  outcomes: EventOutcome[];
  /** Ids of the repositories whose entities the batch emits: seen by the cycle in progress. */
  applied: string[];
}

/** What one event came to. */
export type EventOutcome = 'applied' | 'removed' | 'unchanged' | 'ignored' | 'failed';

/** What looking one event up in Azure DevOps found; settled into the known repositories afterwards. */
type LookedUp =
  | { kind: 'ignored' | 'failed' | 'unchanged'; reason: string }
  | { kind: 'removed'; reason: string }
  | {
      kind: 'read';
      repository: AzureDevOpsRepository;
      outcome: Exclude<CatalogFileOutcome, { kind: 'failed' }>;
      /** The file was read now, not taken from what is known (a rename). */
      fresh: boolean;
      /** Read again for a push or a new repository; absent when what is known stands. */
      commits?: KnownInsights['commits'];
    };

/** Options of {@link readRepositoryEvents}. */
export interface ReadRepositoryEventsOptions {
  events: RepositoryEvent[];
  api: AzureDevOpsApi;
  profile: ProfileConfig;
  /** The stored state of the events' repositories; updated with what the events found. */
  knownRepositories: KnownRepositories;
  /** With `ingestEntities`: which repository holds each declared ref, over the whole profile. */
  refHolders: Map<string, string>;
  locationKey: string;
  logger: LoggerService;
  /** Epoch ms: the commit window and freshness are measured from it. */
  now: number;
}

/**
 * Handles a batch of one profile's service hook events, each about one repository, without
 * listing the organization: a deletion removes what was emitted for the repository (no request);
 * any other event reads the repository (one request; its project's listing too when the
 * repository's own GET answers as missing, as it does for a disabled one) and, unless it is a
 * push to another branch or a rename of a repository whose file is known, its catalog file (one
 * more). A push that leaves the file as it was (same Git blob id) changes nothing. A read that
 * fails leaves the repository as it is: the next scheduled sync repairs what an event could not
 * do. No catalog side effects: the caller applies the result as a delta mutation and writes the
 * state.
 */
export async function readRepositoryEvents(options: ReadRepositoryEventsOptions): Promise<RepositoryEventsResult> {
  const { events, profile, knownRepositories, locationKey, logger } = options;
  const lookups = await mapConcurrently(events, profile.concurrency, event => lookUp(event, options));

  const result: RepositoryEventsResult = {
    entities: [],
    removed: [],
    counts: { applied: 0, removed: 0, unchanged: 0, ignored: 0, failed: 0 },
    outcomes: [],
    applied: [],
  };
  const countOutcome = (index: number, outcome: EventOutcome) => {
    result.counts[outcome]++;
    result.outcomes[index] = outcome;
  };
  // Which repository each ref is emitted for: a file may not declare what another one holds.
  const holders = options.refHolders;
  const remove = (id: string | undefined) => {
    if (id === undefined) return;
    for (const ref of knownRepositories.forget(id)) {
      holders.delete(ref);
      result.removed.push(ref);
    }
  };

  for (const [index, lookup] of lookups.entries()) {
    const event = events[index];
    const where = describeEvent(profile, event);
    if (lookup.kind !== 'read') {
      if (lookup.kind === 'removed') remove(knownRepositories.knownId(event.repositoryId));
      countOutcome(index, lookup.kind);
      const line = `${where}: ${lookup.kind}, ${lookup.reason}`;
      if (lookup.kind === 'failed') logger.warn(`${line}; the next scheduled sync reads it again`);
      else if (lookup.kind === 'removed') logger.info(line);
      else logger.debug(line);
      continue;
    }

    const { repository, outcome, commits } = lookup;
    const previousRefs = knownRepositories.entityRefsOf(repository.id);
    const fileOutcome = knownRepositories.settle(repository, outcome, logger, lookup.fresh ? options.now : undefined);
    if (commits) knownRepositories.recordInsights(repository.id, { commits });
    if (fileOutcome === 'gone' || fileOutcome === 'unknown') {
      remove(repository.id);
      countOutcome(index, 'removed');
      logger.info(`${where}: removed, the repository is gone`);
      continue;
    }
    const repositoryEntity = repositoryEntityOf(profile, repository, fileOutcome, logger, {
      facts: knownRepositories.insightsOf(repository.id),
      now: options.now,
    });
    if (!repositoryEntity) {
      remove(repository.id);
      countOutcome(index, 'removed');
      continue;
    }
    const refs = [stringifyEntityRef(repositoryEntity)];
    result.entities.push({ entity: repositoryEntity, locationKey });
    if (profile.backstageCatalog.ingestEntities && fileOutcome.kind === 'read') {
      const declared = declaredEntitiesOf(profile, repository, fileOutcome, logger);
      for (const { entity, ref } of declared.entities) {
        const holder = holders.get(ref);
        if (holder !== undefined && holder !== repository.id) {
          logger.warn(`${declared.where}: ${ref} not ingested: already emitted for another repository`);
          continue;
        }
        refs.push(ref);
        result.entities.push({ entity, locationKey });
      }
    }
    for (const ref of previousRefs) if (!refs.includes(ref)) holders.delete(ref);
    for (const ref of refs) holders.set(ref, repository.id);
    result.removed.push(...previousRefs.filter(ref => !refs.includes(ref)));
    knownRepositories.recordEntityRefs(repository.id, refs);
    result.applied.push(repository.id);
    countOutcome(index, 'applied');
    logger.info(`${where}: applied${repositoryEntity.spec.applicationContext ? ', with application context' : ''}`);
  }

  // A ref can leave one repository and reach another in the same batch.
  const emitted = new Set(result.entities.map(({ entity }) => stringifyEntityRef(entity)));
  result.removed = [...new Set(result.removed)].filter(ref => !emitted.has(ref));
  return result;
}

/**
 * Finds out what one event means, with at most two requests (three for a repository whose GET
 * answers as missing: its project's listing tells a disabled repository from a deleted one).
 * Never throws for Azure DevOps' answers.
 */
async function lookUp(event: RepositoryEvent, options: ReadRepositoryEventsOptions): Promise<LookedUp> {
  const { api, profile, knownRepositories } = options;
  const knownId = knownRepositories.knownId(event.repositoryId);
  if (event.type === 'deleted') {
    return knownId ? { kind: 'removed', reason: 'the repository was deleted' } : { kind: 'ignored', reason: 'deleted, and never emitted' };
  }
  if (event.projectName && projectExclusionReason(event.projectName, profile.filters)) {
    return { kind: 'ignored', reason: 'the project is left out by the profile filters' };
  }
  const knownBranch = knownId && knownRepositories.branchOf(knownId);
  if (event.type === 'push' && event.pushedBranches && knownBranch && !event.pushedBranches.includes(knownBranch)) {
    return { kind: 'ignored', reason: `a push to ${describeBranches(event.pushedBranches)}, not to the default branch` };
  }

  let repository: AzureDevOpsRepository | undefined;
  try {
    repository = await findRepository(api, event);
  } catch (error) {
    return { kind: 'failed', reason: `reading the repository failed: ${errorMessage(error)}` };
  }
  if (!repository) {
    return knownId ? { kind: 'removed', reason: 'the repository is gone' } : { kind: 'ignored', reason: 'the repository does not exist' };
  }
  const excluded = repositoryExclusionReason(repository, profile.filters);
  if (excluded) {
    return knownId ? { kind: 'removed', reason: `now left out by the profile filters (${excluded})` } : { kind: 'ignored', reason: `left out by the profile filters (${excluded})` };
  }
  if (event.type === 'push' && event.pushedBranches && (!repository.defaultBranch || !event.pushedBranches.includes(repository.defaultBranch))) {
    return { kind: 'ignored', reason: `a push to ${describeBranches(event.pushedBranches)}, not to the default branch` };
  }
  // A rename changes no file: what is known of it stands, if its last read succeeded.
  const reusable = event.type === 'renamed' ? knownRepositories.reusableOutcome(repository, new Set()) : undefined;
  let outcome: CatalogFileOutcome;
  try {
    outcome = reusable ?? (await readCatalogFile(api, repository, profile.backstageCatalog));
  } catch (error) {
    return { kind: 'failed', reason: `reading the catalog file failed: ${errorMessage(error)}` };
  }
  if (outcome.kind === 'failed') return { kind: 'failed', reason: `reading the catalog file failed: ${outcome.error.message}` };
  const commits = await commitsAfter(event, repository, options);
  if (event.type === 'push' && outcome.kind !== 'repositoryGone' && !commits && knownRepositories.unchanged(repository, outcome)) {
    return { kind: 'unchanged', reason: 'the catalog file is the one already read' };
  }
  return { kind: 'read', repository, outcome, fresh: !reusable, ...(commits ? { commits } : {}) };
}

/**
 * The commit insights after a push or for a new or re-enabled repository (one more request), when
 * the profile reads them; undefined when what is known stands, or the read failed (the next sync
 * reads them again).
 */
async function commitsAfter(
  event: RepositoryEvent,
  repository: AzureDevOpsRepository,
  options: ReadRepositoryEventsOptions,
): Promise<KnownInsights['commits']> {
  const { profile } = options;
  if (!(profile.insights.freshness || profile.insights.contributors) || event.type === 'renamed' || repository.isDisabled) return undefined;
  try {
    return await readCommitInsights(options.api, repository, options.now);
  } catch {
    return undefined;
  }
}

/**
 * The repository an event names, by its own GET; when that answers as for a missing repository,
 * from its project's listing, since the service answers a disabled repository's GET that way too
 * (and lists it). Undefined when neither has it: deleted, or out of the token's reach.
 */
async function findRepository(api: AzureDevOpsApi, event: RepositoryEvent): Promise<AzureDevOpsRepository | undefined> {
  const repository = await api.getRepository({ project: event.project, repositoryId: event.repositoryId });
  if (repository) return repository;
  const listing = await api.listRepositories({ project: event.project });
  return listing.repositories.find(listed => listed.id.toLowerCase() === event.repositoryId.toLowerCase());
}

/** Names an event's repository at the start of a log line, as far as the payload names it. */
function describeEvent(profile: ProfileConfig, event: RepositoryEvent): string {
  const project = printable(event.projectName ?? event.project);
  const repository = printable(event.repositoryName ?? event.repositoryId);
  return `Profile ${profile.id}, project ${project}, repository ${repository}: service hook ${event.type}`;
}

function describeBranches(branches: string[]): string {
  return branches.length === 0 ? 'no branch' : branches.map(printable).join(', ');
}
