import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  createProject,
  createRepository,
  type RepositoryInit,
  type SimulatedOrganization,
  type SimulatedProject,
} from './organization';

/** The demo organization used by `npm start` and `npm run simulator`. */
export const DEMO_ORGANIZATION_FIXTURE = join(__dirname, 'demo-organization.yaml');

/**
 * Reads a YAML fixture:
 *
 * ```yaml
 * organization: demo
 * projects:
 *   - name: Mobile Apps          # id, visibility (private), description optional
 *     repositories:
 *       - name: api              # id optional; empty, disabled, defaultBranch (main),
 *         forkOf: Platform/api   # lastPushDate optional
 *         files:
 *           catalog-info.yaml: |
 *             ...
 * ```
 *
 * Ids absent from the file are derived from the names, so they are stable across runs.
 * Throws with the offending key path on any shape error.
 */
export function loadOrganization(yamlPath: string): SimulatedOrganization {
  return organizationFromYaml(readFileSync(yamlPath, 'utf8'), yamlPath);
}

export function organizationFromYaml(text: string, source = 'fixture'): SimulatedOrganization {
  const root = expectRecord(parse(text), source, ['organization', 'projects']);
  const name = expectString(root.organization, `${source}: organization`);
  const projectEntries = expectArray(root.projects ?? [], `${source}: projects`);
  const forks: Array<{ repository: { parentRepositoryId?: string }; parent: string; at: string }> = [];

  const projects = projectEntries.map((entry, projectIndex) => {
    const at = `${source}: projects[${projectIndex}]`;
    const raw = expectRecord(entry, at, ['name', 'id', 'visibility', 'description', 'repositories']);
    const project = createProject(name, {
      name: expectString(raw.name, `${at}.name`),
      id: optionalString(raw.id, `${at}.id`),
      visibility: optionalVisibility(raw.visibility, `${at}.visibility`),
      description: optionalString(raw.description, `${at}.description`),
    });
    const repositoryEntries = expectArray(raw.repositories ?? [], `${at}.repositories`);
    project.repositories = repositoryEntries.map((repositoryEntry, repositoryIndex) => {
      const repositoryAt = `${at}.repositories[${repositoryIndex}]`;
      const { init, forkOf } = repositoryInitFromYaml(repositoryEntry, repositoryAt);
      const repository = createRepository(name, project.name, init);
      if (forkOf) forks.push({ repository, parent: forkOf, at: `${repositoryAt}.forkOf` });
      return repository;
    });
    return project;
  });

  for (const fork of forks) {
    fork.repository.parentRepositoryId = findRepositoryId(projects, fork.parent, fork.at);
  }
  return { name, projects };
}

function repositoryInitFromYaml(
  entry: unknown,
  at: string,
): { init: RepositoryInit; forkOf?: string } {
  const raw = expectRecord(entry, at, [
    'name',
    'id',
    'empty',
    'defaultBranch',
    'disabled',
    'forkOf',
    'lastPushDate',
    'files',
  ]);
  const forkOf = optionalString(raw.forkOf, `${at}.forkOf`);
  const init: RepositoryInit = {
    name: expectString(raw.name, `${at}.name`),
    id: optionalString(raw.id, `${at}.id`),
    empty: optionalBoolean(raw.empty, `${at}.empty`),
    defaultBranch: optionalString(raw.defaultBranch, `${at}.defaultBranch`),
    isDisabled: optionalBoolean(raw.disabled, `${at}.disabled`),
    isFork: forkOf !== undefined,
    lastPushDate: optionalDate(raw.lastPushDate, `${at}.lastPushDate`),
    files: optionalFiles(raw.files, `${at}.files`),
  };
  return { init, forkOf };
}

function findRepositoryId(projects: SimulatedProject[], reference: string, at: string): string {
  const [projectName, repositoryName, ...rest] = reference.split('/');
  const repository = projects
    .find(project => project.name === projectName)
    ?.repositories.find(candidate => candidate.name === repositoryName);
  if (!repository || rest.length > 0) {
    throw new Error(`${at}: expected "<project>/<repository>" of a repository in this file, got "${reference}"`);
  }
  return repository.id;
}

function expectRecord(value: unknown, at: string, allowedKeys: string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${at}: expected a mapping`);
  }
  const unknownKey = Object.keys(value).find(key => !allowedKeys.includes(key));
  if (unknownKey) {
    throw new Error(`${at}: unknown key "${unknownKey}" (allowed: ${allowedKeys.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

function expectArray(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${at}: expected a list`);
  return value;
}

function expectString(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new Error(`${at}: expected a non-empty string`);
  return value;
}

function optionalString(value: unknown, at: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, at);
}

function optionalBoolean(value: unknown, at: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new Error(`${at}: expected true or false`);
  return value;
}

function optionalVisibility(value: unknown, at: string): 'private' | 'public' | undefined {
  if (value === undefined || value === null) return undefined;
  if (value !== 'private' && value !== 'public') throw new Error(`${at}: expected private or public`);
  return value;
}

function optionalDate(value: unknown, at: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = value instanceof Date ? value : new Date(expectString(value, at));
  if (Number.isNaN(date.getTime())) throw new Error(`${at}: expected an ISO 8601 date`);
  return date;
}

function optionalFiles(value: unknown, at: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${at}: expected a mapping of path to content`);
  const files: Record<string, string> = {};
  for (const [path, content] of Object.entries(value)) {
    if (typeof content !== 'string') throw new Error(`${at}.${path}: expected the file content as a string`);
    files[path] = content;
  }
  return files;
}
