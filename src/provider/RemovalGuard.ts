/**
 * A brake on mass deletion. An answer that lists far fewer repositories than before is more often a
 * fault (a token whose user lost access to every project, a proxy's empty page) than the truth, so
 * a full mutation that would remove more than a share of the provider's entities is held back once,
 * and applied only when the next sync sees the same.
 *
 * It knows what the provider has applied: in this process, or, with the state store, as the stored
 * entity refs of the profile's repositories, so the first sync after a restart is guarded too.
 */

/** Removals smaller than this never trip the guard, whatever their share. */
export const MIN_GUARDED_REMOVALS = 10;

/** What to do with a full mutation. */
export type RemovalVerdict =
  | { hold: false }
  /** Keep every entity (apply the new ones as a delta) and warn; the next sync decides. */
  | { hold: true; removing: number; of: number };

export class RemovalGuard {
  readonly #maxPercent: number | undefined;
  /** Refs the catalog holds from this provider, as far as this process applied them. */
  #applied?: Set<string>;
  /** The last full mutation was held; the next one that trips the guard confirms it. */
  #awaitingConfirmation = false;

  /**
   * @param maxPercent - The largest share of entities one sync may remove; undefined turns the guard off.
   * @param applied - Refs the catalog holds from the provider, when known (from the state store).
   */
  constructor(options: { maxPercent: number | undefined; applied?: Iterable<string>; awaitingConfirmation?: boolean }) {
    this.#maxPercent = options.maxPercent;
    if (options.applied) this.#applied = new Set(options.applied);
    this.#awaitingConfirmation = options.awaitingConfirmation ?? false;
  }

  /** Whether the last full mutation was held: the store keeps it for the next sync. */
  get awaitingConfirmation(): boolean {
    return this.#awaitingConfirmation;
  }

  /** Whether a full mutation holding `refs` may be applied as it is. */
  check(refs: ReadonlySet<string>): RemovalVerdict {
    const applied = this.#applied;
    if (applied === undefined) return { hold: false };
    let removing = 0;
    for (const ref of applied) if (!refs.has(ref)) removing++;
    return this.#verdict(removing, applied.size);
  }

  /** Whether a delta mutation removing `removed` may be applied as it is. */
  checkDelta(removed: readonly string[]): RemovalVerdict {
    if (removed.length === 0) return { hold: false };
    return this.#verdict(removed.length, Math.max(this.#applied?.size ?? 0, removed.length));
  }

  /** Whether removing `removing` of `of` (repositories, at a cycle's end) may go ahead now. */
  verdictFor(removing: number, of: number): RemovalVerdict {
    return this.#verdict(removing, of);
  }

  #verdict(removing: number, of: number): RemovalVerdict {
    if (this.#maxPercent === undefined) return { hold: false };
    const trips = removing >= MIN_GUARDED_REMOVALS && removing * 100 > this.#maxPercent * of;
    if (!trips || this.#awaitingConfirmation) {
      this.#awaitingConfirmation = false;
      return { hold: false };
    }
    this.#awaitingConfirmation = true;
    return { hold: true, removing, of };
  }

  /**
   * Records a mutation the catalog took: a full one replaces what is known, a delta adds `refs`
   * and takes away `removed`.
   */
  applied(type: 'full' | 'delta', refs: Iterable<string>, removed: Iterable<string> = []): void {
    if (type === 'full') this.#applied = new Set(refs);
    else if (this.#applied) {
      for (const ref of refs) this.#applied.add(ref);
      for (const ref of removed) this.#applied.delete(ref);
    }
  }
}
