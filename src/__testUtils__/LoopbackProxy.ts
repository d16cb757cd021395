import { createServer, Socket, type Server } from 'node:net';

/**
 * What the proxy does with connections:
 * - `forward`: pipes them to the target, byte for byte;
 * - `refuse`: nothing listens on the port, so connecting fails with ECONNREFUSED;
 * - `blackhole`: accepts them and never answers, like a host behind a firewall that drops
 *   packets after the handshake (only loopback is used, so no real unroutable address).
 */
export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

/**
 * A TCP proxy on 127.0.0.1 in front of another loopback server, whose behaviour a test switches
 * while a backend keeps the same `apiUrl`: the way to make a host unreachable or silent and then
 * bring it back. It records every byte clients send, so a test can search the raw requests
 * (request lines and all headers) for secrets.
 */
export class LoopbackProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  readonly #sent: Buffer[] = [];
  #server: Server | undefined;
  #port = 0;
  #mode: ProxyMode = 'forward';

  private constructor(target: URL) {
    this.#target = { host: target.hostname, port: Number(target.port) };
  }

  /** Starts forwarding to `targetUrl` (`http://127.0.0.1:PORT`) on a free port. */
  static async start(targetUrl: string): Promise<LoopbackProxy> {
    const proxy = new LoopbackProxy(new URL(targetUrl));
    await proxy.#listen();
    return proxy;
  }

  /** `http://127.0.0.1:PORT`; the same whatever the mode. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get mode(): ProxyMode {
    return this.#mode;
  }

  /** Connections the proxy holds open right now (in `blackhole`: requests left without answer). */
  get openConnections(): number {
    return this.#sockets.size;
  }

  /** Everything clients sent through the proxy so far, as text. */
  sentText(): string {
    return Buffer.concat(this.#sent).toString('utf8');
  }

  /** Switches mode; every open connection is cut, so kept-alive sockets cannot bypass the new mode. */
  async setMode(mode: ProxyMode): Promise<void> {
    this.#mode = mode;
    this.#destroySockets();
    if (mode === 'refuse') await this.#close();
    else if (!this.#server) await this.#listen();
  }

  async stop(): Promise<void> {
    this.#destroySockets();
    await this.#close();
  }

  #destroySockets(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  async #listen(): Promise<void> {
    const server = createServer(client => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Port 0 at first; afterwards the same port again, so the URL a backend holds stays valid.
      server.listen(this.#port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('The proxy has no port');
    this.#port = address.port;
    this.#server = server;
  }

  async #close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>(resolve => server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.#track(client);
    client.on('data', chunk => this.#sent.push(chunk));
    if (this.#mode === 'blackhole') return;
    const upstream = new Socket();
    this.#track(upstream);
    upstream.connect(this.#target.port, this.#target.host);
    client.pipe(upstream);
    upstream.pipe(client);
    // One side closing or failing closes the other, as a real connection would.
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#sockets.delete(socket));
  }
}
