import type { AzureDevOpsErrorKind } from './AzureDevOpsApi';
import { AzureDevOpsError } from './AzureDevOpsError';
import { brokerBlockedUrl } from './brokerBlock';
import { describeBody, oneLine } from './describeBody';
import { parseErrorEnvelope, type ErrorEnvelope } from './errorEnvelope';
import { headerValue } from './headerValue';
import { parseJsonBody } from './parseJsonBody';
import type { OverLimit, RawResponse } from './readResponse';
import { ThrottleWaitTooLongError } from './RequestGate';
import { redact } from './redact';
import { transportFault } from './transportFault';

const REQUIRED_SCOPES = 'Code (read) and Project and Team (read)';

/** What error messages name, and what they must never show. */
export interface ClientErrorsOptions {
  organization: string;
  /** Host (and port) requests go to: the broker's with a broker, never its path (it holds the token). */
  host: string;
  viaBroker: boolean;
  /** Removed from every message, however they were encoded. */
  secrets: string[];
  /** For the wording of messages after retries ran out. */
  maxRetries: number;
  requestTimeoutMs: number;
}

/**
 * Turns answers and throws into `AzureDevOpsError`s: the kind from the status, the message naming
 * organization, host and operation and what the answer said (its envelope's message, the title of
 * an HTML page, for 401 the `X-TFS-ServiceError` header), secrets removed. Callers may log every
 * message as it is.
 */
export class ClientErrors {
  readonly #options: ClientErrorsOptions;

  constructor(options: ClientErrorsOptions) {
    this.#options = options;
  }

  /**
   * The parsed JSON of a success, or throws the error its status means. A success is a 200 unless
   * the caller names others (project analysis answers 206 with a whole body while preliminary).
   */
  expectJson(response: RawResponse, operation: string, successStatuses: readonly number[] = [200]): unknown {
    const { statusCode, headers } = response;
    if (successStatuses.includes(statusCode)) {
      if (response.overLimit) throw this.overLimit(response.overLimit, operation, statusCode);
      const contentType = headerValue(headers, 'content-type') ?? '';
      if (!contentType.includes('json')) {
        throw this.create('invalidResponse', operation, `expected JSON, got ${contentType || 'no content type'}`, statusCode);
      }
      try {
        return parseJsonBody(response.body);
      } catch {
        throw this.create('invalidResponse', operation, 'the JSON answer does not parse (truncated or malformed)', statusCode);
      }
    }
    throw this.fromStatus(response, operation);
  }

  /** A success whose body passed its limit: the client hung up rather than hold it. */
  overLimit(overLimit: OverLimit, operation: string, statusCode?: number): AzureDevOpsError {
    const size = overLimit.atLeast ? `at least ${overLimit.bytes} bytes (reading stopped there)` : `${overLimit.bytes} bytes`;
    return this.create('invalidResponse', operation, `the answer has ${size}, more than the limit of ${describeBytes(overLimit.limit)}`, statusCode);
  }

  /** The error a non-200 answer means. */
  fromStatus(response: RawResponse, operation: string): AzureDevOpsError {
    const { statusCode } = response;
    const { maxRetries } = this.#options;
    const envelope = parseErrorEnvelope(response.body);
    // .NET messages put "Parameter name: …" on a line of its own; a log entry stays one line.
    const said = envelope?.message?.replace(/\s*[\r\n]+\s*/g, ' ') ?? describeBody(response);
    const detail = said ? `: ${said}` : '';
    switch (true) {
      case statusCode === 203 || (statusCode >= 300 && statusCode < 400):
        return this.create('unauthorized', operation, `Azure DevOps answered ${statusCode} with a sign-in page instead of data; the token was rejected. Check its expiry and scopes (${REQUIRED_SCOPES})`, statusCode);
      case statusCode === 401: {
        const { reason, expired } = rejectedToken(response, said);
        return this.create('unauthorized', operation, reason, statusCode, envelope, { tokenExpired: expired });
      }
      case statusCode === 400:
        return this.create('badRequest', operation, `Azure DevOps refused the request (400)${detail}`, statusCode, envelope);
      case statusCode === 403:
        return this.create('forbidden', operation, `access denied (403)${detail}; the token needs ${REQUIRED_SCOPES}`, statusCode, envelope);
      case statusCode === 404:
        return this.create('notFound', operation, `not found (404)${detail}; check the organization name and apiUrl`, statusCode, envelope);
      case statusCode === 429:
        return this.create('throttled', operation, `throttled by Azure DevOps (429) after ${maxRetries} retries${detail}`, statusCode, envelope);
      case statusCode >= 500:
        return this.create('serverError', operation, `Azure DevOps answered ${statusCode} after ${maxRetries} retries${detail}`, statusCode, envelope);
      default:
        return this.create('invalidResponse', operation, `unexpected status ${statusCode}${detail}`, statusCode, envelope);
    }
  }

  /**
   * The error of an answer the broker gave itself because no accept rule allows the request;
   * undefined when the answer is something else, or the profile has no broker.
   */
  fromBrokerBlock(response: RawResponse, operation: string, acceptRule: () => string): AzureDevOpsError | undefined {
    if (!this.#options.viaBroker) return undefined;
    const url = brokerBlockedUrl(response);
    if (url === undefined) return undefined;
    return this.create(
      'blocked',
      operation,
      `the broker blocked the request: none of its accept rules allows it; add one for ${acceptRule()} (see "Broker accept rules" in the README)${url ? `; blocked: ${url}` : ''}`,
      response.statusCode,
    );
  }

  /** The error a thrown request means: a timeout, a network fault, or a bad answer. */
  fromThrown(error: unknown, operation: string): AzureDevOpsError {
    if (error instanceof AzureDevOpsError) return error;
    if (error instanceof ThrottleWaitTooLongError) {
      return this.create(
        'throttledTooLong',
        operation,
        `Azure DevOps asked to wait ${Math.ceil(error.waitMs / 1000)} s more (Retry-After), longer than maxRetryAfterSeconds (${Math.round(error.maxWaitMs / 1000)} s); nothing more is sent until then`,
      );
    }
    const fault = transportFault(error);
    if (fault?.kind === 'timeout') {
      return this.create('timeout', operation, `no answer within ${this.#options.requestTimeoutMs / 1000} s`);
    }
    if (fault && 'code' in fault) return this.create('network', operation, `${fault.code} talking to ${this.#options.host}`);
    if (fault) return this.create('network', operation, `the connection to ${this.#options.host} was cut: ${fault.cut}`);
    return this.create('invalidResponse', operation, error instanceof Error ? error.message : String(error));
  }

  create(
    kind: AzureDevOpsErrorKind,
    operation: string,
    reason: string,
    statusCode?: number,
    envelope?: ErrorEnvelope,
    flags: { tokenExpired?: boolean } = {},
  ): AzureDevOpsError {
    const { organization, host, viaBroker, secrets } = this.#options;
    const via = viaBroker ? ` through the broker at ${host}` : ` at ${host}`;
    const message = `Azure DevOps organization ${organization}${via}: ${operation} failed: ${reason}`;
    return new AzureDevOpsError({
      kind,
      message: redact(message, secrets),
      statusCode,
      typeKey: envelope?.typeKey,
      tokenExpired: flags.tokenExpired,
    });
  }
}

/**
 * Why a 401 refused the token, in words that tell an expired token from the rest, and whether Azure
 * DevOps said it had expired. Azure DevOps puts its reason, URL-encoded, in `X-TFS-ServiceError`
 * ("Access Denied: The Personal Access Token used has expired."), often in the body too; a revoked
 * token, or one short of a scope, may get an empty 401 with no reason at all.
 */
function rejectedToken(response: RawResponse, said: string | undefined): { reason: string; expired: boolean } {
  const serviceError = headerValue(response.headers, 'x-tfs-serviceerror');
  const reason = serviceError ? oneLine(safeDecode(serviceError)) : said;
  if (reason && /\bexpired\b/i.test(reason)) {
    return { reason: `the token has expired (401, ${reason}); renew it, with the scopes ${REQUIRED_SCOPES}`, expired: true };
  }
  const why = reason ? `401, ${reason}` : '401 with an empty body: the token is revoked, expired or lacks a scope';
  return { reason: `token rejected by Azure DevOps (${why}); check its expiry and scopes (${REQUIRED_SCOPES})`, expired: false };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `268435456 bytes (256 MiB)`: the exact figure, and a readable one for round sizes. */
function describeBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${bytes} bytes (${mib} MiB)` : `${bytes} bytes`;
}
