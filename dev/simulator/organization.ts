import { createHash } from 'node:crypto';
import { SimulatorStateError } from './SimulatorStateError';

/** Who wrote or committed a commit, as Git records it. */
export interface SimulatedPerson {
  name: string;
  email: string;
}

/** One commit of a repository's default branch. */
export interface SimulatedCommit {
  /** 40 hex digits. */
  id: string;
  author: SimulatedPerson;
  /** The author's date. Defaults to `committedAt`. */
  authoredAt?: Date;
  /** Defaults to the author. */
  committer?: SimulatedPerson;
  /** The committer's date: when the commit reached the history, which orders it. */
  committedAt: Date;
  /** Defaults to {@link SIMULATED_COMMIT_COMMENT}. */
  comment?: string;
}

/** One Git repository of the simulated organization. */
export interface SimulatedRepository {
  /** GUID, lower case. */
  id: string;
  name: string;
  /** Short branch name such as `main`; absent for an empty repository, as Azure DevOps omits it then. */
  defaultBranch?: string;
  isDisabled: boolean;
  isFork: boolean;
  /** Id of the repository this fork was made from; only meaningful when `isFork`. */
  parentRepositoryId?: string;
  /** Bytes; the sum of the file sizes here (Azure DevOps reports the pack size). */
  size: number;
  /** Tip of the default branch: path from the root without leading slash → content. */
  files: Record<string, string>;
  /** Tip commit of the default branch, 40 hex digits; changes whenever `files` change. */
  commitId: string;
  /** When the tip commit was committed (its committer date). */
  lastPushDate: Date;
  /**
   * The default branch's history, newest first; its first commit is the tip (`commitId`, committed
   * at `lastPushDate`). Absent, the history is that one commit, by {@link SIMULATED_PUSHER}. Every
   * push through the simulator adds its commit in front. Empty or absent for an empty repository.
   */
  commits?: SimulatedCommit[];
  /**
   * Bytes per language, as project analysis reports them. Absent, languages are guessed from the
   * files' extensions.
   */
  languages?: Record<string, number>;
  /**
   * How far language analysis has got: `preliminary` until its background job has analysed the
   * repository. Defaults to `full`.
   */
  languageResultPhase?: 'preliminary' | 'full';
}

/** One project and its Git repositories. */
export interface SimulatedProject {
  /** GUID, lower case. */
  id: string;
  name: string;
  visibility: 'private' | 'public';
  description?: string;
  /** Defaults to 1. */
  revision?: number;
  /** Defaults to {@link DEFAULT_PROJECT_UPDATE_TIME}. */
  lastUpdateTime?: Date;
  /**
   * `unavailable` makes project analysis' language metrics answer 404 for the project, as where
   * the service offers none. Defaults to `available`.
   */
  languageAnalysis?: 'available' | 'unavailable';
  repositories: SimulatedRepository[];
}

/** The whole state of one simulated organization. */
export interface SimulatedOrganization {
  name: string;
  projects: SimulatedProject[];
}

/** What is needed to create a repository; everything else is derived. */
export interface RepositoryInit {
  name: string;
  /** Derived from organization, project and repository names when absent. */
  id?: string;
  /** True creates a repository without any branch (and without files). */
  empty?: boolean;
  /** Defaults to `main`. */
  defaultBranch?: string;
  isDisabled?: boolean;
  isFork?: boolean;
  parentRepositoryId?: string;
  files?: Record<string, string>;
  /** When absent, the last commit's date, else {@link DEFAULT_LAST_PUSH_DATE}. */
  lastPushDate?: Date;
  /**
   * The default branch's history, newest first; a commit without an id gets one derived from the
   * repository (the newest from its files, as without a history). The newest commit is the tip:
   * `lastPushDate`, when given too, must be its date.
   */
  commits?: CommitInit[];
  languages?: Record<string, number>;
}

/** A commit of {@link RepositoryInit.commits}. */
export type CommitInit = Omit<SimulatedCommit, 'id'> & { id?: string };

/** What is needed to create a project. */
export interface ProjectInit {
  name: string;
  id?: string;
  visibility?: 'private' | 'public';
  description?: string;
}

export const DEFAULT_PROJECT_UPDATE_TIME = new Date('2024-01-01T00:00:00.000Z');
export const DEFAULT_LAST_PUSH_DATE = new Date('2025-01-01T00:00:00.000Z');

/** Who makes every change to a simulated organization: the author of its commits and pushes. */
export const SIMULATED_PUSHER = {
  id: deterministicGuid('identity', 'simulated-pusher'),
  displayName: 'Simulated Pusher',
  email: 'pusher@simulator.invalid',
} as const;

/**
 * The comment of every simulated commit. It names no file: a push payload says nothing of the
 * files a push changed, and a client must not read them from free text either.
 */
export const SIMULATED_COMMIT_COMMENT = 'Simulated push';

/** Git's all-zero object id, used as the "tip" of a repository that has no branch. */
export const NULL_COMMIT_ID = '0'.repeat(40);

/**
 * A GUID shaped like a version 4 UUID, derived from the sha256 of the parts joined with `/`,
 * so fixtures get stable ids without writing them down.
 */
export function deterministicGuid(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('/')).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The object id Git gives a blob: sha1 of `blob <byte length>\0<content>`. */
export function gitBlobSha1(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${body.length}\0`, 'utf8'), body]))
    .digest('hex');
}

export function sizeOfFiles(files: Record<string, string>): number {
  let size = 0;
  for (const content of Object.values(files)) size += Buffer.byteLength(content, 'utf8');
  return size;
}

/** Repository file keys never start with a slash; API paths may. */
export function normalizeFilePath(path: string): string {
  return path.replace(/^\/+/, '');
}

function initialCommitId(identity: string, files: Record<string, string>): string {
  const hash = createHash('sha1').update(identity);
  for (const path of Object.keys(files).sort()) hash.update(`\0${path}\0${files[path]}`);
  return hash.digest('hex');
}

/** The commit that follows `previousCommitId` when one file is written or deleted. */
export function nextCommitId(previousCommitId: string, path: string, content: string | undefined): string {
  return createHash('sha1')
    .update(`${previousCommitId}\0${path}\0${content === undefined ? 'deleted' : `written\0${content}`}`)
    .digest('hex');
}

export function createRepository(
  organizationName: string,
  projectName: string,
  init: RepositoryInit,
): SimulatedRepository {
  const empty = init.empty ?? false;
  const files = empty ? {} : normalizeFiles(init.files ?? {});
  const described = `Repository ${projectName}/${init.name}`;
  if (empty && init.files && Object.keys(init.files).length > 0) {
    throw new SimulatorStateError('invalid', `${described} is empty and cannot hold files`);
  }
  if (empty && init.commits && init.commits.length > 0) {
    throw new SimulatorStateError('invalid', `${described} is empty and cannot have commits`);
  }
  const identity = `${organizationName}/${projectName}/${init.name}`;
  const commits = init.commits && init.commits.length > 0 ? commitsFromInit(identity, files, init.commits) : undefined;
  const tip = commits?.[0];
  if (tip && init.lastPushDate && init.lastPushDate.getTime() !== tip.committedAt.getTime()) {
    throw new SimulatorStateError('invalid', `${described}: lastPushDate must be the date of its newest commit`);
  }
  const repository: SimulatedRepository = {
    id: (init.id ?? deterministicGuid(organizationName, projectName, init.name)).toLowerCase(),
    name: init.name,
    isDisabled: init.isDisabled ?? false,
    isFork: init.isFork ?? false,
    size: sizeOfFiles(files),
    files,
    commitId: empty ? NULL_COMMIT_ID : tip?.id ?? initialCommitId(identity, files),
    lastPushDate: tip?.committedAt ?? init.lastPushDate ?? DEFAULT_LAST_PUSH_DATE,
  };
  if (!empty) repository.defaultBranch = init.defaultBranch ?? 'main';
  if (init.parentRepositoryId) repository.parentRepositoryId = init.parentRepositoryId.toLowerCase();
  if (commits) repository.commits = commits;
  if (init.languages) repository.languages = { ...init.languages };
  return repository;
}

/** The commits with their ids: the newest one's derived from the files, older ones' from their place in the history. */
function commitsFromInit(identity: string, files: Record<string, string>, commits: CommitInit[]): SimulatedCommit[] {
  return commits.map((commit, index) => ({
    ...commit,
    id: (commit.id ?? (index === 0 ? initialCommitId(identity, files) : historyCommitId(identity, commits.length - index))).toLowerCase(),
  }));
}

/** The id of the commit that is `ordinal`th in a history, counted from the oldest. */
function historyCommitId(identity: string, ordinal: number): string {
  return createHash('sha1').update(`${identity}\0history\0${ordinal}`).digest('hex');
}

/**
 * The default branch's history, newest first: the repository's own, or, without one, its tip
 * alone, committed by {@link SIMULATED_PUSHER} at `lastPushDate`. Empty for an empty repository.
 */
export function commitHistory(repository: SimulatedRepository): SimulatedCommit[] {
  if (repository.defaultBranch === undefined) return [];
  if (repository.commits && repository.commits.length > 0) return repository.commits;
  return [
    {
      id: repository.commitId,
      author: { name: SIMULATED_PUSHER.displayName, email: SIMULATED_PUSHER.email },
      committedAt: repository.lastPushDate,
      comment: SIMULATED_COMMIT_COMMENT,
    },
  ];
}

export function createProject(organizationName: string, init: ProjectInit): SimulatedProject {
  const project: SimulatedProject = {
    id: (init.id ?? deterministicGuid(organizationName, init.name)).toLowerCase(),
    name: init.name,
    visibility: init.visibility ?? 'private',
    repositories: [],
  };
  if (init.description !== undefined) project.description = init.description;
  return project;
}

function normalizeFiles(files: Record<string, string>): Record<string, string> {
  const normalized: Record<string, string> = {};
  for (const [path, content] of Object.entries(files)) normalized[normalizeFilePath(path)] = content;
  return normalized;
}

/** How many repositories the organization holds, across its projects. */
export function countRepositories(organization: SimulatedOrganization): number {
  return organization.projects.reduce((sum, project) => sum + project.repositories.length, 0);
}
