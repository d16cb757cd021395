/**
 * The `azure-devops-repositories-verify` command, run in-process on config files against the
 * simulator over loopback (exit status, report, JSON, config errors), and `npm run verify` once as
 * a child process, as a newcomer runs it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization } from '../../dev/simulator';
import { closedLoopbackUrl } from '../__testUtils__/closedLoopbackUrl';
import { runVerifyCommand, USAGE } from './cli';

const FULL = 'cli-full-scopes-pat-0001';
const WITHOUT_CODE = 'cli-without-code-pat-0002';
const REVOKED = 'cli-revoked-pat-0003';
const BROKER = 'cli-broker-token-0004';
const WITHOUT_ANALYTICS = 'cli-without-analytics-pat-0005';
const SECRETS = [FULL, WITHOUT_CODE, REVOKED, BROKER, WITHOUT_ANALYTICS];
const REPO_ROOT = path.resolve(__dirname, '../..');

let simulator: AzureDevOpsSimulator;
let closedUrl: string;
let directory: string;

beforeAll(async () => {
  simulator = await AzureDevOpsSimulator.start({
    organizations: [loadOrganization(DEMO_ORGANIZATION_FIXTURE)],
    tokens: [FULL, WITHOUT_CODE, WITHOUT_ANALYTICS],
    brokerTokens: [BROKER],
    tokenScopes: { [WITHOUT_CODE]: ['vso.project', 'vso.analytics'], [WITHOUT_ANALYTICS]: ['vso.code', 'vso.project'] },
  });
  closedUrl = await closedLoopbackUrl();
  directory = await mkdtemp(path.join(tmpdir(), 'verify-cli-'));
});

afterAll(async () => {
  await simulator.stop();
  await rm(directory, { recursive: true, force: true });
});

/** A config file with the given profiles, each on the simulator's demo organization unless it says otherwise. */
async function configFile(name: string, profiles: Record<string, Record<string, unknown>>): Promise<string> {
  const lines = ['catalog:', '  providers:', '    azureDevOpsRepositories:'];
  for (const [id, fields] of Object.entries(profiles)) {
    lines.push(`      ${id}:`);
    const profile = { profileName: `Profile ${id}`, organization: 'demo', apiUrl: '${SIMULATOR_URL}', maxRetries: 0, requestTimeoutSeconds: 2, ...fields };
    for (const [key, value] of Object.entries(profile)) lines.push(`        ${key}: ${JSON.stringify(value)}`);
  }
  const file = path.join(directory, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command in-process, and asserts no secret reached its output. */
async function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runVerifyCommand(args, {
    stdout: text => void (stdout += text),
    stderr: text => void (stderr += text),
    cwd: options.cwd ?? directory,
    env: { SIMULATOR_URL: simulator.url, ...options.env },
  });
  for (const secret of SECRETS) expect(`${stdout}${stderr}`).not.toContain(secret);
  return { code, stdout, stderr };
}

describe('azure-devops-repositories-verify', () => {
  it('exits 0 and reports every check ok for a token of every scope, the token from ${VAR}', async () => {
    const file = await configFile('full.yaml', { demo: { token: '${DEMO_TOKEN}' } });
    const { code, stdout, stderr } = await run(['--config', file], { env: { DEMO_TOKEN: FULL } });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.replaceAll(simulator.url, 'URL')).toBe(
      [
        'Profile demo (Profile demo): URL/demo',
        '  ok       connection         authenticated as Simulated User on Azure DevOps Services',
        '  ok       projects           4 projects listed',
        '  ok       repositories       4 repositories listed in project Platform',
        '  ok       file               read /catalog-info.yaml of repository Platform/platform-docs',
        '  ok       project analysis*  the repository activity of project Platform answered: syncs read only the files of repositories pushed to',
        '  ok       languages*         the language metrics of project Platform answered',
        '  token                       accepted; its expiry date cannot be known here: Azure DevOps tells it only to its PAT lifecycle API, which takes a Microsoft Entra token, not the PAT',
        '  result                      ok: every required check passed (* optional)',
        '',
        'Token check: 1 profile checked, every required check passed.',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 for a token missing Code (read), naming the scope', async () => {
    const file = await configFile('without-code.yaml', { demo: { token: WITHOUT_CODE } });
    const { code, stdout } = await run(['--config', file]);
    expect(code).toBe(1);
    expect(stdout).toContain('  missing  repositories       Code (read) missing: listing the repositories of project Platform answered 401\n');
    expect(stdout).toContain('  skipped  file               not tried: no repository could be listed\n');
    expect(stdout).toContain('  result                      FAILED: a required check did not pass (* optional)\n');
    expect(stdout).toMatch(/Token check: 1 profile checked, a required check did not pass for demo\.\n$/);
  });

  it('exits 0 for a token missing Analytics (read): what it grants is optional', async () => {
    const file = await configFile('without-analytics.yaml', { demo: { token: WITHOUT_ANALYTICS } });
    const { code, stdout } = await run(['--config', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('  missing  project analysis*  Analytics (read) missing: listing the repository activity of project Platform answered 401;');
    expect(stdout).toContain('  missing  languages*         Analytics (read) missing: reading the language metrics of project Platform answered 401;');
    expect(stdout).toContain('  result                      ok: every required check passed (* optional)\n');
  });

  it('exits 1 for a revoked token: the connection fails, nothing else is tried', async () => {
    const file = await configFile('revoked.yaml', { demo: { token: REVOKED } });
    const { code, stdout } = await run(['--config', file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}failed {3}connection {9}.*the token was rejected/m);
    expect(stdout.match(/^ {2}skipped /gm)).toHaveLength(5);
    expect(stdout).toMatch(/^ {2}token {23}refused without a reason: the token may be revoked, expired or unknown/m);
  });

  it('exits 1 for an unreachable host', async () => {
    const file = await configFile('unreachable.yaml', { demo: { token: FULL, apiUrl: closedUrl } });
    const { code, stdout } = await run(['--config', file]);
    expect(code).toBe(1);
    expect(stdout).toContain(`reading the connection data failed: ECONNREFUSED talking to ${new URL(closedUrl).host}`);
  });

  it('reports the broker of a broker profile: reachable, or not', async () => {
    const file = await configFile('brokers.yaml', {
      up: { broker: { url: '${SIMULATOR_URL}', token: BROKER } },
      down: { broker: { url: closedUrl, token: BROKER } },
    });
    const { code, stdout } = await run(['--config', file]);
    expect(code).toBe(1);
    const host = new URL(simulator.url).host;
    expect(stdout).toContain(`Profile up (Profile up): organization demo through the broker at ${host}\n`);
    expect(stdout).toContain(`  broker   reachable          the broker at ${host} answered\n`);
    expect(stdout).toMatch(new RegExp(`^ {2}broker {3}unreachable {8}the broker at ${new URL(closedUrl).host} is unreachable: `, 'm'));
    expect(stdout).toMatch(/Token check: 2 profiles checked, a required check did not pass for down\.\n$/);
  });

  it('checks only the profiles named with --profile, and prints JSON with --json', async () => {
    const file = await configFile('two.yaml', { good: { token: FULL }, bad: { token: REVOKED } });
    const { code, stdout } = await run(['--config', file, '--profile', 'good', '--json']);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { ok: boolean; profiles: Array<{ profileId: string; ok: boolean; checks: unknown[] }> };
    expect(printed.ok).toBe(true);
    expect(printed.profiles.map(profile => [profile.profileId, profile.ok, profile.checks.length])).toEqual([['good', true, 6]]);
  });

  it('reads app-config.yaml and app-config.local.yaml from the current directory by default, the local file winning', async () => {
    const cwd = await mkdtemp(path.join(directory, 'default-'));
    await writeFile(
      path.join(cwd, 'app-config.yaml'),
      'catalog:\n  providers:\n    azureDevOpsRepositories:\n      demo:\n        profileName: Demo\n        organization: demo\n        apiUrl: ${SIMULATOR_URL}\n        token: ${NOT_SET}\n        maxRetries: 0\n',
    );
    await writeFile(path.join(cwd, 'app-config.local.yaml'), `catalog:\n  providers:\n    azureDevOpsRepositories:\n      demo:\n        token: ${FULL}\n`);
    await expect(run([], { cwd })).resolves.toMatchObject({ code: 0 });
  });

  describe('usage and configuration errors exit 2', () => {
    it.each([
      ['an unknown option', ['--verbose'], /^Unknown option '--verbose'/],
      ['a config file that is not there', ['--config', 'nowhere.yaml'], /^Config file .*nowhere\.yaml does not exist\n$/],
    ])('%s', async (_name, args, message) => {
      const { code, stderr, stdout } = await run(args);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toMatch(message);
    });

    it('a config file that does not parse, naming it', async () => {
      const file = path.join(directory, 'broken.yaml');
      await writeFile(file, 'catalog: [\n');
      const { code, stderr } = await run(['--config', file]);
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`^Could not read ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    });

    it('no app-config.yaml in the current directory', async () => {
      const cwd = await mkdtemp(path.join(directory, 'empty-'));
      const { code, stderr } = await run([], { cwd });
      expect(code).toBe(2);
      expect(stderr).toBe(`No config file: ${path.join(cwd, 'app-config.yaml')} does not exist; name one with --config <file>\n`);
    });

    it('a profile the config does not have', async () => {
      const file = await configFile('one.yaml', { demo: { token: FULL } });
      const { code, stderr } = await run(['--config', file, '--profile', 'prod']);
      expect(code).toBe(2);
      expect(stderr).toBe('No profile prod under catalog.providers.azureDevOpsRepositories; configured: demo\n');
    });

    it('a config without profiles', async () => {
      const file = path.join(directory, 'no-profiles.yaml');
      await writeFile(file, 'catalog:\n  locations: []\n');
      const { code, stderr } = await run(['--config', file]);
      expect(code).toBe(2);
      expect(stderr).toBe(`No profile under catalog.providers.azureDevOpsRepositories in ${file}\n`);
    });

    it('an invalid profile, naming the key and never the token', async () => {
      const file = await configFile('invalid.yaml', { demo: { token: FULL, organization: '', concurrency: 0 } });
      const { code, stderr } = await run(['--config', file]);
      expect(code).toBe(2);
      expect(stderr).toContain('catalog.providers.azureDevOpsRepositories.demo.concurrency');
    });

    it('--help prints the usage and exits 0', async () => {
      await expect(run(['--help'])).resolves.toEqual({ code: 0, stdout: USAGE, stderr: '' });
    });
  });
});

describe('npm run verify', () => {
  it('checks the demo profile against a simulator of its own, and exits 0', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'dev/verify.ts'], { cwd: REPO_ROOT, timeout: 30_000 });
    expect(stdout).toMatch(/^Checking the demo profile against the bundled Azure DevOps simulator at http:\/\/127\.0\.0\.1:\d+\/demo\n/);
    expect(stdout).toContain('  result                      ok: every required check passed (* optional)\n');
    expect(stdout).toMatch(/Token check: 1 profile checked, every required check passed\.\n$/);
  });

  it('runs the command on the file given with --config, exiting with its status', async () => {
    const file = await configFile('child-unreachable.yaml', { demo: { token: FULL, apiUrl: closedUrl } });
    const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'dev/verify.ts', '--config', file], { cwd: REPO_ROOT, timeout: 30_000 }).then(
      () => undefined,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain('ECONNREFUSED');
  });
});
