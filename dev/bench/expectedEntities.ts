/**
 * What the module should emit, derived from the simulator's organization without any of the
 * module's code, and the field-by-field comparison of a sync's entities against it.
 */
import type { Entity } from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';
import { CATALOG_FILE_PATH, type SimulatedOrganization } from '../simulator';

/** The facts of one repository's entity under the default profile (everything included). */
export interface ExpectedRepository {
  id: string;
  project: string;
  repository: string;
  defaultBranch?: string;
  empty: boolean;
  disabled: boolean;
  fork: boolean;
  visibility: 'private' | 'public';
  title: string;
  catalogName?: string;
  type?: string;
  lifecycle?: string;
  owner?: string;
  system?: string;
}

/** The whole expectation of one moment, plus the counts the lower bound needs. */
export interface Truth {
  repositories: ExpectedRepository[];
  /** Repositories with a default branch (R of the lower bound). */
  nonEmpty: number;
  /** Projects holding a repository whose file can be read: the projects asked for activity. */
  projectsWithReadableRepositories: number;
  /** Non-empty, enabled repositories: whose files and commits can be read. */
  readable: number;
  projects: number;
}

const FIELDS = [
  'project',
  'repository',
  'defaultBranch',
  'empty',
  'disabled',
  'fork',
  'visibility',
  'title',
  'catalogName',
  'type',
  'lifecycle',
  'owner',
  'system',
] as const satisfies ReadonlyArray<keyof ExpectedRepository>;

export function truthOf(organization: SimulatedOrganization): Truth {
  const repositories: ExpectedRepository[] = [];
  let nonEmpty = 0;
  let projectsWithReadableRepositories = 0;
  let readableCount = 0;
  for (const project of organization.projects) {
    let readable = false;
    for (const repository of project.repositories) {
      if (repository.defaultBranch !== undefined) nonEmpty++;
      // Azure DevOps refuses to serve a disabled repository's files, so they carry no context.
      const canRead = repository.defaultBranch !== undefined && !repository.isDisabled;
      readable ||= canRead;
      if (canRead) readableCount++;
      const file = canRead ? repository.files[CATALOG_FILE_PATH] : undefined;
      const context = file === undefined ? {} : contextOf(file);
      const title = context.title ?? repository.name;
      repositories.push({
        id: repository.id,
        project: project.name,
        repository: repository.name,
        ...(repository.defaultBranch !== undefined ? { defaultBranch: repository.defaultBranch } : {}),
        empty: repository.defaultBranch === undefined,
        disabled: repository.isDisabled,
        fork: repository.isFork,
        visibility: project.visibility,
        ...context,
        // A fork's title says so, wherever it came from (README, "The Repository entity").
        title: repository.isFork ? `${title} (fork)` : title,
      });
    }
    if (readable) projectsWithReadableRepositories++;
  }
  return { repositories, nonEmpty, projectsWithReadableRepositories, readable: readableCount, projects: organization.projects.length };
}

/** Attributes of the first `Component` document (else the first), as the default profile reads them. */
function contextOf(content: string): Partial<ExpectedRepository> {
  const documents = parseAllDocuments(content)
    .map(document => document.toJS() as unknown)
    .filter(isRecord);
  const document = documents.find(candidate => candidate.kind === 'Component') ?? documents[0];
  if (!document) return {};
  const metadata = isRecord(document.metadata) ? document.metadata : {};
  const spec = isRecord(document.spec) ? document.spec : {};
  const namespace = text(metadata.namespace) ?? 'default';
  const title = text(metadata.title);
  const catalogName = text(metadata.name);
  const type = text(spec.type);
  const lifecycle = text(spec.lifecycle);
  const owner = text(spec.owner);
  const system = text(spec.system);
  return {
    ...(title ? { title } : {}),
    ...(catalogName ? { catalogName } : {}),
    ...(type ? { type } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    ...(owner ? { owner: fullRef(owner, 'group', namespace) } : {}),
    ...(system ? { system: fullRef(system, 'system', namespace) } : {}),
  };
}

/** `team-a` → `group:default/team-a`; `payments/team-a` and `user:jdoe` are completed likewise. */
function fullRef(value: string, defaultKind: string, defaultNamespace: string): string {
  const match = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(value);
  if (!match) return value;
  const [, kind = defaultKind, namespace = defaultNamespace, name] = match;
  return `${kind.toLowerCase()}:${namespace.toLowerCase()}/${name}`;
}

/** The same facts read back from an emitted entity. */
function factsOf(entity: Entity): Partial<ExpectedRepository> {
  const spec = entity.spec ?? {};
  const context = isRecord(spec.applicationContext) ? spec.applicationContext : {};
  const facts: Record<string, unknown> = {
    project: spec.project,
    repository: spec.repository,
    defaultBranch: spec.defaultBranch,
    empty: spec.empty,
    disabled: spec.disabled,
    fork: spec.fork,
    visibility: spec.visibility,
    title: entity.metadata.title,
    catalogName: context.name,
    type: spec.type,
    lifecycle: spec.lifecycle,
    owner: spec.owner,
    system: spec.system,
  };
  return facts as Partial<ExpectedRepository>;
}

/** Every repository must have exactly one entity whose every field matches, and nothing else. */
export function compareEntities(
  truth: Truth,
  entities: Entity[],
  limit = 5,
): { correct: boolean; mismatches: string[]; mismatchCount: number } {
  const mismatches: string[] = [];
  const byId = new Map<string, Entity>();
  for (const entity of entities) {
    const id = String(entity.spec?.repositoryId ?? '').toLowerCase();
    if (entity.kind !== 'Repository' || byId.has(id)) mismatches.push(`unexpected or duplicate entity ${entity.metadata.name}`);
    else byId.set(id, entity);
  }
  for (const expected of truth.repositories) {
    const entity = byId.get(expected.id);
    byId.delete(expected.id);
    if (!entity) {
      mismatches.push(`no entity for ${expected.project}/${expected.repository}`);
      continue;
    }
    const actual = factsOf(entity);
    for (const field of FIELDS) {
      if (actual[field] !== expected[field]) {
        mismatches.push(
          `${expected.project}/${expected.repository} ${field}: expected ${JSON.stringify(expected[field])}, got ${JSON.stringify(actual[field])}`,
        );
      }
    }
  }
  for (const entity of byId.values()) mismatches.push(`entity for a repository that does not exist: ${entity.metadata.name}`);
  return { correct: mismatches.length === 0, mismatches: mismatches.slice(0, limit), mismatchCount: mismatches.length };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
