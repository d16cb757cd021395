/**
 * The parent's side of a backend child of `--scheduled` (scheduledBackendChild.ts): forks it, reads
 * the module's cycle lines from its output, keeps its last lines for an error message (the token
 * removed; the access log of the harness's own polls left out), samples its RSS, and SIGKILLs it
 * on demand or when the harness is done.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { cycleEventOf, readLogLine, type CycleComplete, type CycleEvent } from './backendLogLine';
import { ProcessRssSampler } from './processRssSampler';
import type { ScheduledBackendMessage } from './scheduledBackendChild';

const KEPT_LINES = 50;
const POLL_MS = 100;

export interface ScheduledBackendOptions {
  /** Names this child in messages: `cold`, `killed`, `restarted`. */
  name: string;
  configFile: string;
  profileId: string;
  /** Removed from every kept or printed line. */
  token: string;
  /** Called as each cycle line arrives, with the time it arrived (`performance.now()`). */
  onCycleEvent?: (event: CycleEvent, at: number) => void;
}

/** How long a wait may take: `deadline` (`performance.now()`) overall, `stallMs` without a cycle line. */
export interface WaitBounds {
  deadline: number;
  stallMs?: number;
}

export class ScheduledBackendProcess {
  readonly name: string;
  /** `performance.now()` when the child was forked. */
  readonly spawnedAt = performance.now();
  readonly #child: ChildProcess;
  readonly #options: ScheduledBackendOptions;
  readonly #rss: ProcessRssSampler | undefined;
  readonly #lines: string[] = [];
  readonly #events: Array<{ event: CycleEvent; at: number }> = [];
  readonly #exited: Promise<void>;
  #startedAt: number | undefined;
  #exit: string | undefined;

  constructor(options: ScheduledBackendOptions) {
    this.name = options.name;
    this.#options = options;
    this.#child = fork(path.join(__dirname, 'scheduledBackendChild.ts'), ['--config', options.configFile], {
      execArgv: ['--import', 'tsx'],
      // Run from the package root, as `npm start` does.
      cwd: path.join(__dirname, '..', '..'),
      // JSON log lines: no colors, and the message in a field of its own (backendLogLine.ts reads text too).
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.#rss = this.#child.pid === undefined ? undefined : new ProcessRssSampler(this.#child.pid);
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', line => this.#take(line));
    }
    this.#child.on('message', (message: ScheduledBackendMessage) => {
      if (message.type === 'started') this.#startedAt = performance.now();
    });
    this.#exited = new Promise(resolve => {
      // `on`, not `once`: a later 'error' (a failed kill) without a listener would throw.
      this.#child.on('error', error => {
        this.#exit ??= `failed: ${error.message}`;
        resolve();
      });
      this.#child.once('exit', (code, signal) => {
        this.#exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
        resolve();
      });
    });
  }

  get exited(): boolean {
    return this.#exit !== undefined;
  }

  /** Resolves with the time the backend reported started (plugins up, HTTP listening, scheduler running). */
  async started(bounds: WaitBounds): Promise<number> {
    return this.#until('to report the backend started', () => this.#startedAt, bounds);
  }

  /** Resolves with the completion line and when it arrived; fails if the child exits or stalls first. */
  async completed(bounds: WaitBounds): Promise<{ event: CycleComplete; at: number }> {
    return this.#until('to log the cycle complete', () => this.completion(), bounds);
  }

  /** The completion line, if it arrived. */
  completion(): { event: CycleComplete; at: number } | undefined {
    const found = this.#events.find(entry => entry.event.kind === 'complete');
    return found && { event: found.event as CycleComplete, at: found.at };
  }

  /** Peak RSS so far (the kernel's high-water mark); kept after the child is gone. */
  peakRssMb(): number {
    return this.#rss?.peakMb() ?? 0;
  }

  /** SIGKILL, and wait until the child is gone. */
  async kill(): Promise<void> {
    this.#rss?.peakMb();
    if (!this.exited) this.#child.kill('SIGKILL');
    await this.#exited;
    this.#rss?.stop();
  }

  /** `work`, with a failure of its own turned into one naming this child and its last lines. */
  async about<T>(what: string, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw this.failure(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** An error naming this child, with its last lines of output. */
  failure(problem: string): Error {
    return new Error(
      `backend child "${this.name}": ${problem}${this.#exit ? ` (${this.#exit})` : ''}; its last ${this.#lines.length} lines of output:\n` +
        this.#lines.map(line => `  | ${line}`).join('\n'),
    );
  }

  async #until<T>(what: string, check: () => T | undefined, bounds: WaitBounds): Promise<T> {
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (this.exited) throw this.failure(`stopped before it came ${what}`);
      const now = performance.now();
      const quietSince = this.#events.at(-1)?.at ?? this.#startedAt ?? this.spawnedAt;
      if (bounds.stallMs !== undefined && now - quietSince > bounds.stallMs) throw this.#stalled(bounds.stallMs, what);
      if (now > bounds.deadline) throw this.failure(`timed out waiting for it ${what}`);
      await new Promise(resolve => setTimeout(resolve, POLL_MS));
    }
  }

  /** No cycle line for `stallMs`: either the module logs none, or no next run came to continue the cycle. */
  #stalled(stallMs: number, what: string): Error {
    const seconds = Math.round(stallMs / 1000);
    const last = this.#events.at(-1)?.event;
    if (!last) {
      return this.failure(
        `no cycle line in ${seconds} s while waiting for it ${what} (expected "Profile ${this.#options.profileId}: cycle in progress: …" ` +
          'or "… cycle complete: …" at the end of every run; does the module log them?)',
      );
    }
    return this.failure(
      `the cycle stalled: no run ended in the ${seconds} s after the last cycle line (${last.kind === 'progress' ? `${last.done} of ${last.total} repositories done` : 'complete'}), ` +
        `while waiting for it ${what}; the backend's last lines say why (a run the scheduler stopped, rather than one that ended itself, may wait for the schedule's next run)`,
    );
  }

  #take(raw: string): void {
    const { token } = this.#options;
    const { message, text, access } = readLogLine(token ? raw.split(token).join('***') : raw);
    if (!access) {
      this.#lines.push(text.length > 1000 ? `${text.slice(0, 1000)}…` : text);
      if (this.#lines.length > KEPT_LINES) this.#lines.shift();
    }
    const event = cycleEventOf(message, this.#options.profileId);
    if (!event) return;
    const at = performance.now();
    this.#events.push({ event, at });
    this.#options.onCycleEvent?.(event, at);
  }
}
