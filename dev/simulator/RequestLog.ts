import type { IncomingMessage } from 'node:http';
import type { RequestTarget, RouteName } from './requestTarget';

/** One request as the simulator saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query, as sent (URL-encoded). */
  readonly path: string;
  readonly route: RouteName;
  readonly organization?: string;
  /** The decoded project segment before `_apis`, when there was one. */
  readonly project?: string;
  readonly query: Readonly<Record<string, string>>;
  /** 0 while unanswered, and for requests that were reset or left hanging. */
  readonly status: number;
  readonly authorization?: string;
  /** From `Accept: …;api-version=` or the `api-version` query parameter. */
  readonly apiVersion?: string;
  /** Arrival, epoch ms from the simulator clock. */
  readonly time: number;
}

export type MutableRecordedRequest = { -readonly [Key in keyof RecordedRequest]: RecordedRequest[Key] };

/** Every request the simulator saw, in arrival order; its status is filled in once answered. */
export class RequestLog {
  readonly #requests: MutableRecordedRequest[] = [];
  readonly #keep: boolean;
  readonly #clock: () => number;

  /** With `keep` false, requests are recorded for their answer but not kept (long benchmarks). */
  constructor(options: { keep: boolean; clock: () => number }) {
    this.#keep = options.keep;
    this.#clock = options.clock;
  }

  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  reset(): void {
    this.#requests.length = 0;
  }

  count(route?: RouteName): number {
    if (route === undefined) return this.#requests.length;
    return this.#requests.filter(request => request.route === route).length;
  }

  record(request: IncomingMessage, method: string, url: URL, target: RequestTarget): MutableRecordedRequest {
    const record: MutableRecordedRequest = {
      method,
      path: url.pathname,
      route: target.route,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      time: this.#clock(),
    };
    if (target.organization !== undefined) record.organization = target.organization;
    if (target.project !== undefined) record.project = target.project;
    if (request.headers.authorization !== undefined) record.authorization = request.headers.authorization;
    const apiVersion =
      /api-version=([^;,\s]+)/i.exec(request.headers.accept ?? '')?.[1] ?? url.searchParams.get('api-version');
    if (apiVersion) record.apiVersion = apiVersion;
    if (this.#keep) this.#requests.push(record);
    return record;
  }
}
