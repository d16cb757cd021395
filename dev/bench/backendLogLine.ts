/**
 * A backend's output read back: each line's message, and the two `info` lines the module logs
 * about a sync cycle. The root logger of `@backstage/backend-defaults` writes JSON lines when
 * `NODE_ENV` is `production` and colored text otherwise; both are read, so the harness does not
 * depend on which one the child ends up with.
 */

/** A run ended with the cycle unfinished; the next run continues it. */
export interface CycleProgress {
  kind: 'progress';
  done: number;
  total: number;
  requests: number;
}

/** The cycle's last run ended: every repository was read and applied. */
export interface CycleComplete {
  kind: 'complete';
  total: number;
  runs: number;
  requests: number;
  seconds: number;
}

export type CycleEvent = CycleProgress | CycleComplete;

// Numbers are allowed thousands separators, in case the module ever formats them.
const NUMBER = '(\\d[\\d,]*)';

/** One output line, read. */
export interface LogLine {
  /** A JSON line's `message`, else the line without colors. */
  message: string;
  /** The line for a person: level, plugin or service, and message of a JSON line; else the message. */
  text: string;
  /** The HTTP access log of one request: here, mostly the harness's own polls of the catalog. */
  access: boolean;
}

export function readLogLine(line: string): LogLine {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { message?: unknown }).message === 'string') {
        const fields = parsed as Record<string, unknown>;
        const message = fields.message as string;
        const source = [fields.plugin ?? fields.service, fields.level].filter(value => typeof value === 'string').join(' ');
        return { message, text: `${source}: ${message}`, access: fields.type === 'incomingRequest' };
      }
    } catch {
      // Not JSON after all: read it as text.
    }
  }
  // eslint-disable-next-line no-control-regex
  const message = trimmed.replace(/\u001b\[[0-9;]*m/g, '');
  return { message, text: message, access: /\btype=incomingRequest\b/.test(message) };
}

/** The cycle event a message reports for profile `profileId`, if it reports one. */
export function cycleEventOf(message: string, profileId: string): CycleEvent | undefined {
  const prefix = `Profile ${escape(profileId)}: cycle`;
  const progress = new RegExp(`${prefix} in progress: ${NUMBER} of ${NUMBER} repositories, ${NUMBER} requests so far`).exec(message);
  if (progress) {
    return { kind: 'progress', done: int(progress[1]), total: int(progress[2]), requests: int(progress[3]) };
  }
  const complete = new RegExp(`${prefix} complete: ${NUMBER} repositories in ${NUMBER} runs?, ${NUMBER} requests, ([\\d.]+) s`).exec(message);
  if (complete) {
    return { kind: 'complete', total: int(complete[1]), runs: int(complete[2]), requests: int(complete[3]), seconds: Number(complete[4]) };
  }
  return undefined;
}

function int(text: string): number {
  return Number(text.replace(/,/g, ''));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
