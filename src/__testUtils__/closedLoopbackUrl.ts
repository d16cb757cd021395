import { createServer } from 'node:net';

/** `http://127.0.0.1:<port>` of a port that was free a moment ago and is closed now: connecting there is refused. */
export async function closedLoopbackUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>(resolve => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
