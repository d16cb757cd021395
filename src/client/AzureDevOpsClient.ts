/**
 * The adapter from our port to `azure-devops-node-api`: it composes the area clients (discovery),
 * the versioned transport, error classification and the JSON-to-DTO mappers, and adds what each
 * call needs: paging, the file and repository outcomes of a 404, the size limit.
 */
import type { AzureDevOpsCredentialsProvider } from '@backstage/integration';
import type { ProfileConfig } from '../config/types';
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
  RequestStats,
} from './AzureDevOpsApi';
import { AreaApis } from './AreaApis';
import { AzureDevOpsError } from './AzureDevOpsError';
import { ClientErrors } from './ClientErrors';
import { commitFromJson } from './commitFromJson';
import { connectionFromJson } from './connectionFromJson';
import { createWebApi } from './createWebApi';
import {
  isCommitHistoryMissing,
  isProjectMissing,
  isRepositoryMissing,
  parseErrorEnvelope,
} from './errorEnvelope';
import { fileReadResultOf } from './fileReadResultOf';
import { headerValue } from './headerValue';
import { projectLanguagesFromJson } from './projectLanguagesFromJson';
import type { LibraryHttpClient, RawResponse } from './readResponse';
import { activityFromJson, listValues, projectFromJson, repositoryFromJson } from './repositoryFromJson';
import type { RequestGate } from './RequestGate';
import { CONNECTION_DATA, RESOURCES } from './resources';
import { VersionedTransport } from './VersionedTransport';

const PROJECT_PAGE_SIZE = 100;
/**
 * The most repositories one activity page may ask for: the server refuses a `$top` outside 1 to
 * 100 with 400 (`ArgumentUtility.CheckBoundsInclusive(take, 1, 100, "take")` in
 * RepositoryActivityMetricsProvider, decompiled Azure DevOps Server 2022).
 */
const ACTIVITY_PAGE_SIZE = 100;
/** Statuses that mean "project analysis is not offered here", not "something broke". */
const ANALYSIS_UNAVAILABLE_STATUS = new Set([401, 403, 404]);
/** A guard against a server that keeps handing out continuation tokens. */
const MAX_PROJECT_PAGES = 10_000;

/** Options of {@link AzureDevOpsClient.create}. */
export interface AzureDevOpsClientOptions {
  profile: ProfileConfig;
  credentialsProvider?: AzureDevOpsCredentialsProvider;
  /** Shared by every request of the profile; one per profile, kept across syncs. */
  gate: RequestGate;
}

/** Reads one organization through `azure-devops-node-api`; create one per profile and sync. */
export class AzureDevOpsClient implements AzureDevOpsApi {
  readonly #organizationUrl: string;
  readonly #gate: RequestGate;
  readonly #errors: ClientErrors;
  readonly #areas: AreaApis;
  readonly #transport: VersionedTransport;
  /** The connection's own HTTP client and base URL (the broker's with a broker), for `connectionData`. */
  readonly #base: { http: LibraryHttpClient; url: string };
  #statsAtLastCall: RequestStats;

  private constructor(options: {
    organizationUrl: string;
    gate: RequestGate;
    errors: ClientErrors;
    areas: AreaApis;
    transport: VersionedTransport;
    base: { http: LibraryHttpClient; url: string };
  }) {
    this.#organizationUrl = options.organizationUrl;
    this.#gate = options.gate;
    this.#errors = options.errors;
    this.#areas = options.areas;
    this.#transport = options.transport;
    this.#base = options.base;
    this.#statsAtLastCall = options.gate.stats;
  }

  /** Resolves credentials (they may expire between syncs) and prepares the connection. */
  static async create(options: AzureDevOpsClientOptions): Promise<AzureDevOpsClient> {
    const { profile, gate } = options;
    const connection = await createWebApi(profile, options.credentialsProvider);
    const errors = new ClientErrors({
      organization: profile.organization,
      host: connection.host,
      viaBroker: connection.viaBroker,
      secrets: connection.secrets,
      maxRetries: profile.maxRetries,
      requestTimeoutMs: profile.requestTimeoutMs,
    });
    const { requestTimeoutMs } = profile;
    return new AzureDevOpsClient({
      organizationUrl: profile.organizationUrl,
      gate,
      errors,
      areas: new AreaApis({ connection, gate, errors, requestTimeoutMs }),
      transport: new VersionedTransport({ gate, errors, requestTimeoutMs }),
      base: { http: connection.webApi.rest.client, url: connection.webApi.serverUrl.replace(/\/+$/, '') },
    });
  }

  /**
   * Requests, retries and throttled time since the previous call that did not peek (or since
   * creation): one sync's worth. The gate is the profile's and counts for every client of it.
   */
  requestStats(options: { peek?: boolean } = {}): RequestStats {
    const now = this.#gate.stats;
    const since = {
      requests: now.requests - this.#statsAtLastCall.requests,
      retries: now.retries - this.#statsAtLastCall.retries,
      throttledMs: now.throttledMs - this.#statsAtLastCall.throttledMs,
    };
    if (!options.peek) this.#statsAtLastCall = now;
    return since;
  }

  async getConnection(): Promise<AzureDevOpsConnection> {
    const operation = 'reading the connection data';
    // No location discovery first: the answer is wanted even when the token is refused everywhere else.
    const response = await this.#transport.getUnversioned(this.#base.http, `${this.#base.url}/${CONNECTION_DATA.path}`, operation, `GET ${CONNECTION_DATA.brokerPath}`);
    const connection = connectionFromJson(this.#errors.expectJson(response, operation));
    if (typeof connection === 'string') throw this.#errors.create('unauthorized', operation, connection, response.statusCode);
    return connection;
  }

  async listProjects(options: { limit?: number } = {}): Promise<AzureDevOpsProject[]> {
    const operation = 'listing projects';
    const { limit } = options;
    // A page no larger than the projects wanted: a limit of 1 costs one small answer.
    const pageSize = Math.max(1, Math.min(PROJECT_PAGE_SIZE, limit ?? PROJECT_PAGE_SIZE));
    const projects: AzureDevOpsProject[] = [];
    const seenIds = new Set<string>();
    let continuationToken: string | undefined;
    let skip: number | undefined;
    let received = 0;
    for (let page = 0; page < MAX_PROJECT_PAGES; page++) {
      const response = await this.#transport.get(await this.#areas.core(), RESOURCES.projects, operation, {
        query: { $top: pageSize, $skip: skip, continuationToken },
      });
      const items = this.#listValues(response, operation);
      received += items.length;
      let added = 0;
      for (const item of items) {
        const project = projectFromJson(item);
        if (!project || seenIds.has(project.id)) continue;
        seenIds.add(project.id);
        projects.push(project);
        added++;
      }
      if (limit !== undefined && projects.length >= limit) return projects.slice(0, limit);
      if (skip !== undefined && items.length > 0 && added === 0) {
        throw this.#errors.create('invalidResponse', operation, `the page at $skip=${skip} repeats projects already listed; the server ignores $skip`);
      }
      const next = headerValue(response.headers, 'x-ms-continuationtoken');
      if (next) {
        if (next === continuationToken) {
          throw this.#errors.create('invalidResponse', operation, 'the same continuation token came back twice');
        }
        continuationToken = next;
        skip = undefined;
        continue;
      }
      // Some Azure DevOps Server versions send no continuation token at all: a full page may not
      // be the last one, so page on by offset until a short page.
      if (items.length < pageSize) return projects;
      continuationToken = undefined;
      skip = received;
    }
    throw this.#errors.create('invalidResponse', operation, `more than ${MAX_PROJECT_PAGES} pages`);
  }

  async listRepositories(options: { project?: string } = {}): Promise<RepositoryListing> {
    const operation = options.project ? `listing repositories of project ${options.project}` : 'listing repositories';
    let listing: RepositoryListing = { repositories: [], malformed: [] };
    // One project object per project, not per repository: a large listing holds far fewer.
    let projects = new Map<string, AzureDevOpsRepository['project']>();
    const take = (item: unknown) => {
      const repository = repositoryFromJson(item, this.#organizationUrl);
      if (typeof repository === 'string') {
        listing.malformed.push(repository);
        return;
      }
      const known = projects.get(repository.project.id);
      if (known && known.name === repository.project.name && known.visibility === repository.project.visibility) repository.project = known;
      else projects.set(repository.project.id, repository.project);
      listing.repositories.push(repository);
    };
    const response = await this.#transport.get(await this.#areas.git(), RESOURCES.repositories, operation, {
      // An absent project drops out of the route: the organization-wide listing, one request.
      routeValues: { project: options.project },
      // Item by item as it arrives: the whole listing's body and parse tree are never held.
      readList: () => {
        listing = { repositories: [], malformed: [] };
        projects = new Map();
        return take;
      },
    });
    if (!response.list) {
      for (const item of this.#listValues(response, operation)) take(item);
      return listing;
    }
    if (response.statusCode !== 200) throw this.#errors.fromStatus(response, operation);
    if (response.list.error) {
      throw this.#errors.create('invalidResponse', operation, 'the JSON answer does not parse (truncated or malformed)', response.statusCode);
    }
    if (!response.list.valueFound) throw this.#errors.create('invalidResponse', operation, 'the answer has no "value" list', response.statusCode);
    return listing;
  }

  async getRepository(options: { project: string; repositoryId: string }): Promise<AzureDevOpsRepository | undefined> {
    const operation = `reading repository ${options.repositoryId} of project ${options.project}`;
    const response = await this.#transport.get(await this.#areas.git(), RESOURCES.repository, operation, {
      routeValues: { project: options.project, repositoryId: options.repositoryId },
    });
    if (response.statusCode === 404 && isRepositoryMissing(parseErrorEnvelope(response.body))) return undefined;
    const repository = repositoryFromJson(this.#errors.expectJson(response, operation), this.#organizationUrl);
    if (typeof repository === 'string') throw this.#errors.create('invalidResponse', operation, repository, response.statusCode);
    return repository;
  }

  /** The items of a 200 list answer; throws when the answer is an error or not a list. */
  #listValues(response: RawResponse, operation: string): unknown[] {
    const values = listValues(this.#errors.expectJson(response, operation));
    if (!values) throw this.#errors.create('invalidResponse', operation, 'the answer has no "value" list', response.statusCode);
    return values;
  }

  async readFile(options: ReadFileOptions): Promise<FileReadResult> {
    const path = `/${options.path.replace(/^\/+/, '')}`;
    const operation = `reading ${path} of repository ${options.repositoryId} in project ${options.project}`;
    const response = await this.#transport.get(await this.#areas.git(), RESOURCES.items, operation, {
      routeValues: { project: options.project, repositoryId: options.repositoryId },
      // versionType 0 is "branch", as the library sends it.
      query: { path, versionDescriptor: { version: options.branch, versionType: 0 } },
      // The raw bytes, as the library's getItemContent asks for them: unlike the JSON item, whose
      // escaped content could be six times the file, the body is the file, so the cap is exact.
      accept: 'application/octet-stream',
      maxBodyBytes: options.maxBytes,
    });
    return fileReadResultOf(response, { path, operation, errors: this.#errors });
  }

  async listChangedRepositoryIds(options: { project: string; since: Date }): Promise<Set<string> | undefined> {
    const operation = `listing repository activity of project ${options.project}`;
    const changed = new Set<string>();
    const listed = new Set<string>();
    for (let skip = 0; ; skip += ACTIVITY_PAGE_SIZE) {
      const response = await this.#transport.get(await this.#areas.projectAnalysis(), RESOURCES.activityMetrics, operation, {
        routeValues: { project: options.project },
        // Hourly buckets: the finest the API offers, so the window is at most an hour wider than asked.
        query: { fromDate: options.since, aggregationType: 'hourly', $skip: skip, $top: ACTIVITY_PAGE_SIZE },
      });
      // A project deleted since the listing has no pushes to report; its repositories leave with it.
      if (response.statusCode === 404 && isProjectMissing(parseErrorEnvelope(response.body))) return changed;
      if (ANALYSIS_UNAVAILABLE_STATUS.has(response.statusCode)) return undefined;
      // Anything else, a 400 (badRequest) included, throws: the caller decides what a refusal means.
      const page = this.#listValues(response, operation);
      const { ids, changedIds } = activityFromJson(page);
      // The listing may name repositories without pushes; a full page that names none not seen yet
      // means a server that ignores $skip, which would otherwise be asked forever.
      if (page.length >= ACTIVITY_PAGE_SIZE && ids.every(id => listed.has(id))) {
        throw this.#errors.create('invalidResponse', operation, `the page at $skip=${skip} repeats repositories already listed; the server ignores $skip`);
      }
      for (const id of ids) listed.add(id);
      for (const id of changedIds) changed.add(id);
      if (page.length < ACTIVITY_PAGE_SIZE) return changed;
    }
  }

  async listCommits(options: ListCommitsOptions): Promise<AzureDevOpsCommit[]> {
    const { project, repositoryId, branch, top, skip } = options;
    const operation = `listing commits of branch ${branch} of repository ${repositoryId} in project ${project}`;
    const response = await this.#transport.get(await this.#areas.git(), RESOURCES.commits, operation, {
      routeValues: { project, repositoryId },
      // Nested as the library nests a GitQueryCommitsCriteria (searchCriteria.itemVersion.version=…);
      // versionType 0 is "branch", as the library sends GitVersionType.Branch.
      query: { searchCriteria: { itemVersion: { version: branch, versionType: 0 }, $top: top, $skip: skip } },
    });
    if (response.statusCode === 404 && isCommitHistoryMissing(parseErrorEnvelope(response.body))) return [];
    return this.#listValues(response, operation).flatMap(item => commitFromJson(item) ?? []);
  }

  async checkProjectAnalysis(options: { project: string; metrics: ProjectAnalysisMetrics; since: Date }): Promise<void> {
    const { project, metrics, since } = options;
    const activity = metrics === 'activity';
    const operation = activity ? `listing repository activity of project ${project}` : `reading the language metrics of project ${project}`;
    const response = await this.#transport.get(
      await this.#areas.projectAnalysis(),
      activity ? RESOURCES.activityMetrics : RESOURCES.languageMetrics,
      operation,
      {
        routeValues: { project },
        // One repository's worth: whether the service answers is all the check asks.
        query: activity ? { fromDate: since, aggregationType: 'hourly', $skip: 0, $top: 1 } : undefined,
      },
    );
    if (response.statusCode === 404) {
      // A 404 here is no organization or project to check: the resource (or its area) is not served.
      const said = parseErrorEnvelope(response.body)?.message;
      throw this.#errors.create('notFound', operation, `project analysis is not there (404${said ? `: ${said}` : ''}): a server without it, or a project it does not analyse`, 404);
    }
    this.#errors.expectJson(response, operation, [200, 206]);
  }

  async getProjectLanguages(options: { project: string }): Promise<ProjectLanguages | undefined> {
    const operation = `reading the language metrics of project ${options.project}`;
    let response: RawResponse;
    try {
      response = await this.#transport.get(await this.#areas.projectAnalysis(), RESOURCES.languageMetrics, operation, {
        routeValues: { project: options.project },
      });
    } catch (error) {
      // Languages are optional: a broker that leaves the route out is one more place without them.
      if (error instanceof AzureDevOpsError && error.kind === 'blocked') return undefined;
      throw error;
    }
    if (ANALYSIS_UNAVAILABLE_STATUS.has(response.statusCode)) return undefined;
    // 206 Partial Content carries a whole body: the analysis so far, while its background job runs.
    const languages = projectLanguagesFromJson(this.#errors.expectJson(response, operation, [200, 206]), response.statusCode === 206);
    if (typeof languages === 'string') throw this.#errors.create('invalidResponse', operation, languages, response.statusCode);
    return languages;
  }
}
