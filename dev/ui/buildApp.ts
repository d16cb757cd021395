/**
 * Installs the catalog UI demo's own dependencies when needed and builds it into dev/ui/dist.
 *
 * The demo is a package of its own with its own lockfile, so the module's `npm ci` never installs
 * its ~1,400 packages; this runs `npm ci` in dev/ui on first use, and again whenever the lockfile
 * is newer than the installed tree (npm writes node_modules/.package-lock.json on every install).
 * Only Node built-ins are imported here: this file runs before those dependencies exist.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The demo package's folder. */
export const UI_DIR = __dirname;
/** Where the build writes the app. */
export const UI_DIST_DIR = join(UI_DIR, 'dist');

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Receives one line per step. */
  log: (line: string) => void;
}

/** Runs a command in dev/ui; its output is shown only when it fails, as it is long and routine. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: UI_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) {
        resolve();
        return;
      }
      reject(new Error(`${command} ${args.join(' ')} in ${UI_DIR} exited with ${code}:\n${Buffer.concat(output).toString()}`));
    });
  });
}

/** Whether node_modules is missing or older than the lockfile. */
function needsInstall(): boolean {
  const installed = join(UI_DIR, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) {
    return true;
  }
  return statSync(installed).mtimeMs < statSync(join(UI_DIR, 'package-lock.json')).mtimeMs;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}

/** Installs when {@link needsInstall}, then builds; rejects with the command's output on failure. */
export async function buildApp({ log }: BuildAppOptions): Promise<void> {
  if (needsInstall()) {
    log('Installing the catalog UI demo (dev/ui: npm ci, about 1,400 packages; once, or when its lockfile changes)...');
    const started = Date.now();
    await run('npm', ['ci', '--no-audit', '--no-fund']);
    log(`Installed in ${seconds(started)}.`);
  }
  log('Building the catalog UI demo (dev/ui: npm run build)...');
  const started = Date.now();
  await run('npm', ['run', 'build']);
  log(`Built in ${seconds(started)}.`);
}
