/*
 * Builders for test inputs, so each test states only what it is about. Defaults describe one
 * ordinary repository of the `acme` organization on Azure DevOps Services and a profile as the config
 * reader resolves it when only `profileName`, `organization` and `token` are configured.
 */
import { stringify } from 'yaml';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import {
  DEFAULT_API_URL,
  DEFAULT_ATTRIBUTE_PATHS,
  DEFAULT_INGEST_KINDS,
  DEFAULT_SCHEDULE,
} from '../config/defaults';
import type {
  ApplicationContextAttribute,
  ApplicationContextAttributeId,
  BackstageCatalogOptions,
  InsightOptions,
  ProfileConfig,
  RepositoryFilters,
} from '../config/types';
import { parseFieldPath } from '../config/fieldPath';

/** A repository GUID as Azure DevOps spells it (lower case). */
export const REPOSITORY_ID = '5febef5a-833d-4e14-b9c0-14cb638f91e6';

/** A project GUID. */
export const PROJECT_ID = 'eb6e4656-77fc-42a1-9181-4c6d8e9da5d1';

/**
 * A repository; `webUrl` follows `organization`, project and name unless given, so overriding the
 * name alone still yields a consistent repository.
 */
export function buildRepository(
  overrides: Partial<AzureDevOpsRepository> & { organization?: string } = {},
): AzureDevOpsRepository {
  const { organization = 'acme', ...fields } = overrides;
  const name = fields.name ?? 'payments-api';
  const project = fields.project ?? { id: PROJECT_ID, name: 'Payments', visibility: 'private' as const };
  return {
    id: REPOSITORY_ID,
    name,
    project,
    defaultBranch: 'main',
    webUrl: `https://dev.azure.com/${encodeURIComponent(organization)}/${encodeURIComponent(project.name)}/_git/${encodeURIComponent(name)}`,
    isDisabled: false,
    isFork: false,
    ...fields,
  };
}

/** An attribute with its path split by the real field-path parser; the default path unless given. */
export function buildAttribute(
  id: ApplicationContextAttributeId,
  path: string = DEFAULT_ATTRIBUTE_PATHS[id],
): ApplicationContextAttribute {
  return { id, path, segments: parseFieldPath(path) };
}

/** All six attributes with their default paths, as the config reader resolves an absent list. */
export function buildAttributes(): ApplicationContextAttribute[] {
  return (Object.keys(DEFAULT_ATTRIBUTE_PATHS) as ApplicationContextAttributeId[]).map(id =>
    buildAttribute(id),
  );
}

/** Overrides of {@link buildProfile}; nested option groups may be given in part. */
export type ProfileOverrides = Partial<Omit<ProfileConfig, 'backstageCatalog' | 'filters' | 'insights'>> & {
  backstageCatalog?: Partial<BackstageCatalogOptions>;
  filters?: Partial<RepositoryFilters>;
  insights?: Partial<InsightOptions>;
};

/**
 * A fully resolved profile with the config reader's defaults: Azure DevOps Services, concurrency 8,
 * 256 KiB catalog files, all six attributes, the default ingested kinds, every repository included,
 * the default schedule.
 * `host` and `organizationUrl` follow `apiUrl` and `organization` unless given.
 */
export function buildProfile(overrides: ProfileOverrides = {}): ProfileConfig {
  const { backstageCatalog, filters, insights, ...fields } = overrides;
  const organization = fields.organization ?? 'acme';
  const apiUrl = fields.apiUrl ?? DEFAULT_API_URL;
  return {
    id: 'acme',
    profileName: 'Acme cloud',
    organization,
    apiUrl,
    host: new URL(apiUrl).host,
    organizationUrl: `${apiUrl}/${encodeURIComponent(organization)}`,
    token: 'test-pat',
    concurrency: 8,
    requestTimeoutMs: 60_000,
    maxRetries: 4,
    maxRetryAfterMs: 300_000,
    maxRemovedPercent: 50,
    schedule: structuredClone(DEFAULT_SCHEDULE),
    ...fields,
    backstageCatalog: {
      enabled: true,
      filename: 'catalog-info.yaml',
      attributes: buildAttributes(),
      ingestEntities: false,
      ingestKinds: [...DEFAULT_INGEST_KINDS],
      maxFileBytes: 262_144,
      ...backstageCatalog,
    },
    filters: { includeDisabled: true, includeForks: true, ...filters },
    insights: { freshness: true, languages: true, contributors: true, ...insights },
  };
}

/** Parts of a catalog document; `metadata` and `spec` are merged one level into the defaults. */
export interface CatalogDocumentOverrides {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
  spec?: Record<string, unknown>;
}

/**
 * A Component as a typical `catalog-info.yaml` declares it. Set a `metadata` or `spec` key to
 * `undefined` to leave it out of the YAML.
 */
export function buildCatalogDocument(overrides: CatalogDocumentOverrides = {}): Record<string, unknown> {
  return {
    apiVersion: overrides.apiVersion ?? 'backstage.io/v1alpha1',
    kind: overrides.kind ?? 'Component',
    metadata: { name: 'payments-api', title: 'Payments API', ...overrides.metadata },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'team-a',
      system: 'payments',
      ...overrides.spec,
    },
  };
}

/** The YAML text of a catalog file holding the given documents, one `---` separated document each. */
export function buildCatalogFileYaml(...documents: Array<Record<string, unknown>>): string {
  // yaml's stringify leaves out keys whose value is undefined, which is how overrides remove keys.
  return documents.map(document => `---\n${stringify(document)}`).join('');
}
