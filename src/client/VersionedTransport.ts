import type { ClientApiBase } from 'azure-devops-node-api/ClientApiBases';
import { acceptRuleFor } from './brokerBlock';
import type { ClientErrors } from './ClientErrors';
import { MAX_LISTING_BYTES } from './bodyLimits';
import { readResponse, type LibraryHttpClient, type RawResponse } from './readResponse';
import { isLocationNotFound, probeWhyDiscoveryFailed, responseFromLibraryError } from './responseFromLibraryError';
import type { RequestGate } from './RequestGate';
import type { Resource } from './resources';
import { isRetryableError } from './transportFault';

/** Route values and query of one GET; undefined values are left out. */
export interface VersionedRequest {
  routeValues?: Record<string, string | undefined>;
  query?: Record<string, unknown>;
  /** The media type asked for. Defaults to `application/json`. */
  accept?: string;
  /**
   * Most bytes of a success body to read; past it the answer comes back with `overLimit` and no
   * body. Defaults to {@link MAX_LISTING_BYTES}.
   */
  maxBodyBytes?: number;
  /**
   * For a list answer: a reader made afresh for every attempt (a retried request starts over),
   * taking each item of the answer's `value` list as it arrives; the body itself is not kept.
   */
  readList?: () => (item: unknown) => void;
}

/**
 * GETs a resource the way the library would (its location negotiation picks the URL and puts the
 * api-version in `Accept`) but returns status, headers and body as they came: the library's typed
 * methods resolve `null` on every 404 and on a 203 sign-in page, hide `Retry-After` and
 * `x-ms-continuationtoken`, and drop the projects continuation token
 * (microsoft/azure-devops-node-api#646). Every request passes through the profile's gate.
 */
export class VersionedTransport {
  readonly #gate: RequestGate;
  readonly #errors: ClientErrors;
  readonly #timeoutMs: number;
  /** The first request of each API client, settled or not; see {@link VersionedTransport.get}. */
  readonly #firstRequests = new WeakMap<ClientApiBase, Promise<void>>();

  constructor(options: { gate: RequestGate; errors: ClientErrors; requestTimeoutMs: number }) {
    this.#gate = options.gate;
    this.#errors = options.errors;
    this.#timeoutMs = options.requestTimeoutMs;
  }

  /**
   * The library caches an area's locations only once its OPTIONS answer is in, so requests started
   * before then each send their own OPTIONS (up to `concurrency` of them): the first request of
   * each API client goes alone, the others wait for it.
   *
   * @throws AzureDevOpsError when no answer came (timeout, network fault) after the gate's retries,
   *   or a broker blocked the request (kind `blocked`, naming the accept rule to add).
   */
  async get(api: ClientApiBase, resource: Resource, operation: string, request: VersionedRequest): Promise<RawResponse> {
    const first = this.#firstRequests.get(api);
    if (!first) {
      // The location discovery (an OPTIONS) in a gate slot of its own: sent inside the GET's slot,
      // it would be a request the rate-limit pacing never counted.
      const sending = this.#gate
        .run(async () => {
          try {
            await api.vsoClient.getVersioningData(resource.apiVersion, resource.area, resource.locationId, { ...request.routeValues }, {});
          } catch {
            // #send asks again, and answers for what went wrong.
          }
          return { statusCode: 200, headers: {} };
        }, () => false)
        .then(() => this.#send(api, resource, operation, request));
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

  /**
   * A GET of a fixed URL, without location negotiation, for a resource that needs no api-version
   * (`connectionData`): through the same gate, read limits and error handling as
   * {@link VersionedTransport.get}. `brokerAcceptRule` names the rule a broker must have for it.
   *
   * @throws AzureDevOpsError as {@link VersionedTransport.get} does.
   */
  async getUnversioned(http: LibraryHttpClient, url: string, operation: string, brokerAcceptRule: string): Promise<RawResponse> {
    try {
      const response = await this.#gate.run(async () => {
        const sent = await http.get(url, { Accept: 'application/json' });
        return readResponse(sent, { timeoutMs: this.#timeoutMs, maxBytes: MAX_LISTING_BYTES });
      }, isRetryableError);
      const blocked = this.#errors.fromBrokerBlock(response, operation, () => brokerAcceptRule);
      if (blocked) throw blocked;
      return response;
    } catch (error) {
      throw this.#errors.fromThrown(error, operation);
    }
  }

  async #send(api: ClientApiBase, resource: Resource, operation: string, request: VersionedRequest): Promise<RawResponse> {
    try {
      const { phase, ...response } = await this.#gate.run(async () => {
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
          if (failure) return { ...failure, phase: 'discovery' as const };
          if (isLocationNotFound(error)) {
            return { ...(await probeWhyDiscoveryFailed(api.http, api.baseUrl, this.#timeoutMs)), phase: 'discovery' as const };
          }
          throw error;
        }
        const sent = await api.http.get(versioning.requestUrl ?? '', {
          Accept: api.createAcceptHeader(request.accept ?? 'application/json', versioning.apiVersion),
        });
        const read = await readResponse(sent, {
          timeoutMs: this.#timeoutMs,
          maxBytes: request.maxBodyBytes ?? MAX_LISTING_BYTES,
          ...(request.readList ? { onListItem: request.readList() } : {}),
        });
        return { ...read, phase: 'request' as const };
      }, isRetryableError);
      const blocked = this.#errors.fromBrokerBlock(response, operation, () => acceptRuleFor(resource, request.query, phase));
      if (blocked) throw blocked;
      return response;
    } catch (error) {
      throw this.#errors.fromThrown(error, operation);
    }
  }
}

function dropUndefined(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
}
