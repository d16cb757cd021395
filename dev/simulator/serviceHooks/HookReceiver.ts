import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as the receiver got it. */
export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed from JSON, or the text as it came when it is no JSON. */
  body: unknown;
}

/**
 * A stand-in for a web hook target in tests: a loopback server that keeps every request and
 * answers with the statuses it is given, in turn, then with `finally` (202 by default, as the
 * Backstage events ingress answers).
 */
export class HookReceiver {
  readonly received: ReceivedHook[] = [];
  #statuses: number[] = [];
  #finally = 202;
  readonly #server: Server;
  #url = '';

  private constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', chunk => chunks.push(chunk as Buffer));
      request.on('end', () => {
        this.received.push({ path: request.url ?? '', headers: request.headers, body: parsedBody(Buffer.concat(chunks).toString('utf8')) });
        response.writeHead(this.#statuses.shift() ?? this.#finally, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
  }

  static async start(): Promise<HookReceiver> {
    const receiver = new HookReceiver();
    await new Promise<void>(resolve => receiver.#server.listen(0, '127.0.0.1', resolve));
    receiver.#url = `http://127.0.0.1:${(receiver.#server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** `http://127.0.0.1:PORT/api/events/http/azureDevOps`, the Backstage ingress path. */
  get url(): string {
    return `${this.#url}/api/events/http/azureDevOps`;
  }

  /** Answers the next requests with these statuses, then with `finallyStatus`. */
  answerWith(statuses: number[], finallyStatus = 202): void {
    this.#statuses = [...statuses];
    this.#finally = finallyStatus;
  }

  reset(): void {
    this.received.length = 0;
    this.answerWith([]);
  }

  /** The payloads received, as the service hooks they are. */
  payloads<T = Record<string, unknown>>(): T[] {
    return this.received.map(hook => hook.body as T);
  }

  stop(): Promise<void> {
    return new Promise(resolve => this.#server.close(() => resolve()));
  }
}

function parsedBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
