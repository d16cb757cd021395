import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  KubernetesValidatorFunctions,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConfigReader, type Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { z } from 'zod';
import { parseFieldPath } from '../mapping/fieldPath';
import { compileGlobs } from './globs';
import type {
  ApplicationContextAttribute,
  ApplicationContextAttributeId,
  ProfileConfig,
} from './types';

/** Where the profiles live in app-config. */
export const PROFILES_CONFIG_KEY = 'catalog.providers.azureDevOpsRepositories';

/** Azure DevOps Services; the organization is appended. */
export const DEFAULT_API_URL = 'https://dev.azure.com';

/**
 * The sync schedule of a profile without `schedule`. Global scope, because two backend replicas
 * sharing a database must run each sync once, not twice.
 */
export const DEFAULT_SCHEDULE: Readonly<SchedulerServiceTaskScheduleDefinition> = Object.freeze({
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 3 },
  scope: 'global',
});

/** The attributes attached when `backstageCatalog.attributes` is absent, with their paths. */
export const DEFAULT_ATTRIBUTE_PATHS: Readonly<Record<ApplicationContextAttributeId, string>> =
  Object.freeze({
    catalogName: 'metadata.name',
    title: 'metadata.title',
    category: 'spec.type',
    lifecycle: 'spec.lifecycle',
    owner: 'spec.owner',
    application: 'spec.system',
  });

const ATTRIBUTE_IDS = Object.keys(DEFAULT_ATTRIBUTE_PATHS) as ApplicationContextAttributeId[];
const PROFILE_ID = /^[A-Za-z0-9_-]+$/;
const MAX_FILE_BYTES_LIMIT = 5 * 1024 * 1024;

/**
 * Thrown when the profiles cannot be read. The message holds one line per problem, each naming
 * the full key path, so one start-up attempt shows everything to fix.
 */
export class InvalidConfigError extends Error {
  /** The problem lines, e.g. `catalog.providers.azureDevOpsRepositories.acme.organization: required`. */
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration of ${PROFILES_CONFIG_KEY}:\n${problems.join('\n')}`);
    this.name = 'InvalidConfigError';
    this.problems = problems;
  }
}

/**
 * Reads, validates and resolves every profile under
 * `catalog.providers.azureDevOpsRepositories`: defaults applied, URLs normalized, globs and field
 * paths compiled, schedule filled in. Returns the profiles sorted by id; none when the key is absent.
 *
 * @param config - The root config.
 * @throws InvalidConfigError listing every problem of every profile at once.
 */
export function readProfileConfigs(config: Config): ProfileConfig[] {
  const data = config.getOptionalConfig(PROFILES_CONFIG_KEY)?.get<Record<string, unknown>>() ?? {};
  const problems: string[] = [];
  const profiles: ProfileConfig[] = [];
  // Read only when a profile relies on it, and at most once.
  let integrations: ScmIntegrations | null | undefined;
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
    const keyOf = (path: PropertyKey[]) => `${PROFILES_CONFIG_KEY}.${id}${formatPath(path)}`;
    if (!PROFILE_ID.test(id)) {
      problems.push(`${keyOf([])}: a profile id may only hold letters, digits, "-" and "_"`);
      continue;
    }
    const result = profileSchema.safeParse(data[id], { error: messageOf });
    if (!result.success) {
      problems.push(...flattenIssues(result.error.issues).map(issue => `${keyOf(issue.path)}: ${issue.message}`));
      continue;
    }
    const profile = resolveProfile(id, result.data, credentialsOf);
    if ('problems' in profile) {
      problems.push(...profile.problems.map(issue => `${keyOf(issue.path)}: ${issue.message}`));
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
        `${PROFILES_CONFIG_KEY}.${profile.id}.profileName: "${profile.profileName}" is already the profileName of ${PROFILES_CONFIG_KEY}.${other}`,
      );
    }
  }

  if (problems.length > 0) {
    throw new InvalidConfigError(problems);
  }
  return profiles;
}

// ---------------------------------------------------------------------------------------------
// Schema. Numbers and booleans also accept strings, because `${ENV}` substitution yields strings
// and Backstage's own `getNumber`/`getBoolean` accept them too.

function integer(min: number, max: number, fallback: number) {
  return z.unknown().optional().transform((value, ctx) => {
    if (value === undefined) return fallback;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max) {
      return number;
    }
    ctx.issues.push({ code: 'custom', message: `expected an integer from ${min} to ${max}`, input: value });
    return z.NEVER;
  });
}

function flag(fallback: boolean) {
  return z.unknown().optional().transform((value, ctx) => {
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    ctx.issues.push({ code: 'custom', message: 'expected true or false', input: value });
    return z.NEVER;
  });
}

/** An http(s) URL without trailing slashes. The value is never echoed: it may carry credentials. */
const httpUrl = z.string().transform((value, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.issues.push({ code: 'custom', message: 'expected an http or https URL', input: value });
    return z.NEVER;
  }
  if (url.username || url.password || url.search || url.hash) {
    ctx.issues.push({
      code: 'custom',
      message: 'expected a URL without user name, password, query or fragment',
      input: value,
    });
    return z.NEVER;
  }
  return url.href.replace(/\/+$/, '');
});

const nonEmpty = z.string().min(1);

/**
 * A token as sent: tokens never hold whitespace, and one that does (a trailing newline from a secret
 * file is the usual way) would be rejected by Azure DevOps on every sync with a puzzling 401.
 */
const secret = nonEmpty.refine(value => !/\s/.test(value), {
  message: 'must not contain spaces or line breaks (a trailing newline from a secret file?)',
});

const globList = (what: string, allowEmpty: boolean) =>
  z
    .array(nonEmpty)
    .refine(list => allowEmpty || list.length > 0, {
      message: `must list at least one glob; remove the key to include every ${what}`,
    })
    .transform(list => (list.length > 0 ? compileGlobs(list) : undefined));

const fieldPath = z.string().transform((path, ctx) => {
  try {
    return { path, segments: parseFieldPath(path) };
  } catch (error) {
    ctx.issues.push({ code: 'custom', message: (error as Error).message, input: path });
    return z.NEVER;
  }
});

const attributeId = z.string().refine(
  (id): id is ApplicationContextAttributeId => (ATTRIBUTE_IDS as string[]).includes(id),
  { error: issue => `unknown attribute "${String(issue.input)}"; expected one of ${ATTRIBUTE_IDS.join(', ')}` },
);

/** `- owner` uses the default path; `- { id: owner, path: … }` names its own. */
const attribute = z.union(
  [
    attributeId,
    z.strictObject({ id: attributeId, path: fieldPath.optional() }),
  ],
  { error: `expected an attribute id (${ATTRIBUTE_IDS.join(', ')}) or { id, path }` },
);

const attributes = z.array(attribute).transform((entries, ctx): ApplicationContextAttribute[] => {
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const id = (typeof entry === 'string' ? entry : entry.id) as ApplicationContextAttributeId;
    if (seen.has(id)) {
      ctx.issues.push({ code: 'custom', message: `duplicate attribute "${id}"`, input: entries, path: [index] });
    }
    seen.add(id);
    const path = typeof entry === 'string' ? undefined : entry.path;
    return path ? { id, ...path } : defaultAttribute(id);
  });
});

const filename = z.string().transform((value, ctx) => {
  // Paths are from the repository root either way; Azure DevOps accepts both forms.
  const path = value.replace(/^\/+/, '');
  const problem =
    path === ''
      ? 'must not be empty'
      : path.includes('\\')
        ? 'must use "/" between folders, not "\\"'
        : path.split('/').includes('..')
          ? 'must not contain ".." segments'
          : path.endsWith('/')
            ? 'must name a file, not a folder'
            : undefined;
  if (problem) {
    ctx.issues.push({ code: 'custom', message: problem, input: value });
    return z.NEVER;
  }
  return path;
});

const entityRef = z.string().transform((value, ctx) => {
  try {
    const ref = parseEntityRef(value, { defaultKind: 'Group', defaultNamespace: 'default' });
    if (
      KubernetesValidatorFunctions.isValidObjectName(ref.name) &&
      KubernetesValidatorFunctions.isValidNamespace(ref.namespace)
    ) {
      return stringifyEntityRef(ref);
    }
  } catch {
    // Reported below, in the same words as an invalid name.
  }
  ctx.issues.push({
    code: 'custom',
    message: `"${value}" is not a valid entity ref, e.g. team-a or group:default/team-a`,
    input: value,
  });
  return z.NEVER;
});

const profileSchema = z.strictObject({
  profileName: nonEmpty.refine(value => value.trim() !== '', { message: 'must not be blank' }),
  organization: nonEmpty
    .refine(value => !value.includes('/'), {
      message: 'must be one organization (or collection) name, without "/"',
    })
    // The name goes into every URL as it is; " acme" answers 404 on every sync.
    .refine(value => value.trim() === value, {
      message: 'must not start or end with spaces',
    }),
  apiUrl: httpUrl.optional(),
  token: secret.optional(),
  broker: z.strictObject({ url: httpUrl, token: secret }).optional(),
  backstageCatalog: z
    .strictObject({
      enabled: flag(true),
      filename: filename.default('catalog-info.yaml'),
      attributes: attributes.optional(),
      ingestEntities: flag(false),
      maxFileBytes: integer(1, MAX_FILE_BYTES_LIMIT, 256 * 1024),
    })
    .prefault({}),
  filters: z
    .strictObject({
      projects: globList('project', false).optional(),
      excludeProjects: globList('project', true).optional(),
      repositories: globList('repository', false).optional(),
      excludeRepositories: globList('repository', true).optional(),
      includeDisabled: flag(true),
      includeForks: flag(true),
    })
    .prefault({}),
  defaultOwner: entityRef.optional(),
  concurrency: integer(1, 64, 8),
  requestTimeoutSeconds: integer(1, 600, 60),
  maxRetries: integer(0, 10, 4),
  // Only the shape here; the Backstage reader below checks durations and scope.
  schedule: z
    .strictObject({
      frequency: z.unknown().optional(),
      timeout: z.unknown().optional(),
      initialDelay: z.unknown().optional(),
      scope: z.unknown().optional(),
    })
    .optional(),
});

type ParsedProfile = z.output<typeof profileSchema>;

// ---------------------------------------------------------------------------------------------
// Rules across keys, and what the schema cannot know.

interface Issue {
  path: PropertyKey[];
  message: string;
}

function resolveProfile(
  id: string,
  parsed: ParsedProfile,
  hasCredentials: (host: string, organization: string) => boolean,
): ProfileConfig | { problems: Issue[] } {
  const problems: Issue[] = [];
  const apiUrl = parsed.apiUrl ?? DEFAULT_API_URL;
  const host = new URL(apiUrl).host;
  const { organization, token, broker } = parsed;

  if (token !== undefined && broker !== undefined) {
    // The broker adds credentials inside the customer network; a PAT must never leave with the request.
    problems.push({
      path: ['token'],
      message: 'must not be set together with broker: the broker adds the credentials, so no token is sent',
    });
  }
  if (token === undefined && broker === undefined && !hasCredentials(host, organization)) {
    problems.push({
      path: ['token'],
      message: `required, because neither broker is set nor integrations.azure has credentials for ${host}/${organization}`,
    });
  }

  let schedule: SchedulerServiceTaskScheduleDefinition = structuredClone(DEFAULT_SCHEDULE);
  if (parsed.schedule) {
    try {
      const configured = readSchedulerServiceTaskScheduleDefinitionFromConfig(
        new ConfigReader(parsed.schedule as Record<string, never>),
      );
      // Without a scope Backstage runs the task on every replica; one sync per interval is wanted.
      schedule = { ...configured, scope: configured.scope ?? 'global' };
    } catch (error) {
      problems.push({ path: ['schedule'], message: (error as Error).message });
    }
  }

  if (problems.length > 0) {
    return { problems };
  }
  const { backstageCatalog, filters } = parsed;
  return {
    id,
    profileName: parsed.profileName,
    organization,
    apiUrl,
    host,
    organizationUrl: `${apiUrl}/${encodeURIComponent(organization)}`,
    ...(token !== undefined && { token }),
    ...(broker !== undefined && { broker }),
    backstageCatalog: {
      ...backstageCatalog,
      attributes: backstageCatalog.attributes ?? ATTRIBUTE_IDS.map(defaultAttribute),
    },
    filters,
    ...(parsed.defaultOwner !== undefined && { defaultOwner: parsed.defaultOwner }),
    concurrency: parsed.concurrency,
    requestTimeoutMs: parsed.requestTimeoutSeconds * 1000,
    maxRetries: parsed.maxRetries,
    schedule,
  };
}

/**
 * Whether `integrations.azure` holds a credential for this host and organization. A credential
 * without organizations serves all of them. An integration without credentials does not count,
 * even though `ScmIntegrations` always adds one for dev.azure.com: it could only fall back to
 * ambient Azure credentials, which is too surprising to rely on silently.
 */
function hasIntegrationCredentials(
  integrations: ScmIntegrations,
  host: string,
  organization: string,
): boolean {
  const wanted = organization.toLowerCase();
  return (integrations.azure.byHost(host)?.config.credentials ?? []).some(
    credential =>
      !credential.organizations?.length ||
      credential.organizations.some(name => name.toLowerCase() === wanted),
  );
}

function defaultAttribute(id: ApplicationContextAttributeId): ApplicationContextAttribute {
  const path = DEFAULT_ATTRIBUTE_PATHS[id];
  return { id, path, segments: parseFieldPath(path) };
}

// ---------------------------------------------------------------------------------------------
// Turning zod issues into short lines.

/** Short human words for zod's issues. Never includes the input: it may be a secret. */
function messageOf(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return {
        string: 'expected a string',
        object: 'expected an object',
        array: 'expected a list',
      }[issue.expected as string] ?? `expected ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string' ? 'must not be empty' : undefined;
    default:
      return undefined;
  }
}

/** One line per unknown key, and the relevant branch of a union when the input's type picks one. */
function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap(issue => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map(key => ({ path: [...path, key], message: 'unknown key' }));
    }
    if (issue.code === 'invalid_union') {
      const typed = issue.errors.filter(
        branch => !branch.some(inner => inner.code === 'invalid_type' && inner.path.length === 0),
      );
      if (typed.length === 1) return flattenIssues(typed[0], path);
    }
    return [{ path, message: issue.message }];
  });
}

/** `['b', 1, 'c']` → `.b[1].c`, to follow a profile's key. */
function formatPath(path: PropertyKey[]): string {
  return path.map(part => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
}
