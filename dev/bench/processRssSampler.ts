/**
 * Peak resident set size of another process (the backend child), read from `/proc/<pid>/status`
 * every 100 ms. `VmHWM` is the kernel's own peak since the process started, so a spike between two
 * samples still counts; `VmRSS` is kept beside it for kernels that do not report `VmHWM`. A child
 * that is SIGKILLed keeps the peak of its last sample. Linux only: elsewhere the peak stays 0.
 */
import { readFileSync } from 'node:fs';

const INTERVAL_MS = 100;

export class ProcessRssSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  #peakKb = 0;

  constructor(pid: number) {
    this.#pid = pid;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), INTERVAL_MS);
    this.#timer.unref();
  }

  /** The peak so far, in MB with one decimal. */
  peakMb(): number {
    this.#sample();
    return Math.round((this.#peakKb / 1024) * 10) / 10;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #sample(): void {
    let status: string;
    try {
      status = readFileSync(`/proc/${this.#pid}/status`, 'utf8');
    } catch {
      return; // Gone (killed or exited), or no procfs.
    }
    for (const field of ['VmHWM', 'VmRSS']) {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      if (match) this.#peakKb = Math.max(this.#peakKb, Number(match[1]));
    }
  }
}
