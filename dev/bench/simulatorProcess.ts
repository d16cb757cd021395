/**
 * The simulator in a child process, so that the benchmark's memory and CPU figures are the
 * module's, driven over the IPC channel of `child_process.fork`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ThrottleOptions, ThrottleStats } from '../simulator';
import type { Truth } from './expectedEntities';

/** What `verify` answers: the comparison, and the organization's counts the lower bounds take. */
export interface Verdict {
  correct: boolean;
  mismatches: string[];
  mismatchCount: number;
  entities: number;
  counts: Omit<Truth, 'repositories'>;
}

/** The synthetic organization and how the simulator answers. */
export interface SimulatorSetup {
  repos: number;
  projects: number;
  withFile: number;
  latencyMs: number;
  seed: number;
  throttle?: ThrottleOptions;
}

/** Shares of the repositories to change before the "changed" pass. */
export interface Mutation {
  editShare: number;
  addShare: number;
  deleteShare: number;
}

export interface MutationResult {
  edited: number;
  added: number;
  deleted: number;
}

/** What reached the simulator since the last reset. */
export interface SimulatorStats {
  requests: number;
  /** `METHOD route` → count. */
  byRoute: Record<string, number>;
  throttle: ThrottleStats;
}

export type SimulatorCommand =
  | { cmd: 'start'; setup: SimulatorSetup }
  | { cmd: 'truth' }
  | { cmd: 'verify'; file: string }
  | { cmd: 'mutate'; mutation: Mutation }
  | { cmd: 'stats'; reset: boolean }
  | { cmd: 'stop' };

export interface SimulatorReplies {
  start: { url: string; organization: string; token: string };
  truth: Truth;
  /** The applied entities of `file` (an `AppliedEntitiesFile`) compared with the organization, in the child. */
  verify: Verdict;
  mutate: MutationResult;
  stats: SimulatorStats;
  stop: Record<string, never>;
}

export type SimulatorMessage = { id: number } & ({ ok: true; value: unknown } | { ok: false; error: string });

/** The parent's side of the channel. */
export class SimulatorProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: SimulatorMessage) => {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.ok) pending?.resolve(message.value);
      else pending?.reject(new Error(`simulator process: ${message.error}`));
    });
    child.on('exit', code => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`simulator process exited with ${code}`));
      this.#pending.clear();
    });
  }

  static async start(setup: SimulatorSetup): Promise<{ simulator: SimulatorProcess } & SimulatorReplies['start']> {
    const child = fork(join(__dirname, 'simulatorChild.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const simulator = new SimulatorProcess(child);
    return { simulator, ...(await simulator.send({ cmd: 'start', setup })) };
  }

  send<C extends SimulatorCommand>(command: C): Promise<SimulatorReplies[C['cmd']]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: value => resolve(value as SimulatorReplies[C['cmd']]), reject });
      this.#child.send({ id, ...command });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise(resolve => this.#child.once('exit', resolve));
    await this.send({ cmd: 'stop' }).catch(() => undefined);
    await exited;
  }
}
