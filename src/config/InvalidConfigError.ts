/**
 * Configuration problems as lines a person can act on: each names the full key path and says what
 * is wrong, and none echoes a value (it may be a secret).
 */
import type { z } from 'zod';
import { PROFILES_CONFIG_KEY } from './defaults';

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

/** One problem within a profile: the path of its key below the profile, and what is wrong. */
export interface ConfigIssue {
  path: PropertyKey[];
  message: string;
}

/** A problem line: `catalog.providers.azureDevOpsRepositories.acme.organization: required`. */
export function problemLine(profileId: string, issue: ConfigIssue): string {
  return `${PROFILES_CONFIG_KEY}.${profileId}${formatPath(issue.path)}: ${issue.message}`;
}

/** Short human words for zod's issues. Never includes the input: it may be a secret. */
export function messageOf(issue: z.core.$ZodRawIssue): string | undefined {
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
export function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): ConfigIssue[] {
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
