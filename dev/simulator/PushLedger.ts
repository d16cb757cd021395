import type { SimulatedRepository } from './organization';

/** One push of one commit to one branch, as a git.push payload describes it. */
export interface RecordedPush {
  /** Short name, without `refs/heads/`. */
  branch: string;
  /** The all-zero id when the push created the branch. */
  oldObjectId: string;
  newObjectId: string;
  /** Counts the repository's pushes, from 1. */
  pushId: number;
  date: Date;
  comment: string;
}

interface RepositoryPushes {
  count: number;
  lastByBranch: Map<string, RecordedPush>;
}

/**
 * The pushes made while the simulator runs, per repository: the push ids the service numbers
 * per repository, and the last push of each branch. Branches other than the default live only
 * here, as their tips: the routes serve the default branch alone. A removed repository's pushes
 * go with it.
 */
export class PushLedger {
  readonly #pushes = new WeakMap<SimulatedRepository, RepositoryPushes>();

  record(repository: SimulatedRepository, push: Omit<RecordedPush, 'pushId'>): RecordedPush {
    const pushes = this.#of(repository);
    pushes.count += 1;
    const recorded = { ...push, pushId: pushes.count };
    pushes.lastByBranch.set(push.branch, recorded);
    return recorded;
  }

  last(repository: SimulatedRepository, branch: string): RecordedPush | undefined {
    return this.#pushes.get(repository)?.lastByBranch.get(branch);
  }

  /** The id the repository's next push gets. */
  nextPushId(repository: SimulatedRepository): number {
    return (this.#pushes.get(repository)?.count ?? 0) + 1;
  }

  #of(repository: SimulatedRepository): RepositoryPushes {
    let pushes = this.#pushes.get(repository);
    if (!pushes) {
      pushes = { count: 0, lastByBranch: new Map() };
      this.#pushes.set(repository, pushes);
    }
    return pushes;
  }
}
