import {
  coreServices,
  createServiceFactory,
  type LoggerService,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/** One line a backend logged, with the metadata of its logger and of the call. */
export interface LogLine {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  /** Child-logger metadata merged with the call's own (an `Error` becomes its name, message and stack). */
  meta: Record<string, unknown>;
}

/**
 * Collects every line of a test backend in memory instead of printing it: install
 * {@link LogCapture.factory} as the backend's root logger, then assert on {@link LogCapture.lines}.
 * Plugin loggers are children of the root logger, so the catalog's and this module's lines all
 * land here, with `plugin`, `target` (the provider name) and the task ids as metadata.
 */
export class LogCapture {
  readonly lines: LogLine[] = [];

  /** A `coreServices.rootLogger` factory writing to this capture. */
  factory() {
    return createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: (): RootLoggerService => new CapturingLogger(this.lines, {}),
    });
  }

  /** Lines logged by one provider (`AzureDevOpsRepositoriesProvider:<profileId>`), from index `since` on. */
  ofProvider(profileId: string, since = 0): LogLine[] {
    const target = `AzureDevOpsRepositoriesProvider:${profileId}`;
    return this.lines.slice(since).filter(line => line.meta.target === target);
  }

  /** Every line, metadata included, as text: what a secret must never be part of. */
  text(): string {
    return this.lines.map(line => `${line.level} ${line.message} ${JSON.stringify(line.meta)}`).join('\n');
  }
}

class CapturingLogger implements RootLoggerService {
  readonly #lines: LogLine[];
  readonly #meta: Record<string, unknown>;

  constructor(lines: LogLine[], meta: Record<string, unknown>) {
    this.#lines = lines;
    this.#meta = meta;
  }

  error(message: string, meta?: Error | JsonObject): void {
    this.#log('error', message, meta);
  }

  warn(message: string, meta?: Error | JsonObject): void {
    this.#log('warn', message, meta);
  }

  info(message: string, meta?: Error | JsonObject): void {
    this.#log('info', message, meta);
  }

  debug(message: string, meta?: Error | JsonObject): void {
    this.#log('debug', message, meta);
  }

  child(meta: JsonObject): LoggerService {
    return new CapturingLogger(this.#lines, { ...this.#meta, ...meta });
  }

  #log(level: LogLine['level'], message: unknown, meta: Error | JsonObject | undefined): void {
    // Some callers (the scheduler's task worker) log an Error as the message itself.
    const text = message instanceof Error ? `${message.name}: ${message.message}\n${message.stack ?? ''}` : String(message);
    const own = meta instanceof Error ? { error: { name: meta.name, message: meta.message, stack: meta.stack } } : meta;
    this.#lines.push({ level, message: text, meta: { ...this.#meta, ...own } });
  }
}
