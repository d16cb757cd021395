import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  brokerCarriesCredentialsReply,
  emptyUnauthorizedReply,
  expiredTokenReply,
  identityForBroker,
  identityForPat,
  patFromAuthorization,
  rejectedCredentialReply,
  unknownBrokerTokenReply,
  type AuthFailureMode,
  type SimulatedIdentity,
} from './authentication';
import { brokerBlockedReply, brokerClientUrl, matchesAcceptRule, type BrokerAcceptRule } from './brokerAcceptRules';
import { paddedJsonSlices, stringSlices, writeSlices } from './bodySlices';
import { errorReply, organizationNotFound, projectNotFound, routeNotFound } from './azureDevOpsErrors';
import type { DeploymentSettings } from './deployment';
import { areaOptions, connectionData, project, projects, resourceAreas } from './coreRoutes';
import { faultAction, FaultRegistry, type Fault, type FaultAction, type FaultSubject } from './faults';
import { answerControlRequest, isControlPath } from './controlRoutes';
import { branchStats, commits, refs, repositories, repository } from './gitRoutes';
import { items } from './itemRoutes';
import type {
  ProjectInit,
  RepositoryInit,
  SimulatedOrganization,
  SimulatedProject,
  SimulatedRepository,
} from './organization';
import { OrganizationChanges, type PayloadDetails } from './OrganizationChanges';
import { OrganizationStore } from './OrganizationStore';
import { activityMetrics, languageMetrics } from './projectAnalysisRoutes';
import type { RecordedPush } from './PushLedger';
import { JSON_CONTENT_TYPE, withByteOrderMark, type Reply } from './reply';
import { parseRequestTarget, type RequestTarget, type RouteName } from './requestTarget';
import { ResourceUrls, type Outcome, type RouteHandler } from './routeContext';
import { RequestLog, type MutableRecordedRequest, type RecordedRequest } from './RequestLog';
import type { ServiceHookOptions } from './serviceHooks/ServiceHookOptions';
import type { ServiceHookEventType, ServiceHookPayload } from './serviceHooks/ServiceHookPayload';
import { ServiceHookPublisher } from './serviceHooks/ServiceHookPublisher';
import type { ServiceHookDelivery } from './serviceHooks/ServiceHookSender';
import type { AzureDevOpsSimulatorOptions } from './simulatorOptions';
import { SimulatorStateError } from './SimulatorStateError';
import { ThrottleBudget, type ThrottleOptions, type ThrottleStats } from './ThrottleBudget';
import { tokenMayCall } from './tokenScopes';

export type { AzureDevOpsSimulatorOptions } from './simulatorOptions';
export type { RecordedRequest } from './RequestLog';

const ROUTES: Record<Exclude<RouteName, 'unknown'>, RouteHandler> = {
  location: areaOptions,
  areaOptions,
  resourceAreas,
  connectionData,
  projects,
  project,
  repositories,
  repository,
  items,
  refs,
  commits,
  branchStats,
  languageMetrics,
  activityMetrics,
};

interface ResolvedTarget {
  organization?: SimulatedOrganization;
  /** The project of the segment before `_apis`; undefined when absent or unknown. */
  project?: SimulatedProject;
  /** What faults match on: also the project of a repository addressed by id alone. */
  subject: FaultSubject;
}

/**
 * A local HTTP server that answers like Azure DevOps Services for what the module uses, so that
 * the unmodified azure-devops-node-api client works against `{url}/{organization}`. Lookups are
 * indexed, so organizations with tens of thousands of repositories stay fast.
 */
export class AzureDevOpsSimulator {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #store: OrganizationStore;
  readonly #hooks: ServiceHookPublisher;
  readonly #changes: OrganizationChanges;
  readonly #faults = new FaultRegistry();
  readonly #clock: () => number;
  readonly #sleepers = new Map<NodeJS.Timeout, () => void>();
  readonly #log: RequestLog;
  readonly #deployment: DeploymentSettings;
  #tokens: Set<string>;
  #expiredTokens: Set<string>;
  #tokenScopes: Record<string, string[]> | undefined;
  #brokerTokens: Set<string>;
  #brokerAcceptRules: BrokerAcceptRule[] | undefined;
  #latencyMs: number;
  #authFailure: AuthFailureMode;
  #continuationTokens: boolean;
  #throttle: ThrottleBudget | undefined;
  #url = '';
  #stopping: Promise<void> | undefined;

  private constructor(options: AzureDevOpsSimulatorOptions) {
    this.#clock = options.clock ?? Date.now;
    this.#store = new OrganizationStore(structuredClone(options.organizations), this.#clock);
    this.#hooks = new ServiceHookPublisher({ clock: this.#clock, baseUrl: () => this.#url, serviceHooks: options.serviceHooks });
    this.#changes = new OrganizationChanges({ store: this.#store, hooks: this.#hooks, clock: this.#clock });
    this.#tokens = new Set(options.tokens ?? ['sim-token']);
    this.#expiredTokens = new Set(options.expiredTokens ?? []);
    this.#tokenScopes = options.tokenScopes && structuredClone(options.tokenScopes);
    this.#brokerTokens = new Set(options.brokerTokens ?? []);
    this.#brokerAcceptRules = options.brokerAcceptRules;
    this.#latencyMs = options.latencyMs ?? 0;
    this.#authFailure = options.authFailure ?? '203';
    this.#continuationTokens = options.continuationTokens ?? true;
    this.#log = new RequestLog({ keep: options.recordRequests ?? true, clock: this.#clock });
    this.#deployment = { deployment: options.deployment ?? 'services', resourceAreaHost: options.resourceAreaHost };
    this.setThrottle(options.throttle);
    this.#server = createServer((request, response) => void this.#handle(request, response));
    this.#server.on('connection', socket => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(options: AzureDevOpsSimulatorOptions): Promise<AzureDevOpsSimulator> {
    const simulator = new AzureDevOpsSimulator(options);
    await simulator.#listen(options.port ?? 0);
    return simulator;
  }

  /** `http://127.0.0.1:PORT`, without trailing slash. */
  get url(): string {
    return this.#url;
  }

  /** The base URL to give `new WebApi(…)`. */
  organizationUrl(name: string): string {
    return `${this.#url}/${encodeURIComponent(name)}`;
  }

  /** The base URL of an organization behind a broker; requests to it must carry no credentials. */
  brokerUrl(brokerToken: string, organization: string): string {
    return `${this.#url}/broker/${encodeURIComponent(brokerToken)}/${encodeURIComponent(organization)}`;
  }

  /** The live state of an organization: changes show in the next answers. */
  organization(name: string): SimulatedOrganization {
    const found = this.#store.organization(name);
    if (!found) throw new SimulatorStateError('notFound', `Unknown organization ${name}`);
    return found;
  }

  /** The live repository, by name or id inside the project; throws when unknown. */
  repository(organization: string, project: string, repository: string): SimulatedRepository {
    return this.#store.locateRepository(organization, project, repository).repository;
  }

  /**
   * Pushes a commit writing (or, with `undefined`, deleting) one file on the default branch;
   * sends git.push when service hooks are set.
   */
  setFile(
    organization: string,
    project: string,
    repository: string,
    path: string,
    content: string | undefined,
  ): SimulatedRepository {
    return this.#changes.setFile(organization, project, repository, path, content);
  }

  /**
   * Pushes a commit to a branch other than the default, which stays as it is (only the default
   * branch is served); sends git.push when service hooks are set.
   */
  pushToBranch(organization: string, project: string, repository: string, branch: string): RecordedPush {
    return this.#changes.pushToBranch(organization, project, repository, branch);
  }

  addProject(organization: string, init: ProjectInit): SimulatedProject {
    return this.#store.addProject(organization, init);
  }

  /**
   * Sends git.repo.created when service hooks are set, and then, for a repository created with
   * files, git.push of its default branch.
   */
  addRepository(organization: string, project: string, init: RepositoryInit): SimulatedRepository {
    return this.#changes.addRepository(organization, project, init);
  }

  /** By name or id; false when there was no such repository. Sends git.repo.deleted when service hooks are set. */
  removeRepository(organization: string, project: string, repository: string): boolean {
    return this.#changes.removeRepository(organization, project, repository);
  }

  /** Keeps the id; sends git.repo.renamed when service hooks are set and the name changes. */
  renameRepository(organization: string, project: string, repository: string, newName: string): SimulatedRepository {
    return this.#changes.renameRepository(organization, project, repository, newName);
  }

  /** Sends git.repo.statuschanged when service hooks are set and the state changes. */
  setRepositoryDisabled(organization: string, project: string, repository: string, disabled: boolean): SimulatedRepository {
    return this.#changes.setRepositoryDisabled(organization, project, repository, disabled);
  }

  /** Starts or, with `undefined`, stops sending service hooks; see {@link AzureDevOpsSimulatorOptions.serviceHooks}. */
  setServiceHooks(options: ServiceHookOptions | undefined): void {
    this.#hooks.configure(options);
  }

  /**
   * The payload `eventType` would carry for the repository as it is now, built without sending
   * or changing anything, e.g. to post by hand with a wrong secret. git.push repeats the branch's
   * last push (or the push that created it at its current tip).
   */
  serviceHookPayload(
    eventType: ServiceHookEventType,
    organization: string,
    project: string,
    repository: string,
    details: PayloadDetails = {},
  ): ServiceHookPayload {
    return this.#changes.payload(eventType, organization, project, repository, details);
  }

  /** Every service hook delivery since the last reset, once all of them have settled. */
  serviceHookDeliveries(): Promise<ServiceHookDelivery[]> {
    return this.#hooks.deliveries();
  }

  /** The deliveries settled so far, in the order they were sent. */
  get deliveredServiceHooks(): readonly ServiceHookDelivery[] {
    return this.#hooks.settledDeliveries;
  }

  /** Runs a change and resolves, once they have settled, with the service hook deliveries it started. */
  withServiceHookDeliveries<T>(change: () => T): Promise<{ result: T; deliveries: ServiceHookDelivery[] }> {
    return this.#hooks.deliveriesOf(change);
  }

  resetServiceHookDeliveries(): void {
    this.#hooks.resetDeliveries();
  }

  /** Needed only after renaming projects or repositories on the live objects. */
  reindex(organization?: string): void {
    this.#store.reindex(organization);
  }

  /** Returns a function that removes the fault again. */
  addFault(fault: Fault): () => void {
    return this.#faults.add(fault);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Replaces the accepted PATs, e.g. to revoke one while a client holds it. */
  setTokens(tokens: string[]): void {
    this.#tokens = new Set(tokens);
  }

  /** Replaces the expired PATs (or broker tokens), e.g. to let one expire while a client holds it. */
  setExpiredTokens(tokens: string[]): void {
    this.#expiredTokens = new Set(tokens);
  }

  /**
   * Replaces the scopes of PATs (or broker tokens), e.g. to take one away while a client holds the
   * token; `undefined` gives every token every scope. See {@link AzureDevOpsSimulatorOptions.tokenScopes}.
   */
  setTokenScopes(tokenScopes: Record<string, string[]> | undefined): void {
    this.#tokenScopes = tokenScopes && structuredClone(tokenScopes);
  }

  setBrokerTokens(tokens: string[]): void {
    this.#brokerTokens = new Set(tokens);
  }

  /** See {@link AzureDevOpsSimulatorOptions.brokerAcceptRules}; `undefined` lets every request pass. */
  setBrokerAcceptRules(rules: BrokerAcceptRule[] | undefined): void {
    this.#brokerAcceptRules = rules;
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  setAuthFailure(mode: AuthFailureMode): void {
    this.#authFailure = mode;
  }

  /** See {@link AzureDevOpsSimulatorOptions.continuationTokens}. */
  setContinuationTokens(announce: boolean): void {
    this.#continuationTokens = announce;
  }

  /** Starts throttling with fresh budgets and statistics, or stops it with `undefined`. */
  setThrottle(options: ThrottleOptions | undefined): void {
    this.#throttle = options ? new ThrottleBudget(options, this.#clock) : undefined;
  }

  throttleStats(): ThrottleStats {
    return this.#throttle?.stats() ?? { throttled: 0, delayed: 0, earlyRequests: 0 };
  }

  get requests(): readonly RecordedRequest[] {
    return this.#log.requests;
  }

  resetRequests(): void {
    this.#log.reset();
  }

  countRequests(route?: RouteName): number {
    return this.#log.count(route);
  }

  /** Closes the server and every open socket (hanging requests included). Safe to call twice. */
  stop(): Promise<void> {
    this.#stopping ??= new Promise(resolve => {
      this.#hooks.close();
      for (const [timer, wake] of this.#sleepers) {
        clearTimeout(timer);
        wake();
      }
      this.#sleepers.clear();
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
    return this.#stopping;
  }

  async #listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.#url);
    const method = (request.method ?? 'GET').toUpperCase();
    if (isControlPath(url.pathname)) {
      await this.#handleControl(request, response, method, url);
      return;
    }
    const target = parseRequestTarget(method, url.pathname);
    const record = this.#log.record(request, method, url, target);
    try {
      await this.#sleep(this.#latencyMs);
      if (this.#stopping) return;
      const resolved = this.#resolve(method, target);
      const fault = this.#faults.take(resolved.subject);
      const action = fault && faultAction(fault, brokerClientUrl(url));
      if (action && (await this.#applyFault(action, request, response, record))) return;
      const { reply, delayMs } = this.#answer(request, url, target, resolved, record.time);
      await this.#sleep(delayMs);
      const written = action?.kind === 'byteOrderMark' ? withByteOrderMark(reply) : reply;
      await this.#write(response, record, written, { chunked: action?.kind === 'chunked' });
    } catch (error) {
      await this.#write(response, record, errorReply(500, 'SimulatorException', String(error)));
    }
  }

  /** Control requests are no Azure DevOps traffic: no latency, faults, credentials or request log. */
  async #handleControl(request: IncomingMessage, response: ServerResponse, method: string, url: URL): Promise<void> {
    const reply = await answerControlRequest(request, method, url, this);
    if (this.#stopping || response.destroyed || response.headersSent) return;
    response.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body, 'utf8')) });
    response.end(reply.body);
  }

  /** Returns true when the fault took care of the request. */
  async #applyFault(
    action: FaultAction,
    request: IncomingMessage,
    response: ServerResponse,
    record: MutableRecordedRequest,
  ): Promise<boolean> {
    switch (action.kind) {
      case 'reply':
        await this.#write(response, record, action.reply);
        return true;
      case 'oversized':
        await this.#writeOversized(response, record, action);
        return true;
      case 'truncated':
        record.status = action.reply.status;
        response.writeHead(action.reply.status, {
          ...action.reply.headers,
          'content-length': String(action.announcedLength),
        });
        response.write(Buffer.from(action.reply.body, 'utf8'), () => {
          if (!action.stall) request.socket.end();
        });
        return true;
      case 'reset':
        request.socket.destroy();
        return true;
      case 'hang':
        return true;
      case 'delay':
        await this.#sleep(action.ms);
        return false;
      case 'chunked':
      case 'byteOrderMark':
        return false;
    }
  }

  /** Authentication, throttling, then the route. */
  #answer(
    request: IncomingMessage,
    url: URL,
    target: RequestTarget,
    { organization, project, subject }: ResolvedTarget,
    arrivedAt: number,
  ): { reply: Reply; delayMs: number } {
    const answer = (reply: Reply, delayMs = 0) => ({ reply, delayMs });
    const authorization = request.headers.authorization;
    const broker =
      target.brokerToken === undefined ? undefined : this.#admitBroker(target.brokerToken, authorization);
    if (broker && !broker.ok) return answer(broker.reply);
    if (broker && !this.#brokerAccepts(subject.method, url)) return answer(brokerBlockedReply(brokerClientUrl(url)));
    if (!organization) {
      return answer(
        target.organization === undefined
          ? routeNotFound(subject.method, url.pathname)
          : organizationNotFound(target.organization),
      );
    }
    const credential = broker ?? this.#admitPat(authorization);
    if (!credential.ok) return answer(credential.reply);
    const identity = credential.value;
    // Admitted by now, so the token is either the broker's or the PAT of the Authorization header.
    const token = target.brokerToken ?? patFromAuthorization(authorization) ?? '';
    if (!tokenMayCall(this.#tokenScopes, token, target.route)) {
      // A token short of the route's scope. Recorded as byte-identical to a revoked or expired
      // token's answer (401, a Basic challenge, no content type, an empty body: cjohnstoniv/wardyn
      // test/adofake/faults.go); the reference also names 404 TF401019/TF200016 and empty lists
      // for some routes. Which route answers which is unverified: the simulator answers the 401
      // everywhere, before the route looks anything up.
      return answer(emptyUnauthorizedReply());
    }

    const admission = this.#throttle?.admit(identity.key, arrivedAt);
    if (admission && !admission.allowed) return answer(admission.reply);
    const rateLimitHeaders = admission?.headers ?? {};
    const delayMs = admission?.delayMs ?? 0;

    let reply: Reply;
    if (target.route === 'unknown') {
      reply = routeNotFound(subject.method, url.pathname);
    } else if (target.project !== undefined && !project) {
      reply = projectNotFound(target.project);
    } else {
      reply = ROUTES[target.route]({
        target,
        store: this.#store,
        organization,
        project,
        query: url.searchParams,
        acceptType: (request.headers.accept ?? '').split(/[;,]/)[0].trim().toLowerCase(),
        urls: new ResourceUrls(this.#url, organization.name),
        identity,
        now: arrivedAt,
        deployment: this.#deployment,
      });
    }
    const headers = { ...reply.headers, ...rateLimitHeaders };
    if (!this.#continuationTokens) delete headers['x-ms-continuationtoken'];
    return answer({ ...reply, headers }, delayMs);
  }

  /** A broker request is authenticated by the token in its path, and must carry no credentials of its own. */
  #admitBroker(brokerToken: string, authorization: string | undefined): Outcome<SimulatedIdentity> {
    if (authorization !== undefined) return { ok: false, reply: brokerCarriesCredentialsReply() };
    if (!this.#brokerTokens.has(brokerToken)) return { ok: false, reply: unknownBrokerTokenReply() };
    if (this.#expiredTokens.has(brokerToken)) return { ok: false, reply: expiredTokenReply() };
    return { ok: true, value: identityForBroker(brokerToken) };
  }

  /** Whether the broker client's accept rules let the request through to Azure DevOps. */
  #brokerAccepts(method: string, url: URL): boolean {
    const rules = this.#brokerAcceptRules;
    if (!rules) return true;
    const path = brokerClientUrl(url).split('?')[0];
    return rules.some(rule => matchesAcceptRule(rule, method, path, url.searchParams));
  }

  #admitPat(authorization: string | undefined): Outcome<SimulatedIdentity> {
    const pat = patFromAuthorization(authorization);
    if (pat !== undefined && this.#expiredTokens.has(pat)) return { ok: false, reply: expiredTokenReply() };
    if (pat === undefined || !this.#tokens.has(pat)) {
      return { ok: false, reply: rejectedCredentialReply(this.#authFailure, authorization !== undefined) };
    }
    return { ok: true, value: identityForPat(pat) };
  }

  /** Looks up what the path names, for fault matching and for the routes. */
  #resolve(method: string, target: RequestTarget): ResolvedTarget {
    const subject: FaultSubject = { route: target.route, method };
    const organization = target.organization ? this.#store.organization(target.organization) : undefined;
    if (!organization) return { subject };
    const project =
      target.project === undefined ? undefined : this.#store.findProject(organization.name, target.project);
    subject.projectSegment = target.project;
    subject.project = project;
    if (target.project !== undefined && !project) return { organization, subject };
    if (target.repository !== undefined) {
      const located = this.#store.findRepository(organization.name, target.repository, project);
      subject.repositorySegment = target.repository;
      subject.repository = located?.repository;
      subject.project ??= located?.project;
    }
    return { organization, project, subject };
  }

  /**
   * Does nothing once the simulator stops: its sockets are gone. The body goes out in slices, so a
   * file of a hundred megabytes is never copied whole into a buffer; a client that hangs up
   * mid-body ends the writing.
   */
  async #write(response: ServerResponse, record: MutableRecordedRequest, reply: Reply, options: { chunked?: boolean } = {}): Promise<void> {
    if (this.#stopping || response.destroyed || response.headersSent) return;
    record.status = reply.status;
    const length = options.chunked ? {} : { 'content-length': String(Buffer.byteLength(reply.body, 'utf8')) };
    response.writeHead(reply.status, { ...reply.headers, ...length });
    await writeSlices(response, stringSlices(reply.body));
  }

  /** A 200 JSON list padded with whitespace to the given size, produced as it is sent. */
  async #writeOversized(response: ServerResponse, record: MutableRecordedRequest, action: Extract<FaultAction, { kind: 'oversized' }>): Promise<void> {
    if (this.#stopping || response.destroyed || response.headersSent) return;
    record.status = 200;
    const length = action.chunked ? {} : { 'content-length': String(action.bytes) };
    response.writeHead(200, { 'content-type': JSON_CONTENT_TYPE, ...length });
    await writeSlices(response, paddedJsonSlices(action.bytes));
  }

  #sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.#stopping) return Promise.resolve();
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        this.#sleepers.delete(timer);
        resolve();
      }, ms);
      this.#sleepers.set(timer, resolve);
    });
  }
}
