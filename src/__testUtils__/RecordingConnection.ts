import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { EntityProviderConnection, EntityProviderMutation } from '@backstage/plugin-catalog-node';

/**
 * A connection that keeps what a catalog would hold from the provider's mutations (full ones
 * replace everything, deltas add and remove by ref), and every mutation in order, so that tests
 * assert on the catalog's contents rather than on how they arrived.
 */
export class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  readonly #entities = new Map<string, Entity>();
  /** Makes the next `applyMutation` calls fail with this error, as a catalog whose database is down. */
  failWith?: Error;

  async applyMutation(mutation: EntityProviderMutation): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.mutations.push(mutation);
    if (mutation.type === 'full') {
      this.#entities.clear();
      for (const { entity } of mutation.entities) this.#entities.set(stringifyEntityRef(entity), entity);
      return;
    }
    for (const removed of mutation.removed) {
      this.#entities.delete('entityRef' in removed ? removed.entityRef : stringifyEntityRef(removed.entity));
    }
    for (const { entity } of mutation.added) this.#entities.set(stringifyEntityRef(entity), entity);
  }

  async refresh(): Promise<void> {}

  /** What the catalog holds now, by ref. */
  get entities(): Map<string, Entity> {
    return this.#entities;
  }

  /** The entities of one kind (`Repository` by default) the catalog holds now. */
  ofKind<T extends Entity = Entity>(kind = 'Repository'): T[] {
    return [...this.#entities.values()].filter(entity => entity.kind === kind) as T[];
  }

  /** Refs removed by the deltas since `from` (an index into {@link mutations}). */
  removedSince(from = 0): string[] {
    return this.mutations
      .slice(from)
      .flatMap(mutation => (mutation.type === 'delta' ? mutation.removed.map(removed => ('entityRef' in removed ? removed.entityRef : stringifyEntityRef(removed.entity))) : []));
  }
}
