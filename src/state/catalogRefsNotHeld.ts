import type { Knex } from 'knex';

/**
 * The refs the catalog holds from `providerName` that no repository row holds (`heldRefs`): what
 * a lost or restored state left in the catalog. Read from the catalog's own table of what each
 * provider emitted (`refresh_state_references`, in the same database); an empty list when that
 * table cannot be read (a store used without the catalog, or a catalog whose tables changed
 * shape), which only means that nothing is reconciled.
 */
export async function catalogRefsNotHeld(
  knex: Knex,
  providerName: string,
  heldRefs: () => Promise<Iterable<string[]>>,
): Promise<string[]> {
  let held: Array<{ target_entity_ref: unknown }>;
  try {
    held = await knex('refresh_state_references').where({ source_key: providerName }).select('target_entity_ref');
  } catch {
    return [];
  }
  if (held.length === 0) return [];
  const ours = new Set<string>();
  for (const refs of await heldRefs()) for (const ref of refs) ours.add(ref);
  return held.map(row => String(row.target_entity_ref)).filter(ref => !ours.has(ref));
}
