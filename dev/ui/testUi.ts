/**
 * `npm run test:ui`: the browser test of the catalog UI demo, and the generator of the README's
 * screenshots (docs/screenshots/). Installs and builds the app (dev/ui) when needed, starts the demo
 * backend and the app on free ports, drives Debian's Chromium through playwright-core, and stops
 * everything it started. Exits 0 when every check passes, 1 otherwise, listing every failure.
 *
 * Not part of `npm test`: it needs the UI's own dependencies and a browser.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, UI_DIST_DIR } from './buildApp';
import { serveApp, type AppServer } from './serveApp';
import { startDemoBackend, type DemoBackend } from './startDemoBackend';

const SCREENSHOT_DIR = join(__dirname, '..', '..', 'docs', 'screenshots');
/** The README's repository page: an owner, a system and a declared component. */
const FEATURED = { project: 'Platform', repository: 'api' };
/** The first sync lands within seconds; a busy CI machine may need much longer to start the backend. */
const BACKEND_TIMEOUT_MS = 180_000;

const started = Date.now();
function log(line: string) {
  console.log(`[test:ui ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
}

async function main(): Promise<number> {
  await buildApp({ log });

  log('Starting the demo backend (dev/index.ts) on a free port');
  let backend: DemoBackend | undefined;
  let server: AppServer | undefined;
  try {
    backend = await startDemoBackend({ timeoutMs: BACKEND_TIMEOUT_MS });
    log(`Backend ${backend.url}: ${backend.repositories.length} Repository entities`);
    server = await serveApp({ distDir: UI_DIST_DIR, backendUrl: backend.url, port: 0 });
    log(`App ${server.url}`);

    const featured = backend.repositories.find(
      ({ spec }) => spec.project === FEATURED.project && spec.repository === FEATURED.repository,
    );
    if (!featured) {
      throw new Error(`The demo organization has no repository ${FEATURED.project}/${FEATURED.repository} to feature`);
    }
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    // Loaded only now: playwright-core is one of the dependencies buildApp has just installed.
    const { runBrowserChecks } = await import('./runBrowserChecks');
    const failures = await runBrowserChecks({
      appUrl: server.url,
      repositories: backend.repositories,
      featured,
      screenshotDir: SCREENSHOT_DIR,
      log,
    });
    log(`Screenshots in ${SCREENSHOT_DIR}`);
    if (failures.length > 0) {
      console.error(`\n${failures.length} UI checks failed:\n${failures.map(failure => `  - ${failure}`).join('\n')}`);
      return 1;
    }
    log('All UI checks passed');
    return 0;
  } finally {
    await server?.close();
    await backend?.stop();
  }
}

main().then(
  code => process.exit(code),
  error => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
