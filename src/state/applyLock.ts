import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { PROFILES_TABLE } from './tables';

/**
 * How long the apply lock lasts should its holder die without releasing it: far longer than one
 * delta mutation and one state write take, short enough that a lost replica blocks nobody for long.
 */
const APPLY_LOCK_TTL_MS = 60_000;
/** How often a waiter asks for the apply lock again. */
const APPLY_LOCK_POLL_MS = 25;

/**
 * Runs `apply` while no other step or batch of events of the profile applies anything, on any
 * replica sharing the database, so that what one read before the other wrote never lands after
 * it. The lock lapses after a minute should its holder die.
 */
export async function withApplyLock<T>(knex: Knex, profileId: string, apply: () => Promise<T>): Promise<T> {
  const holder = randomUUID();
  await knex(PROFILES_TABLE).insert({ profile_id: profileId }).onConflict('profile_id').ignore();
  const gaveUpAt = Date.now() + APPLY_LOCK_TTL_MS * 2;
  for (;;) {
    const now = Date.now();
    const taken = await knex(PROFILES_TABLE)
      .where({ profile_id: profileId })
      .andWhere(query => query.whereNull('apply_lock_until').orWhere('apply_lock_until', '<', now))
      .update({ apply_lock_holder: holder, apply_lock_until: now + APPLY_LOCK_TTL_MS });
    if (taken === 1) break;
    if (now > gaveUpAt) throw new Error(`profile ${profileId}: another replica has held the apply lock for over ${(APPLY_LOCK_TTL_MS * 2) / 1000} s`);
    await sleep(APPLY_LOCK_POLL_MS);
  }
  try {
    return await apply();
  } finally {
    await knex(PROFILES_TABLE)
      .where({ profile_id: profileId, apply_lock_holder: holder })
      .update({ apply_lock_holder: null, apply_lock_until: null });
  }
}
