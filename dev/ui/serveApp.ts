/**
 * Serves the built catalog UI demo (dev/ui/dist) and the backend's API from one origin, so the app
 * needs no CORS settings in the backend and runs on any port: requests under /api/ go to the
 * backend, other paths that are no file get index.html (the app routes in the browser).
 *
 * The app reads its base URLs from the config built into index.html; the server appends one more
 * `backstage.io/config` script naming the origin it really listens on, which the app reads last, so
 * that value wins over the built-in defaults.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** Options of {@link serveApp}. */
export interface ServeAppOptions {
  /** The built app: the folder `backstage-cli package build` writes. */
  distDir: string;
  /** Where the backend listens, such as `http://localhost:7007`. */
  backendUrl: string;
  /** The port to listen on; 0 picks a free one. */
  port: number;
}

/** A running app server. */
export interface AppServer {
  /** The app's origin, such as `http://localhost:3000`. */
  url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the backend answers; `/api/` is every plugin's, as the app's discovery API builds them. */
function isBackendPath(path: string): boolean {
  return path.startsWith('/api/');
}

/** index.html with a config script, read last by the app, naming the origin the server listens on. */
function indexHtmlFor(template: string, origin: string): string {
  const runtimeConfig = [{ context: 'serveApp', data: { app: { baseUrl: origin }, backend: { baseUrl: origin } } }];
  const script = `<script type="backstage.io/config">${JSON.stringify(runtimeConfig)}</script>`;
  return template.includes('</head>') ? template.replace('</head>', `${script}</head>`) : `${script}${template}`;
}

function proxy(req: IncomingMessage, res: ServerResponse, backend: URL): void {
  const upstream = request(
    {
      protocol: backend.protocol,
      hostname: backend.hostname,
      port: backend.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: backend.host },
    },
    upstreamRes => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  upstream.on('error', error => {
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`The backend at ${backend.origin} did not answer (${error.message}). Is npm start running?\n`);
  });
  req.pipe(upstream);
}

/**
 * Starts the server; resolves once it listens. Binds to the loopback interface only: the demo
 * backend reads the catalog without any authentication.
 */
export async function serveApp(options: ServeAppOptions): Promise<AppServer> {
  const backend = new URL(options.backendUrl);
  const root = normalize(options.distDir);
  const template = await fs.readFile(join(root, 'index.html'), 'utf8');
  let origin = '';

  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://app').pathname);
    } catch {
      res.writeHead(400, { 'content-type': CONTENT_TYPES['.txt']! });
      res.end('Malformed path\n');
      return;
    }
    if (isBackendPath(path)) {
      proxy(req, res, backend);
      return;
    }
    const file = normalize(join(root, path));
    const sendIndex = () => {
      res.writeHead(200, { 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-store' });
      res.end(indexHtmlFor(template, origin));
    };
    if (!file.startsWith(root + sep) || path === '/' || path === '/index.html') {
      sendIndex();
      return;
    }
    // A path with an extension names a file (a script, a font): answer 404 rather than the app.
    const notFound = () => {
      // Browsers ask for an icon the app does not have; say so without logging an error.
      if (path === '/favicon.ico') {
        res.writeHead(204);
        res.end();
        return;
      }
      if (!extname(path)) {
        sendIndex();
        return;
      }
      res.writeHead(404, { 'content-type': CONTENT_TYPES['.txt']! });
      res.end(`Not found: ${path}\n`);
    };
    fs.stat(file).then(
      stat => {
        if (!stat.isFile()) {
          notFound();
          return;
        }
        res.writeHead(200, {
          'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          'content-length': stat.size,
        });
        createReadStream(file).pipe(res);
      },
      () => notFound(),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
