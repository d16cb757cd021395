import type { RepositoryEvent } from '../serviceHooks/repositoryEventFromServiceHook';

/**
 * A pending event and the topics of the service hooks it stands for, one per hook merged into it,
 * in arrival order: what became of the event became of each of them.
 */
export interface QueuedEvent {
  event: RepositoryEvent;
  topics: string[];
}

/**
 * Events waiting to be handled, at most one per repository, handed out in batches one batch at a
 * time. A burst of pushes to one repository becomes one event (the branches of all of them); a
 * deletion replaces whatever was pending, and any other mix becomes `created`: read the
 * repository and its file again, which answers every question the mix could ask.
 */
export class RepositoryEventQueue {
  readonly #handle: (batch: QueuedEvent[]) => Promise<void>;
  readonly #onError: (error: unknown) => void;
  readonly #maxBatch: number;
  readonly #pending = new Map<string, QueuedEvent>();
  #draining?: Promise<void>;
  #stopped = false;

  /**
   * @param handle - Handles one batch; the next starts when it settles.
   * @param onError - Told of a batch whose handler threw; the queue goes on.
   */
  constructor(options: {
    handle: (batch: QueuedEvent[]) => Promise<void>;
    onError: (error: unknown) => void;
    maxBatch: number;
  }) {
    this.#handle = options.handle;
    this.#onError = options.onError;
    this.#maxBatch = options.maxBatch;
  }

  /**
   * Queues an event, merged with any pending one of the same repository, and starts draining.
   * `topic` is the topic of the service hook it came with.
   */
  add(event: RepositoryEvent, topic: string): void {
    if (this.#stopped) return;
    const pending = this.#pending.get(event.repositoryId);
    this.#pending.set(
      event.repositoryId,
      pending ? { event: mergeEvents(pending.event, event), topics: [...pending.topics, topic] } : { event, topics: [topic] },
    );
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
  }

  /** Resolves when nothing is pending or being handled. */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Drops what is pending and waits for the batch being handled; later events are ignored. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pending.clear();
    await this.idle();
  }

  async #drain(): Promise<void> {
    // Yield once, so that events of the same burst join the first batch.
    await Promise.resolve();
    while (this.#pending.size > 0) {
      const batch = [...this.#pending.values()].slice(0, this.#maxBatch);
      for (const { event } of batch) this.#pending.delete(event.repositoryId);
      try {
        await this.#handle(batch);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}

/** One event that stands for two of the same repository, `later` after `earlier`. */
export function mergeEvents(earlier: RepositoryEvent, later: RepositoryEvent): RepositoryEvent {
  if (later.type === 'deleted') return later;
  if (earlier.type === 'push' && later.type === 'push') {
    if (!earlier.pushedBranches || !later.pushedBranches) return withoutBranches(later);
    return { ...later, pushedBranches: [...new Set([...earlier.pushedBranches, ...later.pushedBranches])] };
  }
  if (earlier.type === later.type) return later;
  return { ...withoutBranches(later), type: 'created' };
}

function withoutBranches(event: RepositoryEvent): RepositoryEvent {
  const copy = { ...event };
  delete copy.pushedBranches;
  return copy;
}
