/**
 * What the module applies during a benchmark pass, kept in a file rather than in memory, so that
 * the bench's own copy of the catalog does not weigh on the pass's memory figures: each delta is
 * appended as lines as it arrives, and read back once the pass is over, to compare with the
 * organization.
 */
import { appendFileSync, createReadStream, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { EntityProviderConnection, EntityProviderMutation } from '@backstage/plugin-catalog-node';

export class AppliedEntitiesFile implements EntityProviderConnection {
  readonly #path: string;
  mutations = 0;

  constructor(path: string) {
    this.#path = path;
    writeFileSync(path, '');
  }

  async applyMutation(mutation: EntityProviderMutation): Promise<void> {
    this.mutations++;
    const lines: string[] = [];
    if (mutation.type === 'full') {
      lines.push(JSON.stringify({ clear: true }));
      for (const { entity } of mutation.entities) lines.push(JSON.stringify({ entity }));
    } else {
      for (const removed of mutation.removed) {
        lines.push(JSON.stringify({ removed: 'entityRef' in removed ? removed.entityRef : stringifyEntityRef(removed.entity) }));
      }
      for (const { entity } of mutation.added) lines.push(JSON.stringify({ entity }));
    }
    if (lines.length > 0) appendFileSync(this.#path, `${lines.join('\n')}\n`);
  }

  async refresh(): Promise<void> {}

  get path(): string {
    return this.#path;
  }

  remove(): void {
    rmSync(this.#path, { force: true });
  }
}

/** What a catalog holds after the mutations an {@link AppliedEntitiesFile} kept, by ref. */
export async function readAppliedEntities(path: string): Promise<Map<string, Entity>> {
  const held = new Map<string, Entity>();
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const record = JSON.parse(line) as { clear?: true; removed?: string; entity?: Entity };
    if (record.clear) held.clear();
    if (record.removed) held.delete(record.removed);
    if (record.entity) held.set(stringifyEntityRef(record.entity), record.entity);
  }
  return held;
}
