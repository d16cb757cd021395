/**
 * `npm run start:ui`: installs the catalog UI demo if needed, builds it, and serves it on
 * http://localhost:3000 in front of `npm start`'s backend (run that in another terminal).
 *
 *   --port <n>       where to serve the app (default 3000)
 *   --backend <url>  the backend to proxy /api to (default http://localhost:7007)
 */
import { parseArgs } from 'node:util';
import { buildApp, UI_DIST_DIR } from './buildApp';
import { serveApp } from './serveApp';

const DEFAULT_PORT = 3000;
const DEFAULT_BACKEND_URL = 'http://localhost:7007';

async function backendAnswers(backendUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${backendUrl}/api/catalog/entities?limit=1`);
    return response.ok;
  } catch {
    return false;
  }
}

async function main() {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: String(DEFAULT_PORT) }, backend: { type: 'string', default: DEFAULT_BACKEND_URL } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port: expected a port number, got ${values.port}`);
  }
  const backendUrl = values.backend.replace(/\/+$/, '');

  await buildApp({ log: line => console.log(line) });
  const server = await serveApp({ distDir: UI_DIST_DIR, backendUrl, port });
  console.log(`Catalog UI demo: ${server.url}/catalog (backend ${backendUrl}; Ctrl+C stops)`);
  if (!(await backendAnswers(backendUrl))) {
    console.log(`The backend at ${backendUrl} does not answer yet: run npm start in another terminal.`);
  }
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
