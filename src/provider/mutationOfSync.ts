import { stringifyEntityRef } from '@backstage/catalog-model';
import type { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import type { SyncResult } from './readRepositoryEntities';
import type { RemovalGuard, RemovalVerdict } from './RemovalGuard';

/** What a sync applies, and what the removal guard is told once the catalog took it. */
export interface SyncMutation {
  mutation: EntityProviderMutation;
  /** Refs of every entity the sync emitted. */
  refs: Set<string>;
  /** Refs the mutation removes by name (a delta's); a full one removes what it leaves out. */
  removed: string[];
  verdict: RemovalVerdict;
}

/**
 * The mutation for a sync's result: full when every repository was read and the removal guard lets
 * the removals through, else a delta that upserts the entities and removes only what the guard
 * allows.
 */
export function mutationOfSync(result: SyncResult, removalGuard: RemovalGuard, locationKey: string): SyncMutation {
  const refs = new Set(result.entities.map(({ entity }) => stringifyEntityRef(entity)));
  const verdict = result.mutation === 'full' ? removalGuard.check(refs) : removalGuard.checkDelta(result.removed);
  if (result.mutation === 'full' && !verdict.hold) {
    return { mutation: { type: 'full', entities: result.entities }, refs, removed: [], verdict };
  }
  const removed = result.mutation === 'delta' && !verdict.hold ? result.removed : [];
  return {
    mutation: { type: 'delta', added: result.entities, removed: removed.map(entityRef => ({ entityRef, locationKey })) },
    refs,
    removed,
    verdict,
  };
}
