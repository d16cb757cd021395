/**
 * The defaults and limits of a profile, in one place: the schema applies them, the README and
 * `config.d.ts` document them, and tests build resolved profiles from them.
 */
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { parseFieldPath } from './fieldPath';
import type { ApplicationContextAttribute, ApplicationContextAttributeId } from './types';

/** Where the profiles live in app-config. */
export const PROFILES_CONFIG_KEY = 'catalog.providers.azureDevOpsRepositories';

/** Azure DevOps Services; the organization is appended. */
export const DEFAULT_API_URL = 'https://dev.azure.com';

/**
 * The sync schedule of a profile without `schedule`: a new cycle every 30 minutes. The timeout is
 * one run's, not the cycle's: a run ends itself before it and the next one follows at once, so a
 * short timeout costs nothing, while a replica killed mid-run holds the scheduler's lease on the
 * task until its timeout passes. Global scope, because two backend replicas sharing a database
 * must run each sync once, not twice.
 */
export const DEFAULT_SCHEDULE: Readonly<SchedulerServiceTaskScheduleDefinition> = Object.freeze({
  frequency: { minutes: 30 },
  timeout: { minutes: 3 },
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
    description: 'metadata.description',
  });

/** Every attribute id, in the order the README lists them. */
export const ATTRIBUTE_IDS = Object.keys(DEFAULT_ATTRIBUTE_PATHS) as ApplicationContextAttributeId[];

/**
 * The kinds `ingestEntities` emits when `backstageCatalog.ingestKinds` is absent: what a repository
 * describes about itself. Users, groups and templates are the business of other providers.
 */
export const DEFAULT_INGEST_KINDS: readonly string[] = Object.freeze(['Component', 'API', 'Resource', 'System', 'Domain']);

/**
 * Kinds never ingested, whatever `ingestKinds` lists: a Location makes the catalog read whatever
 * its target names, so one catalog file could pull any entity from anywhere into the catalog.
 */
export const NEVER_INGESTED_KINDS: readonly string[] = Object.freeze(['Location']);

/** Defaults and bounds of the numeric keys. */
export const LIMITS = {
  maxFileBytes: { min: 1, max: 5 * 1024 * 1024, default: 256 * 1024 },
  concurrency: { min: 1, max: 64, default: 8 },
  requestTimeoutSeconds: { min: 1, max: 600, default: 60 },
  maxRetries: { min: 0, max: 10, default: 4 },
  /** The default is also held under half the schedule's timeout; see `resolveProfile`. */
  maxRetryAfterSeconds: { min: 1, max: 3600, default: 300 },
  maxRemovedPercent: { min: 1, max: 100, default: 50 },
} as const;

/** An attribute read from its default field path. */
export function defaultAttribute(id: ApplicationContextAttributeId): ApplicationContextAttribute {
  const path = DEFAULT_ATTRIBUTE_PATHS[id];
  return { id, path, segments: parseFieldPath(path) };
}
