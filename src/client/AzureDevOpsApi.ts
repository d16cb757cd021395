/**
 * The port between the provider and Azure DevOps: our own DTOs with explicit defaults, so that
 * types of `azure-devops-node-api` never leave `client/`.
 */

/** A project as the repository listing reports it. */
export interface AzureDevOpsProject {
  id: string;
  name: string;
  visibility: 'private' | 'public';
}

/** Another repository, as a fork's `parentRepository` names it. */
export interface AzureDevOpsRepositoryReference {
  id: string;
  name: string;
  /** Its project's name; absent when the answer does not name it. */
  project?: string;
}

/** A Git repository, with the SDK's optional fields resolved. */
export interface AzureDevOpsRepository {
  id: string;
  name: string;
  project: AzureDevOpsProject;
  /** Branch name without `refs/heads/`; undefined for an empty repository. */
  defaultBranch?: string;
  /** `https://dev.azure.com/{org}/{project}/_git/{repo}` */
  webUrl: string;
  isDisabled: boolean;
  isFork: boolean;
  /**
   * The repository a fork was made from, when the answer names it. Only the single-repository GET
   * with `includeParent=true` does; listings and the plain GET never do, so in practice a fork
   * of a listing has none.
   */
  parent?: AzureDevOpsRepositoryReference;
}

/** A repository listing; entries Azure DevOps sent in a shape we cannot use are set aside. */
export interface RepositoryListing {
  repositories: AzureDevOpsRepository[];
  /** One line per unusable entry, naming it as well as it can be named. */
  malformed: string[];
}

/** What reading one file from one branch gave. */
export type FileReadResult =
  | { kind: 'found'; content: string }
  /** TF401174: no such file on that branch. */
  | { kind: 'missing' }
  /** VS403403: the repository has no branches at all. */
  | { kind: 'emptyRepository' }
  /** TF401175: the branch does not resolve. */
  | { kind: 'branchMissing' }
  /** TF401019: the repository is gone, or the token may not read it. */
  | { kind: 'repositoryMissing' }
  /**
   * The file is larger than the caller's limit; it was not read past the limit. `bytes` is its
   * size when the server announced it (`Content-Length`); otherwise reading stopped once the limit
   * was passed, `atLeast` is true, and `bytes` is what had been read by then: the file has at least
   * that many bytes.
   */
  | { kind: 'tooLarge'; bytes: number; atLeast?: true };

/** Options of {@link AzureDevOpsApi.readFile}. */
export interface ReadFileOptions {
  project: string;
  repositoryId: string;
  /** Path from the repository root; a leading slash is optional. */
  path: string;
  /** Branch name without `refs/heads/`. */
  branch: string;
  /** Content above this many bytes is reported as `tooLarge`, and never read further than that. */
  maxBytes: number;
}

/** One commit of a branch, newest first in a listing, with what repository insights need of it. */
export interface AzureDevOpsCommit {
  commitId: string;
  author: { name: string; email: string };
  /** The committer's date: when the commit reached the branch's history, as the listing orders it. */
  committedAt: Date;
}

/** Options of {@link AzureDevOpsApi.listCommits}. */
export interface ListCommitsOptions {
  project: string;
  repositoryId: string;
  /** Branch name without `refs/heads/`. */
  branch: string;
  /** Commits per page, newest first (`searchCriteria.$top`). */
  top: number;
  /** Commits skipped before the page (`searchCriteria.$skip`). */
  skip?: number;
}

/** One language of a repository, as project analysis measures it (share of the bytes, 0 to 100). */
export interface RepositoryLanguage {
  name: string;
  percentage: number;
}

/** A project's language metrics, per repository id (lower case). */
export interface ProjectLanguages {
  /** `preliminary` when the service answered 206: its background analysis has not finished. */
  phase: 'full' | 'preliminary';
  repositories: Map<string, RepositoryLanguage[]>;
}

/** Who the credentials authenticate as, from `connectionData`. */
export interface AzureDevOpsConnection {
  /** The authenticated identity's id. */
  userId: string;
  /** Its display name: for a PAT, its owner's. */
  userName: string;
  /** `hosted` for Azure DevOps Services, `onPremises` for Azure DevOps Server; `unknown` when not said. */
  deployment: 'hosted' | 'onPremises' | 'unknown';
}

/** The project analysis resource {@link AzureDevOpsApi.checkProjectAnalysis} asks. */
export type ProjectAnalysisMetrics = 'activity' | 'languages';

/** What went wrong talking to Azure DevOps, in words a caller can branch on. */
export type AzureDevOpsErrorKind =
  /** 401, or 203 with the HTML sign-in page: the token is invalid, expired or lacks scopes. */
  | 'unauthorized'
  /** 401 "blocked" from a Snyk Broker: none of its accept rules allows the request; the message names the rule to add. */
  | 'blocked'
  /** 400: the server refused the request's arguments; the message carries its reason. */
  | 'badRequest'
  /** 403. */
  | 'forbidden'
  /** 404 on something that must exist (the organization, a project). */
  | 'notFound'
  /** 429, still refused after waiting and retrying. */
  | 'throttled'
  /** The server asked the profile to wait longer than `maxRetryAfterSeconds`; nothing was sent. */
  | 'throttledTooLong'
  /** 5xx, still failing after retries. */
  | 'serverError'
  /** No answer within the request timeout. */
  | 'timeout'
  /** Connection refused, reset, DNS failure. */
  | 'network'
  /** A 2xx answer that is not the JSON expected. */
  | 'invalidResponse';

/** What the requests of a profile cost: what a sync's summary line and its metrics report. */
export interface RequestStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Requests sent again after a 429, a 5xx, a timeout or a network fault. */
  retries: number;
  /**
   * Wall time, in milliseconds, during which some request waited for a `Retry-After` pause or the
   * rate-limit pacer, counted once however many requests waited together.
   */
  throttledMs: number;
}

/** The port the provider reads Azure DevOps through. Methods throw `AzureDevOpsError`. */
export interface AzureDevOpsApi {
  /**
   * Every well-formed project of the organization, all pages; with `limit`, the first `limit`
   * projects only, from as few pages as that takes.
   */
  listProjects(options?: { limit?: number }): Promise<AzureDevOpsProject[]>;
  /**
   * Who the credentials authenticate as (`connectionData`, which any valid token may ask): the
   * first request of the token check. Throws `unauthorized` when the token is refused, or when the
   * service answers as for an anonymous caller.
   */
  getConnection(): Promise<AzureDevOpsConnection>;
  /**
   * Git repositories of one project, or of the whole organization when `project` is absent
   * (one request: the repository listing has no paging).
   */
  listRepositories(options?: { project?: string }): Promise<RepositoryListing>;
  /**
   * One repository, in one request, never a listing: for a service hook event that names it.
   * `project` is the project's id or name. `undefined` when the service says the repository is
   * not there (TF401019) or the project does not exist (TF200016). TF401019 also stands for a
   * repository the token may not read, and for a disabled one: the service lists a disabled
   * repository but answers its single GET as for a missing one, so `undefined` alone does not
   * tell a deleted repository from a disabled one. Throws like the other methods otherwise, a 404
   * without an Azure DevOps error envelope included.
   */
  getRepository(options: { project: string; repositoryId: string }): Promise<AzureDevOpsRepository | undefined>;
  /** Reads one file from one branch; absent files and repositories are results, not errors. */
  readFile(options: ReadFileOptions): Promise<FileReadResult>;
  /**
   * Ids (lower case) of the repositories of one project with pushes since `since`, from Azure
   * DevOps' project analysis; `undefined` when the API is not available there (Azure DevOps
   * Server without analytics, a token without access). A project deleted since it was listed
   * (TF200016) had no pushes: an empty set. Throws `blocked` when a broker's accept rules leave
   * the route out, and `badRequest` when the server refuses the question (400), e.g. a `since`
   * outside the last 30 days.
   */
  listChangedRepositoryIds(options: { project: string; since: Date }): Promise<Set<string> | undefined>;
  /**
   * One page of a branch's commits, newest first. An empty repository or a branch that does not
   * resolve gives an empty page.
   */
  listCommits(options: ListCommitsOptions): Promise<AzureDevOpsCommit[]>;
  /**
   * The languages of a project's repositories from project analysis (`languagemetrics`);
   * `undefined` when the API is not available there (404, 401, 403, or a broker that blocks it).
   */
  getProjectLanguages(options: { project: string }): Promise<ProjectLanguages | undefined>;
  /**
   * One request to project analysis for the token check: the activity metrics of one repository
   * from `since` (at most 30 days ago), or the project's language metrics. Resolves when the
   * service answers with data (200, or 206 while the analysis is preliminary); throws
   * `AzureDevOpsError` with the status otherwise (`notFound` when the service has no project
   * analysis there), where {@link AzureDevOpsApi.listChangedRepositoryIds} and
   * {@link AzureDevOpsApi.getProjectLanguages} resolve `undefined` and would not say why.
   */
  checkProjectAnalysis(options: { project: string; metrics: ProjectAnalysisMetrics; since: Date }): Promise<void>;
  /**
   * HTTP requests, retries and throttled time since the previous call that did not `peek` (or
   * since the client was made): one sync's or one batch's worth. With `peek`, the counts so far
   * without starting a new count, for progress lines during a sync.
   */
  requestStats?(options?: { peek?: boolean }): RequestStats;
}
