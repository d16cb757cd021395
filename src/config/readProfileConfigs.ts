import type { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { hasIntegrationCredentials } from './hasIntegrationCredentials';
import {
  flattenIssues,
  InvalidConfigError,
  messageOf,
  problemLine,
} from './InvalidConfigError';
import { PROFILES_CONFIG_KEY } from './defaults';
import { profileSchema } from './profileSchema';
import { resolveProfile } from './resolveProfile';
import type { ProfileConfig } from './types';

const PROFILE_ID = /^[A-Za-z0-9_-]+$/;

/**
 * Reads, validates and resolves every profile under
 * `catalog.providers.azureDevOpsRepositories`: defaults applied, URLs normalized, globs and field
 * paths compiled, schedule filled in. Returns the profiles sorted by id; none when the key is absent.
 *
 * @param config - The root config.
 * @param options - `integrations`: the caller's `ScmIntegrations`, so it is built once; read from
 * `config` when absent.
 * @throws InvalidConfigError listing every problem of every profile at once.
 */
export function readProfileConfigs(
  config: Config,
  options: { integrations?: ScmIntegrations } = {},
): ProfileConfig[] {
  const data = config.getOptionalConfig(PROFILES_CONFIG_KEY)?.get<Record<string, unknown>>() ?? {};
  const problems: string[] = [];
  const profiles: ProfileConfig[] = [];
  // Read only when a profile relies on it, and at most once.
  let integrations: ScmIntegrations | null | undefined = options.integrations;
  const credentialsOf = (host: string, organization: string) => {
    if (integrations === undefined) {
      try {
        integrations = ScmIntegrations.fromConfig(config);
      } catch (error) {
        problems.push(`integrations: ${(error as Error).message}`);
        integrations = null;
      }
    }
    return integrations !== null && hasIntegrationCredentials(integrations, host, organization);
  };

  for (const id of Object.keys(data).sort()) {
    if (!PROFILE_ID.test(id)) {
      problems.push(problemLine(id, { path: [], message: 'a profile id may only hold letters, digits, "-" and "_"' }));
      continue;
    }
    const result = profileSchema.safeParse(data[id], { error: messageOf });
    if (!result.success) {
      problems.push(...flattenIssues(result.error.issues).map(issue => problemLine(id, issue)));
      continue;
    }
    const profile = resolveProfile(id, result.data, credentialsOf);
    if ('problems' in profile) {
      problems.push(...profile.problems.map(issue => problemLine(id, issue)));
    } else {
      profiles.push(profile);
    }
  }

  // Profile names identify profiles in logs and status; two alike would be ambiguous.
  const firstWithName = new Map<string, string>();
  for (const profile of profiles) {
    const other = firstWithName.get(profile.profileName);
    if (other === undefined) {
      firstWithName.set(profile.profileName, profile.id);
    } else {
      problems.push(
        problemLine(profile.id, {
          path: ['profileName'],
          message: `"${profile.profileName}" is already the profileName of ${PROFILES_CONFIG_KEY}.${other}`,
        }),
      );
    }
  }

  if (problems.length > 0) {
    throw new InvalidConfigError(problems);
  }
  return profiles;
}
