/**
 * The shape of one profile, as zod checks it: types, ranges, unknown keys, defaults. Rules across
 * keys (a token or a broker, not both) and what needs other config (the schedule reader,
 * `integrations.azure`) are in `resolveProfile`.
 *
 * Numbers and booleans also accept strings, because `${ENV}` substitution yields strings and
 * Backstage's own `getNumber`/`getBoolean` accept them too.
 */
import {
  KubernetesValidatorFunctions,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { z } from 'zod';
import { parseHttpUrl } from '../common/parseHttpUrl';
import { ATTRIBUTE_IDS, defaultAttribute, LIMITS, NEVER_INGESTED_KINDS } from './defaults';
import { parseFieldPath } from './fieldPath';
import { compileGlobs } from './compileGlobs';
import type { ApplicationContextAttribute, ApplicationContextAttributeId } from './types';

function integer(limits: { min: number; max: number; default: number }) {
  return optionalInteger(limits).transform(value => value ?? limits.default);
}

/** Like {@link integer}, but undefined when absent, for defaults that depend on other keys. */
function optionalInteger(limits: { min: number; max: number }) {
  return z.unknown().optional().transform((value, ctx) => {
    if (value === undefined) return undefined;
    return integerOrIssue(value, limits, ctx, '');
  });
}

/** An integer limit that `off` (or `false`) turns off: undefined then. */
function integerOrOff(limits: { min: number; max: number; default: number }) {
  return z.unknown().optional().transform((value, ctx) => {
    if (value === undefined) return limits.default;
    if (value === 'off' || value === false || value === 'false') return undefined;
    return integerOrIssue(value, limits, ctx, ', or off');
  });
}

function integerOrIssue(
  value: unknown,
  { min, max }: { min: number; max: number },
  ctx: z.RefinementCtx,
  alternatives: string,
): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max) {
    return number;
  }
  ctx.issues.push({ code: 'custom', message: `expected an integer from ${min} to ${max}${alternatives}`, input: value });
  return z.NEVER;
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
  const url = parseHttpUrl(value);
  if (!url) {
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

const ingestKind = z
  .string()
  .refine(kind => KubernetesValidatorFunctions.isValidKind(kind), {
    error: issue => `"${String(issue.input)}" is not an entity kind, e.g. Component`,
  })
  .refine(kind => !NEVER_INGESTED_KINDS.some(never => never.toLowerCase() === kind.toLowerCase()), {
    error: issue =>
      `"${String(issue.input)}" is never ingested: a Location would make the catalog read whatever its target names; remove it`,
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

export const profileSchema = z.strictObject({
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
      ingestKinds: z.array(ingestKind).optional(),
      maxFileBytes: integer(LIMITS.maxFileBytes),
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
  insights: z
    .strictObject({
      freshness: flag(true),
      languages: flag(true),
      contributors: flag(true),
    })
    .prefault({}),
  defaultOwner: entityRef.optional(),
  concurrency: integer(LIMITS.concurrency),
  requestTimeoutSeconds: integer(LIMITS.requestTimeoutSeconds),
  maxRetries: integer(LIMITS.maxRetries),
  maxRetryAfterSeconds: optionalInteger(LIMITS.maxRetryAfterSeconds),
  maxRemovedPercent: integerOrOff(LIMITS.maxRemovedPercent),
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

/** A profile as the schema gives it: every default applied, not yet checked across keys. */
export type ParsedProfile = z.output<typeof profileSchema>;
