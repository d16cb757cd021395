import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  createProject,
  createRepository,
  type CommitInit,
  type RepositoryInit,
  type SimulatedOrganization,
  type SimulatedPerson,
  type SimulatedProject,
} from './organization';

/** The demo organization used by `npm start` and `npm run simulator`. */
export const DEMO_ORGANIZATION_FIXTURE = join(__dirname, 'demo-organization.yaml');

/** Options of {@link loadOrganization} and {@link organizationFromYaml}. */
export interface LoadOrganizationOptions {
  /** What `daysAgo` counts back from. Defaults to the time of the call. */
  now?: Date;
}

const DAY_MS = 86_400_000;

/**
 * Reads a YAML fixture:
 *
 * ```yaml
 * organization: demo
 * projects:
 *   - name: Mobile Apps          # id, visibility (private), description optional;
 *     languageAnalysis: unavailable   # language metrics answer 404 (default: available)
 *     repositories:
 *       - name: api              # id optional; empty, disabled, defaultBranch (main),
 *         forkOf: Platform/api   # lastPushDate optional
 *         commits:               # the default branch's history, any order (newest first once read);
 *           - author: Alice Martin <alice@contoso.example>   # instead of lastPushDate
 *             daysAgo: 3         # committed this many days before now, in whole seconds
 *             comment: Fix the build                      # optional; committer: optional, as author
 *         languages:             # bytes per language for project analysis (else from extensions)
 *           TypeScript: 120000
 *         files:
 *           catalog-info.yaml: |
 *             ...
 * ```
 *
 * Ids absent from the file are derived from the names, so they are stable across runs; dates given
 * with `daysAgo` move with `now`. Throws with the offending key path on any shape error.
 */
export function loadOrganization(yamlPath: string, options: LoadOrganizationOptions = {}): SimulatedOrganization {
  return organizationFromYaml(readFileSync(yamlPath, 'utf8'), yamlPath, options);
}

export function organizationFromYaml(text: string, source = 'fixture', options: LoadOrganizationOptions = {}): SimulatedOrganization {
  const now = (options.now ?? new Date()).getTime();
  const root = expectRecord(parse(text), source, ['organization', 'projects']);
  const name = expectString(root.organization, `${source}: organization`);
  const projectEntries = expectArray(root.projects ?? [], `${source}: projects`);
  const forks: Array<{ repository: { parentRepositoryId?: string }; parent: string; at: string }> = [];

  const projects = projectEntries.map((entry, projectIndex) => {
    const at = `${source}: projects[${projectIndex}]`;
    const raw = expectRecord(entry, at, ['name', 'id', 'visibility', 'description', 'languageAnalysis', 'repositories']);
    const project = createProject(name, {
      name: expectString(raw.name, `${at}.name`),
      id: optionalString(raw.id, `${at}.id`),
      visibility: optionalVisibility(raw.visibility, `${at}.visibility`),
      description: optionalString(raw.description, `${at}.description`),
    });
    const languageAnalysis = optionalString(raw.languageAnalysis, `${at}.languageAnalysis`);
    if (languageAnalysis !== undefined) {
      if (languageAnalysis !== 'available' && languageAnalysis !== 'unavailable') {
        throw new Error(`${at}.languageAnalysis: expected available or unavailable`);
      }
      project.languageAnalysis = languageAnalysis;
    }
    const repositoryEntries = expectArray(raw.repositories ?? [], `${at}.repositories`);
    project.repositories = repositoryEntries.map((repositoryEntry, repositoryIndex) => {
      const repositoryAt = `${at}.repositories[${repositoryIndex}]`;
      const { init, forkOf } = repositoryInitFromYaml(repositoryEntry, repositoryAt, now);
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
  now: number,
): { init: RepositoryInit; forkOf?: string } {
  const raw = expectRecord(entry, at, [
    'name',
    'id',
    'empty',
    'defaultBranch',
    'disabled',
    'forkOf',
    'lastPushDate',
    'commits',
    'languages',
    'files',
  ]);
  if (raw.commits !== undefined && raw.lastPushDate !== undefined) {
    throw new Error(`${at}: give lastPushDate or commits, not both (the newest commit is the last push)`);
  }
  const forkOf = optionalString(raw.forkOf, `${at}.forkOf`);
  const init: RepositoryInit = {
    name: expectString(raw.name, `${at}.name`),
    id: optionalString(raw.id, `${at}.id`),
    empty: optionalBoolean(raw.empty, `${at}.empty`),
    defaultBranch: optionalString(raw.defaultBranch, `${at}.defaultBranch`),
    isDisabled: optionalBoolean(raw.disabled, `${at}.disabled`),
    isFork: forkOf !== undefined,
    lastPushDate: optionalDate(raw.lastPushDate, `${at}.lastPushDate`),
    commits: optionalCommits(raw.commits, `${at}.commits`, now),
    languages: optionalLanguages(raw.languages, `${at}.languages`),
    files: optionalFiles(raw.files, `${at}.files`),
  };
  return { init, forkOf };
}

/** The history, newest first, each date `daysAgo` before `now` in whole seconds, as Git keeps them. */
function optionalCommits(value: unknown, at: string, now: number): CommitInit[] | undefined {
  if (value === undefined || value === null) return undefined;
  const commits = expectArray(value, at).map((entry, index) => {
    const commitAt = `${at}[${index}]`;
    const raw = expectRecord(entry, commitAt, ['author', 'committer', 'daysAgo', 'comment']);
    const daysAgo = raw.daysAgo;
    if (typeof daysAgo !== 'number' || !Number.isFinite(daysAgo) || daysAgo < 0) {
      throw new Error(`${commitAt}.daysAgo: expected a number of days ≥ 0`);
    }
    const commit: CommitInit = {
      author: personFromYaml(raw.author, `${commitAt}.author`),
      committedAt: new Date(Math.floor((now - daysAgo * DAY_MS) / 1000) * 1000),
    };
    if (raw.committer !== undefined) commit.committer = personFromYaml(raw.committer, `${commitAt}.committer`);
    const comment = optionalString(raw.comment, `${commitAt}.comment`);
    if (comment !== undefined) commit.comment = comment;
    return commit;
  });
  return commits.sort((a, b) => b.committedAt.getTime() - a.committedAt.getTime());
}

/** `Name <address>`, as Git writes a person. */
function personFromYaml(value: unknown, at: string): SimulatedPerson {
  const match = /^(.*?)\s*<([^<>]+)>$/.exec(expectString(value, at));
  if (!match) throw new Error(`${at}: expected "Name <address>"`);
  return { name: match[1], email: match[2] };
}

function optionalLanguages(value: unknown, at: string): Record<string, number> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${at}: expected a mapping of language to bytes`);
  const languages: Record<string, number> = {};
  for (const [language, bytes] of Object.entries(value)) {
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`${at}.${language}: expected a whole number of bytes`);
    languages[language] = bytes;
  }
  return languages;
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
