/**
 * The adapter from our port to `azure-devops-node-api`.
 *
 * The library's typed methods resolve `null` on every 404 (a missing file, an empty repository, a
 * deleted repository all look alike) and on a 203 sign-in page, hide response headers
 * (`Retry-After`, `x-ms-continuationtoken`) and drop the projects continuation token
 * (microsoft/azure-devops-node-api#646). So each call here uses the library's own location
 * negotiation (`vsoClient.getVersioningData`: the OPTIONS discovery, api-version in Accept) and
 * its authenticated HTTP client, then reads status, headers and the error envelope's `typeKey`
 * itself.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientApiBase } from 'azure-devops-node-api/ClientApiBases';
import type { IRequestHandler, IRequestOptions } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';
import type { HttpClient } from 'typed-rest-client/HttpClient';
import { CoreApi } from 'azure-devops-node-api/CoreApi';
import { GitApi } from 'azure-devops-node-api/GitApi';
import { ProjectAnalysisApi } from 'azure-devops-node-api/ProjectAnalysisApi';
import type { AzureDevOpsCredentialsProvider } from '@backstage/integration';
import type { ProfileConfig } from '../config/types';
import type {
  AzureDevOpsApi,
  AzureDevOpsErrorKind,
  AzureDevOpsProject,
  AzureDevOpsRepository,
  FileReadResult,
  ReadFileOptions,
  RepositoryListing,
} from './AzureDevOpsApi';
import { AzureDevOpsError } from './AzureDevOpsError';
import { createWebApi, type ProfileConnection } from './createWebApi';
import { RequestGate } from './requestGate';

/** Location ids and api-versions the library itself uses for these resources. */
const RESOURCES = {
  projects: { area: 'core', locationId: '603fe2ac-9723-48b9-88ad-09305aa6c6e1', apiVersion: '7.2-preview.4' },
  repositories: { area: 'git', locationId: '225f7195-f9c7-4d14-ab28-a83f7ff77e1f', apiVersion: '7.2-preview.2' },
  items: { area: 'git', locationId: 'fb93c0db-47ed-4a31-8c20-47552878fb44', apiVersion: '7.2-preview.1' },
  activityMetrics: { area: 'projectanalysis', locationId: 'df7fbbca-630a-40e3-8aa3-7a3faf66947e', apiVersion: '7.2-preview.1' },
} as const;

type Resource = (typeof RESOURCES)[keyof typeof RESOURCES];

const PROJECT_PAGE_SIZE = 100;
const ACTIVITY_PAGE_SIZE = 1000;
/** Statuses that mean "project analysis is not offered here", not "something broke". */
const ANALYSIS_UNAVAILABLE_STATUS = new Set([401, 403, 404]);
/** A guard against a server that keeps handing out continuation tokens. */
const MAX_PROJECT_PAGES = 10_000;
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);
const REQUIRED_SCOPES = 'Code (read) and Project and Team (read)';

interface RawResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface ErrorEnvelope {
  typeKey?: string;
  message?: string;
}

/** Options of {@link AzureDevOpsClient.create}. */
export interface AzureDevOpsClientOptions {
  profile: ProfileConfig;
  credentialsProvider?: AzureDevOpsCredentialsProvider;
  /** Shared by every request of the profile; one per profile, kept across syncs. */
  gate: RequestGate;
}

/** Reads one organization through `azure-devops-node-api`; create one per profile and sync. */
export class AzureDevOpsClient implements AzureDevOpsApi {
  readonly #profile: ProfileConfig;
  readonly #connection: ProfileConnection;
  readonly #gate: RequestGate;
  #statsAtLastCall: { requests: number; retries: number };
  #coreApi?: Promise<CoreApi>;
  #gitApi?: Promise<GitApi>;
  #projectAnalysisApi?: Promise<ProjectAnalysisApi>;
  /** The first request of each API client, settled or not; see {@link AzureDevOpsClient.#get}. */
  readonly #firstRequests = new WeakMap<ClientApiBase, Promise<void>>();

  private constructor(profile: ProfileConfig, connection: ProfileConnection, gate: RequestGate) {
    this.#profile = profile;
    this.#connection = connection;
    this.#gate = gate;
    this.#statsAtLastCall = { ...gate.stats };
  }

  /** Requests and retries since the previous call (or since creation): one sync's worth. */
  requestStats(): { requests: number; retries: number } {
    const { requests, retries } = this.#gate.stats;
    const since = { requests: requests - this.#statsAtLastCall.requests, retries: retries - this.#statsAtLastCall.retries };
    this.#statsAtLastCall = { requests, retries };
    return since;
  }

  /** Resolves credentials (they may expire between syncs) and prepares the connection. */
  static async create(options: AzureDevOpsClientOptions): Promise<AzureDevOpsClient> {
    const connection = await createWebApi(options.profile, options.credentialsProvider);
    return new AzureDevOpsClient(options.profile, connection, options.gate);
  }

  async listProjects(): Promise<AzureDevOpsProject[]> {
    const projects: AzureDevOpsProject[] = [];
    let continuationToken: string | undefined;
    for (let page = 0; page < MAX_PROJECT_PAGES; page++) {
      const response = await this.#get(await this.#core(), RESOURCES.projects, 'listing projects', {
        query: { $top: PROJECT_PAGE_SIZE, continuationToken },
      });
      const body = this.#expectOk(response, 'listing projects');
      for (const item of listValues(body)) {
        const project = projectFromJson(item);
        if (project) projects.push(project);
      }
      const next = headerValue(response.headers['x-ms-continuationtoken']);
      if (!next) return projects;
      if (next === continuationToken) {
        throw this.#error('invalidResponse', 'listing projects', 'the same continuation token came back twice');
      }
      continuationToken = next;
    }
    throw this.#error('invalidResponse', 'listing projects', `more than ${MAX_PROJECT_PAGES} pages`);
  }

  async listRepositories(options: { project?: string } = {}): Promise<RepositoryListing> {
    const operation = options.project
      ? `listing repositories of project ${options.project}`
      : 'listing repositories';
    const response = await this.#get(await this.#git(), RESOURCES.repositories, operation, {
      // An absent project drops out of the route: the organization-wide listing, one request.
      routeValues: { project: options.project },
    });
    const body = this.#expectOk(response, operation);
    const listing: RepositoryListing = { repositories: [], malformed: [] };
    for (const item of listValues(body)) {
      const repository = repositoryFromJson(item, this.#profile.organizationUrl);
      if (typeof repository === 'string') listing.malformed.push(repository);
      else listing.repositories.push(repository);
    }
    return listing;
  }

  async readFile(options: ReadFileOptions): Promise<FileReadResult> {
    const path = `/${options.path.replace(/^\/+/, '')}`;
    const operation = `reading ${path} of repository ${options.repositoryId} in project ${options.project}`;
    const response = await this.#get(await this.#git(), RESOURCES.items, operation, {
      routeValues: { project: options.project, repositoryId: options.repositoryId },
      query: {
        path,
        // versionType 0 is "branch", as the library sends it.
        versionDescriptor: { version: options.branch, versionType: 0 },
        includeContent: true,
      },
    });
    if (response.statusCode === 404) {
      const outcome = fileOutcomeFromNotFound(parseEnvelope(response.body));
      if (outcome) return outcome;
    }
    const body = this.#expectOk(response, operation);
    if (!isRecord(body) || typeof body.content !== 'string') {
      throw this.#error('invalidResponse', operation, 'the item has no text content');
    }
    const bytes = Buffer.byteLength(body.content, 'utf8');
    if (bytes > options.maxBytes) return { kind: 'tooLarge', bytes };
    return {
      kind: 'found',
      content: body.content,
      ...(typeof body.objectId === 'string' ? { objectId: body.objectId } : {}),
    };
  }

  async listChangedRepositoryIds(options: { project: string; since: Date }): Promise<Set<string> | undefined> {
    const operation = `listing repository activity of project ${options.project}`;
    const changed = new Set<string>();
    for (let skip = 0; ; skip += ACTIVITY_PAGE_SIZE) {
      const response = await this.#get(await this.#projectAnalysis(), RESOURCES.activityMetrics, operation, {
        routeValues: { project: options.project },
        // Hourly buckets: the finest the API offers, so the window is at most an hour wider than asked.
        query: { fromDate: options.since, aggregationType: 'hourly', $skip: skip, $top: ACTIVITY_PAGE_SIZE },
      });
      if (ANALYSIS_UNAVAILABLE_STATUS.has(response.statusCode)) return undefined;
      const page = listValues(this.#expectOk(response, operation));
      for (const item of page) {
        if (!isRecord(item) || typeof item.repositoryId !== 'string') continue;
        if (typeof item.codeChangesCount !== 'number' || item.codeChangesCount > 0) {
          changed.add(item.repositoryId.toLowerCase());
        }
      }
      if (page.length < ACTIVITY_PAGE_SIZE) return changed;
    }
  }

  #core(): Promise<CoreApi> {
    this.#coreApi ??= this.#api(CoreApi, '79134c72-4a58-4b42-976c-04e7115f32bf').catch(error => {
      this.#coreApi = undefined;
      throw error;
    });
    return this.#coreApi;
  }

  #git(): Promise<GitApi> {
    this.#gitApi ??= this.#api(GitApi, '4e080c62-fa21-4fbc-8fef-2a10a2b38049').catch(error => {
      this.#gitApi = undefined;
      throw error;
    });
    return this.#gitApi;
  }

  #projectAnalysis(): Promise<ProjectAnalysisApi> {
    this.#projectAnalysisApi ??= this.#api(ProjectAnalysisApi, '7658fa33-b1bf-4580-990f-fac5896773d3').catch(
      error => {
        this.#projectAnalysisApi = undefined;
        throw error;
      },
    );
    return this.#projectAnalysisApi;
  }

  /**
   * One client object per area and sync, so the OPTIONS discovery of its locations runs once.
   * Through a broker, `ResourceAreas` would answer with the real host's URL and route requests
   * around the broker, so the broker URL is used as it is.
   */
  async #api<T extends ClientApiBase>(
    ApiClass: new (baseUrl: string, handlers: IRequestHandler[], options?: IRequestOptions, userAgent?: string) => T,
    resourceAreaId: string,
  ): Promise<T> {
    const { webApi, viaBroker } = this.#connection;
    const handlers = [webApi.authHandler];
    if (viaBroker) return new ApiClass(webApi.serverUrl, handlers, webApi.options, webApi.userAgent);
    const response = await this.#gate.run(async () => {
      try {
        const url = await (webApi as unknown as ResourceAreaLookup)._getResourceAreaUrl(webApi.serverUrl, resourceAreaId);
        return { statusCode: 200, headers: {}, body: '', url };
      } catch (error) {
        // A failed lookup is not cached by the library; forget it so that a retry asks again.
        (webApi as unknown as ResourceAreaLookup)._resourceAreas = undefined;
        const failure =
          responseFromLibraryError(error) ??
          (isLocationNotFound(error) ? await this.#probeWhyDiscoveryFailed(webApi.rest.client, webApi.serverUrl) : undefined);
        if (failure) return { ...failure, url: webApi.serverUrl };
        throw error;
      }
    }, isRetryableError).catch(error => {
      throw this.#errorFromThrown(error, 'discovering the API locations');
    });
    if (response.statusCode !== 200) this.#expectOk(response, 'discovering the API locations');
    return new ApiClass(response.url, handlers, webApi.options, webApi.userAgent);
  }

  /**
   * The library caches an area's locations only once its OPTIONS answer is in, so requests started
   * before then each send their own OPTIONS (up to `concurrency` of them): the first request of
   * each API client goes alone, the others wait for it.
   */
  async #get(
    api: ClientApiBase,
    resource: Resource,
    operation: string,
    request: { routeValues?: Record<string, string | undefined>; query?: Record<string, unknown> },
  ): Promise<RawResponse> {
    const first = this.#firstRequests.get(api);
    if (!first) {
      const sending = this.#send(api, resource, operation, request);
      // Settles to nothing: holding the answer would keep its body (the whole listing) for the client's life.
      this.#firstRequests.set(
        api,
        sending.then(
          () => undefined,
          () => undefined,
        ),
      );
      return sending;
    }
    await first;
    return this.#send(api, resource, operation, request);
  }

  async #send(
    api: ClientApiBase,
    resource: Resource,
    operation: string,
    request: { routeValues?: Record<string, string | undefined>; query?: Record<string, unknown> },
  ): Promise<RawResponse> {
    try {
      return await this.#gate.run(async () => {
        let versioning: { apiVersion?: string; requestUrl?: string };
        try {
          versioning = await api.vsoClient.getVersioningData(
            resource.apiVersion,
            resource.area,
            resource.locationId,
            { ...request.routeValues },
            dropUndefined(request.query ?? {}),
          );
        } catch (error) {
          const failure = responseFromLibraryError(error);
          if (failure) return failure;
          if (isLocationNotFound(error)) return this.#probeWhyDiscoveryFailed(api.http, api.baseUrl);
          throw error;
        }
        const response = await api.http.get(versioning.requestUrl ?? '', {
          Accept: api.createAcceptHeader('application/json', versioning.apiVersion),
        });
        const body = await readBody(response, this.#profile.requestTimeoutMs);
        return { statusCode: response.message.statusCode ?? 0, headers: response.message.headers, body };
      }, isRetryableError);
    } catch (error) {
      throw this.#errorFromThrown(error, operation);
    }
  }

  /**
   * The library turns a 203 sign-in page or a 404 on the OPTIONS discovery into "Failed to find
   * api location"; asking the same URL again tells an invalid token from a wrong organization.
   */
  async #probeWhyDiscoveryFailed(http: HttpClient, baseUrl: string): Promise<RawResponse> {
    const response = await http.get(`${baseUrl.replace(/\/+$/, '')}/_apis/connectionData`, {
      Accept: 'application/json',
    });
    const body = await readBody(response, this.#profile.requestTimeoutMs);
    const statusCode = response.message.statusCode ?? 0;
    // A 200 here means discovery itself is what the server does not support.
    return { statusCode: statusCode === 200 ? 404 : statusCode, headers: response.message.headers, body };
  }

  /** Returns the parsed JSON of a 200, or throws the error the status means. */
  #expectOk(response: RawResponse, operation: string): unknown {
    const { statusCode, headers } = response;
    if (statusCode === 200) {
      const contentType = headerValue(headers['content-type']) ?? '';
      if (!contentType.includes('json')) {
        throw this.#error('invalidResponse', operation, `expected JSON, got ${contentType || 'no content type'}`, statusCode);
      }
      try {
        return JSON.parse(response.body);
      } catch {
        throw this.#error('invalidResponse', operation, 'the JSON answer does not parse (truncated or malformed)', statusCode);
      }
    }
    const envelope = parseEnvelope(response.body);
    const detail = envelope?.message ? `: ${envelope.message}` : '';
    const serviceError = headerValue(headers['x-tfs-serviceerror']);
    switch (true) {
      case statusCode === 203 || (statusCode >= 300 && statusCode < 400):
        throw this.#error('unauthorized', operation, `Azure DevOps answered ${statusCode} with a sign-in page instead of data; the token was rejected. Check its expiry and scopes (${REQUIRED_SCOPES})`, statusCode);
      case statusCode === 401:
        throw this.#error('unauthorized', operation, `token rejected by Azure DevOps (401${serviceError ? `, ${safeDecode(serviceError)}` : ''}); check its expiry and scopes (${REQUIRED_SCOPES})`, statusCode, envelope);
      case statusCode === 403:
        throw this.#error('forbidden', operation, `access denied (403)${detail}; the token needs ${REQUIRED_SCOPES}`, statusCode, envelope);
      case statusCode === 404:
        throw this.#error('notFound', operation, `not found (404)${detail}; check the organization name and apiUrl`, statusCode, envelope);
      case statusCode === 429:
        throw this.#error('throttled', operation, `throttled by Azure DevOps (429) after ${this.#profile.maxRetries} retries${detail}`, statusCode, envelope);
      case statusCode >= 500:
        throw this.#error('serverError', operation, `Azure DevOps answered ${statusCode} after ${this.#profile.maxRetries} retries${detail}`, statusCode, envelope);
      default:
        throw this.#error('invalidResponse', operation, `unexpected status ${statusCode}${detail}`, statusCode, envelope);
    }
  }

  #errorFromThrown(error: unknown, operation: string): AzureDevOpsError {
    if (error instanceof AzureDevOpsError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown })?.code;
    if (message.startsWith('Request timeout') || message === 'Body read timeout') {
      return this.#error('timeout', operation, `no answer within ${this.#profile.requestTimeoutMs / 1000} s`);
    }
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) {
      return this.#error('network', operation, `${code} talking to ${this.#connection.host}`);
    }
    if (/socket hang up|aborted|premature close/i.test(message)) {
      return this.#error('network', operation, `the connection to ${this.#connection.host} was cut: ${message}`);
    }
    return this.#error('invalidResponse', operation, message);
  }

  #error(
    kind: AzureDevOpsErrorKind,
    operation: string,
    reason: string,
    statusCode?: number,
    envelope?: ErrorEnvelope,
  ): AzureDevOpsError {
    const via = this.#connection.viaBroker ? ` through the broker at ${this.#connection.host}` : ` at ${this.#connection.host}`;
    const message = `Azure DevOps organization ${this.#profile.organization}${via}: ${operation} failed: ${reason}`;
    return new AzureDevOpsError({
      kind,
      message: redact(message, this.#connection.secrets),
      statusCode,
      typeKey: envelope?.typeKey,
    });
  }
}

/** Private members of `WebApi` used for the ResourceAreas lookup, named here so their use is visible. */
interface ResourceAreaLookup {
  _getResourceAreaUrl(serverUrl: string, resourceId: string): Promise<string>;
  _resourceAreas: unknown;
}

/** The library throws on statuses above 299 with `statusCode` and `responseHeaders`. */
function responseFromLibraryError(error: unknown): RawResponse | undefined {
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode !== 'number') return undefined;
  const { responseHeaders, result } = error as { responseHeaders?: IncomingHttpHeaders; result?: unknown };
  return { statusCode, headers: responseHeaders ?? {}, body: result === undefined ? '' : JSON.stringify(result) };
}

function isLocationNotFound(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Failed to find api location');
}

/** Network faults and timeouts are retried; anything else thrown is a bug or a bad answer. */
function isRetryableError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /^Request timeout|^Body read timeout|socket hang up|aborted/i.test(message);
}

/**
 * `readBody` waits for 'end', which never comes when a server stalls mid-body; the socket timeout
 * only covers the wait for headers.
 */
async function readBody(
  response: { message: NodeJS.ReadableStream & { destroy(error?: Error): void }; readBody(): Promise<string> },
  timeoutMs: number,
): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error('Body read timeout');
      response.message.destroy(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([response.readBody(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function fileOutcomeFromNotFound(envelope: ErrorEnvelope | undefined): FileReadResult | undefined {
  switch (envelope?.typeKey) {
    case 'GitItemNotFoundException':
      // VS403403 "Cannot find any branches": the repository has no commits at all.
      return envelope.message?.startsWith('VS403403') ? { kind: 'emptyRepository' } : { kind: 'missing' };
    case 'GitUnresolvableToCommitException':
      return { kind: 'branchMissing' };
    case 'GitRepositoryNotFoundException':
    case 'ProjectDoesNotExistWithNameException':
      return { kind: 'repositoryMissing' };
    default:
      return undefined;
  }
}

function parseEnvelope(body: string): ErrorEnvelope | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (!isRecord(parsed)) return undefined;
    return {
      typeKey: typeof parsed.typeKey === 'string' ? parsed.typeKey : undefined,
      message: typeof parsed.message === 'string' ? parsed.message : undefined,
    };
  } catch {
    return undefined;
  }
}

function listValues(body: unknown): unknown[] {
  return isRecord(body) && Array.isArray(body.value) ? body.value : [];
}

function projectFromJson(item: unknown): AzureDevOpsProject | undefined {
  if (!isRecord(item) || typeof item.id !== 'string' || typeof item.name !== 'string') return undefined;
  return { id: item.id, name: item.name, visibility: item.visibility === 'public' ? 'public' : 'private' };
}

/** Maps one listing entry, or says why it cannot be used. */
function repositoryFromJson(item: unknown, organizationUrl: string): AzureDevOpsRepository | string {
  if (!isRecord(item)) return 'an entry that is not an object';
  const { id, name } = item;
  const project = projectFromJson(item.project);
  if (typeof id !== 'string' || typeof name !== 'string' || !project) {
    return `repository ${JSON.stringify(typeof name === 'string' ? name : id ?? null)}: id, name or project missing or not text`;
  }
  const defaultBranch =
    typeof item.defaultBranch === 'string' && item.defaultBranch !== ''
      ? item.defaultBranch.replace(/^refs\/heads\//, '')
      : undefined;
  return {
    id,
    name,
    project,
    // Empty repositories have no defaultBranch (the API leaves the field out).
    ...(defaultBranch ? { defaultBranch } : {}),
    webUrl:
      typeof item.webUrl === 'string'
        ? item.webUrl
        : `${organizationUrl}/${encodeURIComponent(project.name)}/_git/${encodeURIComponent(name)}`,
    isDisabled: item.isDisabled === true,
    isFork: item.isFork === true,
    size: typeof item.size === 'number' ? item.size : 0,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function dropUndefined(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Secrets shorter than this are not searched for: replacing every "t" of a message would make it
 * unreadable, and no Azure DevOps token is that short.
 */
const MIN_REDACTED_LENGTH = 6;

/** Removes every secret, however it was encoded, from text about to leave the client. */
export function redact(text: string, secrets: string[]): string {
  return secrets
    .filter(secret => secret.length >= MIN_REDACTED_LENGTH)
    .reduce((result, secret) => result.split(secret).join('***'), text);
}
