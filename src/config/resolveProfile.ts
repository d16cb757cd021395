import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import {
  ATTRIBUTE_IDS,
  DEFAULT_API_URL,
  DEFAULT_INGEST_KINDS,
  DEFAULT_SCHEDULE,
  defaultAttribute,
  LIMITS,
} from './defaults';
import type { ConfigIssue } from './InvalidConfigError';
import type { ParsedProfile } from './profileSchema';
import type { ProfileConfig } from './types';

/**
 * Applies the rules across keys and what the schema cannot know (credentials, the schedule), and
 * fills in what is derived (host, organization URL, attributes, schedule scope).
 *
 * @param hasCredentials - Whether `integrations.azure` holds credentials for a host and organization.
 */
export function resolveProfile(
  id: string,
  parsed: ParsedProfile,
  hasCredentials: (host: string, organization: string) => boolean,
): ProfileConfig | { problems: ConfigIssue[] } {
  const problems: ConfigIssue[] = [];
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

  // A wait must end well within the sync's timeout, or the scheduler cuts the sync off mid-wait.
  const timeoutSeconds = Math.floor(durationToMs(schedule.timeout) / 1000);
  const defaultMaxRetryAfter = Math.max(1, Math.min(LIMITS.maxRetryAfterSeconds.default, Math.floor(timeoutSeconds / 2)));
  const maxRetryAfterSeconds = parsed.maxRetryAfterSeconds ?? defaultMaxRetryAfter;
  if (parsed.maxRetryAfterSeconds !== undefined && parsed.maxRetryAfterSeconds >= timeoutSeconds) {
    problems.push({
      path: ['maxRetryAfterSeconds'],
      message: `must be shorter than the schedule's timeout (${timeoutSeconds} s), or a sync would be cut off while it waits`,
    });
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
      ingestKinds: backstageCatalog.ingestKinds ?? [...DEFAULT_INGEST_KINDS],
    },
    filters,
    insights: parsed.insights,
    ...(parsed.defaultOwner !== undefined && { defaultOwner: parsed.defaultOwner }),
    concurrency: parsed.concurrency,
    requestTimeoutMs: parsed.requestTimeoutSeconds * 1000,
    maxRetries: parsed.maxRetries,
    maxRetryAfterMs: maxRetryAfterSeconds * 1000,
    ...(parsed.maxRemovedPercent !== undefined && { maxRemovedPercent: parsed.maxRemovedPercent }),
    schedule,
  };
}

/** The scheduler accepts a luxon `Duration` or a `HumanDuration`; the reader gives the latter. */
export function durationToMs(duration: SchedulerServiceTaskScheduleDefinition['timeout']): number {
  const luxon = duration as { toMillis?: () => number };
  return typeof luxon.toMillis === 'function' ? luxon.toMillis() : durationToMilliseconds(duration as HumanDuration);
}
