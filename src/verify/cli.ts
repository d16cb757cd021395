/**
 * `azure-devops-repositories-verify`: the token check of every profile of a config, before
 * deploying. The package's `bin/` script calls {@link runVerifyCommand} with the process's
 * arguments and streams; tests call it with their own.
 */
import { parseArgs } from 'node:util';
import { DefaultAzureDevOpsCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { createAzureDevOpsApiFactory, type AzureDevOpsApiFactory } from '../client/createAzureDevOpsApiFactory';
import { cleartextCredentialsWarning } from '../config/cleartextCredentialsWarning';
import { PROFILES_CONFIG_KEY } from '../config/defaults';
import { readProfileConfigs } from '../config/readProfileConfigs';
import type { ProfileConfig } from '../config/types';
import { loadConfigFiles } from './loadConfigFiles';
import { messageOf } from './messageOf';
import type { ProfileVerification } from './ProfileVerification';
import { verificationReport } from './verificationReport';
import { verifyProfile } from './verifyProfile';

/** The command's exit statuses. */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2 } as const;

export const USAGE = `Usage: azure-devops-repositories-verify [--config <file>]... [--profile <id>]... [--json]

Checks what each profile under ${PROFILES_CONFIG_KEY} may do with its
token: connect, list projects, list repositories, read a catalog file (required), and ask project
analysis and language metrics (optional). Each check is ok, missing (with the scope that grants it),
failed or skipped.

  --config <file>   a config file, repeatable, later files winning; \${VAR} is substituted from the
                    environment as in a backend (default: app-config.yaml, and
                    app-config.local.yaml when present, in the current directory)
  --profile <id>    check only this profile; repeatable
  --json            print the results as JSON
  -h, --help        print this help

Exit status: 0 when every required check of every profile passed, 1 when one did not, 2 for a
usage or configuration error.
`;

/** Where the command reads and writes; each defaults to the process's own. */
export interface VerifyCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Relative `--config` paths, and the default config files, are taken from here. */
  cwd: string;
  /** For `${VAR}` substitution and `APP_CONFIG_*` variables. */
  env: Record<string, string | undefined>;
  /** The clock, for `checkedAt`. Defaults to `Date.now`. */
  now?: () => number;
}

/**
 * Runs the command: reads the config, checks each profile (all at once), prints one report per
 * profile or the JSON of all. Resolves with the exit status, {@link EXIT}; never rejects.
 */
export async function runVerifyCommand(argv: readonly string[], io: Partial<VerifyCommandIo> = {}): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  const cwd = io.cwd ?? process.cwd();
  const env = io.env ?? process.env;

  let options: { config: string[]; profile: string[]; json: boolean; help: boolean };
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', multiple: true },
        profile: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    options = { config: values.config ?? [], profile: values.profile ?? [], json: values.json ?? false, help: values.help ?? false };
  } catch (error) {
    stderr(`${messageOf(error)}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (options.help) {
    stdout(USAGE);
    return EXIT.ok;
  }

  let profiles: ProfileConfig[];
  let factory: (profile: ProfileConfig) => AzureDevOpsApiFactory;
  try {
    const { config, files } = await loadConfigFiles(options.config, { cwd, env });
    // As AzureDevOpsRepositoriesProvider.fromConfig builds them, once for every profile.
    const integrations = ScmIntegrations.fromConfig(config);
    const configured = readProfileConfigs(config, { integrations });
    const credentialsProvider = DefaultAzureDevOpsCredentialsProvider.fromIntegrations(integrations);
    factory = profile => createAzureDevOpsApiFactory(profile, credentialsProvider);
    profiles = chosenProfiles(configured, options.profile, files);
  } catch (error) {
    stderr(`${messageOf(error)}\n`);
    return EXIT.usage;
  }

  for (const profile of profiles) {
    const warning = cleartextCredentialsWarning(profile);
    if (warning) stderr(`Warning: ${warning}\n`);
  }
  let verifications: ProfileVerification[];
  try {
    verifications = await Promise.all(profiles.map(profile => verifyProfile(profile, { createApi: factory(profile), now: io.now })));
  } catch (error) {
    // verifyProfile turns every answer into a check; only a bug gets here.
    stderr(`The token check stopped unexpectedly: ${messageOf(error)}\n`);
    return EXIT.checkFailed;
  }

  const allOk = verifications.every(verification => verification.ok);
  if (options.json) {
    stdout(`${JSON.stringify({ ok: allOk, profiles: verifications }, null, 2)}\n`);
  } else {
    stdout(verifications.map((verification, index) => verificationReport(verification, profiles[index])).join('\n'));
    stdout(`\n${overallLine(verifications)}\n`);
  }
  return allOk ? EXIT.ok : EXIT.checkFailed;
}

/** The profiles asked for with `--profile`, all when none was; throws naming what is not there. */
function chosenProfiles(configured: ProfileConfig[], wanted: string[], files: string[]): ProfileConfig[] {
  if (configured.length === 0) {
    throw new Error(`No profile under ${PROFILES_CONFIG_KEY} in ${files.join(', ')}`);
  }
  const unknown = wanted.filter(id => !configured.some(profile => profile.id === id));
  if (unknown.length > 0) {
    const ids = configured.map(profile => profile.id).join(', ');
    throw new Error(`No profile ${unknown.join(', ')} under ${PROFILES_CONFIG_KEY}; configured: ${ids}`);
  }
  return wanted.length === 0 ? configured : configured.filter(profile => wanted.includes(profile.id));
}

function overallLine(verifications: ProfileVerification[]): string {
  const failing = verifications.filter(verification => !verification.ok).map(verification => verification.profileId);
  const count = `${verifications.length} ${verifications.length === 1 ? 'profile' : 'profiles'}`;
  return failing.length === 0
    ? `Token check: ${count} checked, every required check passed.`
    : `Token check: ${count} checked, a required check did not pass for ${failing.join(', ')}.`;
}
