/**
 * Starts `npm start`'s backend (dev/index.ts: catalog, this module, the simulator's demo
 * organization) in a child process on a free port, so `npm run test:ui` runs beside a developer's
 * own `npm start`, and waits until the catalog holds every demo repository.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
/** The static token of app-config.yaml, for the module's status route; never reuse it. */
const DEMO_MONITORING_TOKEN = 'demo-monitoring-token-not-for-production';
const STOP_GRACE_MS = 5_000;

/** A Repository entity, as far as the UI test reads it. */
export interface RepositoryEntity {
  metadata: { name: string; title?: string; description?: string; links?: Array<{ url: string; title?: string }> };
  spec: { project: string; repository: string; owner?: string; system?: string; declaredEntities?: string[] };
  relations?: Array<{ type: string; targetRef: string }>;
}

/** A running demo backend. */
export interface DemoBackend {
  url: string;
  /** Every Repository entity once the first sync has landed in the catalog. */
  repositories: RepositoryEntity[];
  /** The backend's output so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Options of {@link startDemoBackend}. */
export interface StartDemoBackendOptions {
  /** How long to wait for the first sync's entities. */
  timeoutMs: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T | undefined> {
  try {
    const response = await fetch(url, { headers });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

interface ProfileStatus {
  lastSync?: { outcome: string; counts: { seen: number; emitted: number } } | null;
}

/**
 * SIGTERM, then SIGKILL after a grace period: the backend stops its plugins on SIGTERM, but its
 * shutdown waits for the events bus's long poll (about a minute), and this throwaway backend keeps
 * nothing worth a clean stop.
 */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Resolves once the demo profile's first sync succeeded and the catalog serves one Repository entity
 * for each repository it saw; rejects with the backend's output when it exits or times out.
 */
export async function startDemoBackend({ timeoutMs }: StartDemoBackendOptions): Promise<DemoBackend> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  // One node process (no npm in between), so stopping it stops the simulator in it too. Backstage
  // reads APP_CONFIG_* variables as config on top of app-config.yaml.
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/index.ts'], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, APP_CONFIG_backend_listen_port: String(port), APP_CONFIG_backend_baseUrl: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk));
  const backend: DemoBackend = {
    url,
    repositories: [],
    output: () => Buffer.concat(output).toString(),
    stop: () => stopChild(child),
  };

  try {
    await waitForRepositories(backend, child, timeoutMs);
    return backend;
  } catch (error) {
    await backend.stop();
    throw error;
  }
}

async function waitForRepositories(backend: DemoBackend, child: ChildProcess, timeoutMs: number): Promise<void> {
  const { url } = backend;
  const deadline = Date.now() + timeoutMs;
  let waitingFor = 'the backend to answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The demo backend exited with ${child.exitCode} before its catalog was ready:\n${backend.output()}`);
    }
    const status = await getJson<{ profiles: ProfileStatus[] }>(`${url}/api/catalog/azure-devops-repositories/profiles`, {
      authorization: `Bearer ${DEMO_MONITORING_TOKEN}`,
    });
    const lastSync = status?.profiles[0]?.lastSync;
    if (lastSync?.outcome === 'succeeded') {
      const entities = await getJson<RepositoryEntity[]>(`${url}/api/catalog/entities?filter=kind=Repository`);
      waitingFor = `${lastSync.counts.emitted} Repository entities in the catalog (${entities?.length ?? 0} so far)`;
      if (lastSync.counts.emitted !== lastSync.counts.seen) {
        throw new Error(`The demo sync saw ${lastSync.counts.seen} repositories but emitted ${lastSync.counts.emitted}`);
      }
      if (entities && entities.length === lastSync.counts.emitted) {
        backend.repositories = entities;
        return;
      }
    } else if (status) {
      waitingFor = 'the demo profile’s first sync';
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${waitingFor}:\n${backend.output()}`);
}
