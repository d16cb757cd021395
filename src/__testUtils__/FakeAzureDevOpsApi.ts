import type {
  AzureDevOpsApi,
  AzureDevOpsCommit,
  AzureDevOpsConnection,
  AzureDevOpsProject,
  AzureDevOpsRepository,
  FileReadResult,
  ListCommitsOptions,
  ProjectAnalysisMetrics,
  ProjectLanguages,
  ReadFileOptions,
  RepositoryListing,
} from '../client/AzureDevOpsApi';
import { AzureDevOpsError } from '../client/AzureDevOpsError';

/** An in-memory organization behind the port, with failures a test can switch on. */
export class FakeAzureDevOpsApi implements AzureDevOpsApi {
  readonly repositories: AzureDevOpsRepository[] = [];
  /** Catalog file content per repository id; absent = no file. */
  readonly files = new Map<string, string>();
  /** Thrown by the listing while set. */
  listingError?: AzureDevOpsError;
  /** Thrown by `readFile` for these repository ids while set. */
  readonly fileErrors = new Map<string, AzureDevOpsError>();
  readonly fileReads: ReadFileOptions[] = [];
  /**
   * Repository ids whose files come without a size announced, as a chunked answer does: one over
   * the limit is reported as the client does when it stops reading, at least the limit plus one.
   */
  readonly unannouncedSizes = new Set<string>();
  /** Time of the last push per repository id, for the activity listing. */
  readonly pushes = new Map<string, number>();
  /** False makes the activity listing answer as Azure DevOps Server without analytics does. */
  activityAvailable = true;
  readonly activityCalls: Array<{ project: string; since: Date }> = [];
  /** Project ids whose activity listing answers as for a project deleted since the listing: nothing changed. */
  readonly deletedProjects = new Set<string>();
  /** The `project` option of every repository listing asked for; undefined for the organization-wide one. */
  readonly listingCalls: Array<string | undefined> = [];
  /** Every single repository asked for. */
  readonly repositoryCalls: Array<{ project: string; repositoryId: string }> = [];
  /** Thrown by `getRepository` for these repository ids while set. */
  readonly repositoryErrors = new Map<string, AzureDevOpsError>();
  /**
   * The default branch's commits per repository id, newest first; a repository without an entry
   * has none, as an empty one. A branch other than the repository's default does not resolve.
   */
  readonly commits = new Map<string, AzureDevOpsCommit[]>();
  /** Thrown by `listCommits` for these repository ids while set. */
  readonly commitErrors = new Map<string, AzureDevOpsError>();
  readonly commitCalls: ListCommitsOptions[] = [];
  /** Language metrics per project id; a project without an entry has none to offer (`undefined`). */
  readonly languages = new Map<string, ProjectLanguages>();
  /** Thrown by `getProjectLanguages` for these project ids while set. */
  readonly languageErrors = new Map<string, AzureDevOpsError>();
  readonly languageCalls: Array<{ project: string }> = [];
  /** Who `getConnection` says the token is. */
  connection: AzureDevOpsConnection = { userId: 'fake-user-id', userName: 'Fake User', deployment: 'hosted' };
  /** Thrown by `getConnection` while set. */
  connectionError?: AzureDevOpsError;
  /** Thrown by `checkProjectAnalysis` for these metrics while set. */
  readonly analysisErrors = new Map<ProjectAnalysisMetrics, AzureDevOpsError>();

  constructor(repositories: AzureDevOpsRepository[] = []) {
    this.repositories.push(...repositories);
  }

  async listProjects(options: { limit?: number } = {}): Promise<AzureDevOpsProject[]> {
    if (this.listingError) throw this.listingError;
    const byId = new Map(this.repositories.map(repository => [repository.project.id, repository.project]));
    return [...byId.values()].slice(0, options.limit);
  }

  async getConnection(): Promise<AzureDevOpsConnection> {
    if (this.connectionError) throw this.connectionError;
    return { ...this.connection };
  }

  /** Answers as the activity listing and the language metrics would, without their data. */
  async checkProjectAnalysis(options: { project: string; metrics: ProjectAnalysisMetrics; since: Date }): Promise<void> {
    const error = this.analysisErrors.get(options.metrics);
    if (error) throw error;
    if (options.metrics === 'activity' && !this.activityAvailable) throw azureDevOpsError('notFound', 404);
  }

  async listRepositories(options: { project?: string } = {}): Promise<RepositoryListing> {
    this.listingCalls.push(options.project);
    if (this.listingError) throw this.listingError;
    const repositories = this.repositories.filter(
      repository => !options.project || repository.project.id === options.project,
    );
    return { repositories: repositories.map(repository => ({ ...repository })), malformed: [] };
  }

  /**
   * The repository with that id in that project (id or name), both case-insensitive; `undefined`
   * where the service answers TF401019 (a missing or disabled repository) or TF200016 (a missing
   * project).
   */
  async getRepository(options: { project: string; repositoryId: string }): Promise<AzureDevOpsRepository | undefined> {
    this.repositoryCalls.push(options);
    const error = this.repositoryErrors.get(options.repositoryId);
    if (error) throw error;
    const found = this.repositories.find(
      repository =>
        repository.id.toLowerCase() === options.repositoryId.toLowerCase() &&
        [repository.project.id, repository.project.name].some(key => key.toLowerCase() === options.project.toLowerCase()),
    );
    return found && !found.isDisabled ? { ...found } : undefined;
  }

  /** Writes (or with `undefined` removes) a repository's catalog file, as a push would. */
  push(repositoryId: string, content: string | undefined, at: number = Date.now()): void {
    if (content === undefined) this.files.delete(repositoryId);
    else this.files.set(repositoryId, content);
    this.pushes.set(repositoryId, at);
  }

  async listChangedRepositoryIds(options: { project: string; since: Date }): Promise<Set<string> | undefined> {
    this.activityCalls.push(options);
    if (!this.activityAvailable) return undefined;
    if (this.deletedProjects.has(options.project)) return new Set();
    const inProject = this.repositories.filter(repository => repository.project.id === options.project);
    return new Set(
      inProject
        .filter(repository => (this.pushes.get(repository.id) ?? 0) >= options.since.getTime())
        .map(repository => repository.id.toLowerCase()),
    );
  }

  /** One page of `commits`, as the client pages the service's listing. */
  async listCommits(options: ListCommitsOptions): Promise<AzureDevOpsCommit[]> {
    this.commitCalls.push(options);
    const error = this.commitErrors.get(options.repositoryId);
    if (error) throw error;
    const repository = this.repositories.find(candidate => candidate.id.toLowerCase() === options.repositoryId.toLowerCase());
    if (repository && repository.defaultBranch !== options.branch) return [];
    const skip = options.skip ?? 0;
    const page = (this.commits.get(options.repositoryId) ?? []).slice(skip, skip + options.top);
    return page.map(commit => ({ ...commit, author: { ...commit.author }, committedAt: new Date(commit.committedAt) }));
  }

  async getProjectLanguages(options: { project: string }): Promise<ProjectLanguages | undefined> {
    this.languageCalls.push(options);
    const error = this.languageErrors.get(options.project);
    if (error) throw error;
    const languages = this.languages.get(options.project);
    if (!languages) return undefined;
    const repositories = new Map([...languages.repositories].map(([id, list]) => [id, list.map(language => ({ ...language }))]));
    return { phase: languages.phase, repositories };
  }

  async readFile(options: ReadFileOptions): Promise<FileReadResult> {
    this.fileReads.push(options);
    const error = this.fileErrors.get(options.repositoryId);
    if (error) throw error;
    const content = this.files.get(options.repositoryId);
    if (content === undefined) return { kind: 'missing' };
    const bytes = Buffer.byteLength(content);
    if (bytes <= options.maxBytes) return { kind: 'found', content };
    return this.unannouncedSizes.has(options.repositoryId) ? { kind: 'tooLarge', bytes: options.maxBytes + 1, atLeast: true } : { kind: 'tooLarge', bytes };
  }
}

/** An error as the client throws it, for fault tests. */
export function azureDevOpsError(kind: AzureDevOpsError['kind'], statusCode?: number): AzureDevOpsError {
  return new AzureDevOpsError({ kind, statusCode, message: `simulated ${kind}${statusCode ? ` (${statusCode})` : ''}` });
}
