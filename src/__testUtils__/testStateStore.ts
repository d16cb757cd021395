import knexFactory, { type Knex } from 'knex';
import { SyncStateStore } from '../state/SyncStateStore';

/**
 * A real state store on an in-memory SQLite database, for tests that build a provider by hand.
 * `destroy` closes it (call it in `afterEach`, or jest keeps the pool's timers alive).
 */
export async function testStateStore(): Promise<{ store: SyncStateStore; knex: Knex; destroy: () => Promise<void> }> {
  // One connection: every connection to ':memory:' is a database of its own.
  const knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true, pool: { min: 1, max: 1 } });
  const store = await SyncStateStore.create(knex);
  return { store, knex, destroy: () => knex.destroy() };
}
