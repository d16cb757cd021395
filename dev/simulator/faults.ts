import { emptyUnauthorizedReply, expiredTokenReply } from './authentication';
import { errorReply } from './azureDevOpsErrors';
import { brokerBlockedReply } from './brokerAcceptRules';
import type { SimulatedProject, SimulatedRepository } from './organization';
import { html200Reply, JSON_CONTENT_TYPE, jsonReply, withByteOrderMark, type Reply } from './reply';
import { outageReply, pageNotFoundReply, signInReply } from './servicePages';
import type { RouteName } from './requestTarget';

/** Any status, body and headers; object bodies are sent as JSON. */
export interface RawFaultResponse {
  type?: undefined;
  status: number;
  body?: string | object;
  headers?: Record<string, string>;
}

/** An Azure DevOps error envelope (`typeKey`, `message`) with the given status. */
export interface ErrorFaultResponse {
  type: 'error';
  status: number;
  typeKey: string;
  message: string;
  /** Put a UTF-8 byte order mark before the JSON. */
  byteOrderMark?: boolean;
}

export type FaultResponse =
  | RawFaultResponse
  | ErrorFaultResponse
  /** 203 with the HTML sign-in page, as for a rejected PAT. */
  | { type: 'signIn203' }
  /** 401 with no content type and an empty body (a token revoked or short of a scope). */
  | { type: 'unauthorizedEmpty401' }
  /** 401 `AccessCheckException` behind a byte order mark, `X-TFS-ServiceError` saying the PAT expired. */
  | { type: 'tokenExpired401' }
  /** 503 with the HTML page "Azure DevOps Services Unavailable". */
  | { type: 'outage503' }
  /** 404 with an HTML page instead of an error envelope. */
  | { type: 'pageNotFound404' }
  /** Answers normally, with a UTF-8 byte order mark before a JSON body. */
  | { type: 'byteOrderMark' }
  /** Destroys the socket without answering. */
  | { type: 'reset' }
  /** Never answers; `stop()` closes the socket. */
  | { type: 'hang' }
  /** 200, `application/json`, a body that does not parse. */
  | { type: 'malformedJson' }
  /** 200 announcing a longer `Content-Length` than sent, then the socket ends. */
  | { type: 'truncated' }
  /** Like `truncated`, but the socket stays open and silent; `stop()` closes it. */
  | { type: 'stalled' }
  /** Waits, then answers normally. */
  | { type: 'delay'; ms: number }
  /** 200 with an HTML page. */
  | { type: 'html200' }
  /** 401 "blocked", as a Snyk Broker client answers a request none of its accept rules allows. */
  | { type: 'brokerBlocked' }
  /**
   * Answers normally, but streams the body without `Content-Length` (chunked transfer encoding),
   * the way a server that streams a blob may answer, so the client learns the size only by reading.
   */
  | { type: 'chunked' }
  /**
   * 200, `application/json`: an empty list padded with whitespace to `bytes` in all, produced as
   * it is sent; with `Content-Length` unless `chunked`.
   */
  | { type: 'oversized'; bytes: number; chunked?: boolean };

/** Which requests a fault hits; every field given must match. */
export interface Fault {
  route?: RouteName;
  method?: string;
  /** Repository name or id, matched case-insensitively. */
  repository?: string;
  /** Project name or id, matched case-insensitively. */
  project?: string;
  /** How many requests it hits before removing itself; unlimited when absent. */
  times?: number;
  response: FaultResponse;
}

/** The request a fault is matched against. */
export interface FaultSubject {
  route: RouteName;
  method: string;
  projectSegment?: string;
  project?: SimulatedProject;
  repositorySegment?: string;
  repository?: SimulatedRepository;
}

/** What the server does for a fault. */
export type FaultAction =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'truncated'; reply: Reply; announcedLength: number; stall: boolean }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number }
  | { kind: 'chunked' }
  | { kind: 'byteOrderMark' }
  | { kind: 'oversized'; bytes: number; chunked: boolean };

interface ActiveFault {
  fault: Fault;
  remaining: number;
}

export class FaultRegistry {
  #active: ActiveFault[] = [];

  /** Returns a function that removes the fault. */
  add(fault: Fault): () => void {
    const active: ActiveFault = { fault, remaining: fault.times ?? Number.POSITIVE_INFINITY };
    this.#active.push(active);
    return () => {
      this.#active = this.#active.filter(candidate => candidate !== active);
    };
  }

  clear(): void {
    this.#active = [];
  }

  /** The first fault matching the request, counting one use of it. */
  take(subject: FaultSubject): FaultResponse | undefined {
    const active = this.#active.find(candidate => candidate.remaining > 0 && matchesFault(candidate.fault, subject));
    if (!active) return undefined;
    active.remaining -= 1;
    if (active.remaining <= 0) this.#active = this.#active.filter(candidate => candidate !== active);
    return active.fault.response;
  }
}

export function matchesFault(fault: Fault, subject: FaultSubject): boolean {
  if (fault.route !== undefined && fault.route !== subject.route) return false;
  if (fault.method !== undefined && fault.method.toUpperCase() !== subject.method) return false;
  if (
    fault.repository !== undefined &&
    !sameName(fault.repository, [subject.repositorySegment, subject.repository?.id, subject.repository?.name])
  ) {
    return false;
  }
  if (
    fault.project !== undefined &&
    !sameName(fault.project, [subject.projectSegment, subject.project?.id, subject.project?.name])
  ) {
    return false;
  }
  return true;
}

/** `url` is the request's path and query as the broker client would see them, for `brokerBlocked`. */
export function faultAction(response: FaultResponse, url: string): FaultAction {
  switch (response.type) {
    case undefined:
      return { kind: 'reply', reply: rawReply(response) };
    case 'error': {
      const reply = errorReply(response.status, response.typeKey, response.message);
      return { kind: 'reply', reply: response.byteOrderMark ? withByteOrderMark(reply) : reply };
    }
    case 'signIn203':
      return { kind: 'reply', reply: signInReply() };
    case 'unauthorizedEmpty401':
      return { kind: 'reply', reply: emptyUnauthorizedReply() };
    case 'tokenExpired401':
      return { kind: 'reply', reply: expiredTokenReply() };
    case 'outage503':
      return { kind: 'reply', reply: outageReply() };
    case 'pageNotFound404':
      return { kind: 'reply', reply: pageNotFoundReply() };
    case 'byteOrderMark':
      return { kind: 'byteOrderMark' };
    case 'html200':
      return { kind: 'reply', reply: html200Reply() };
    case 'malformedJson':
      return { kind: 'reply', reply: { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body: '{"count":2,"value":[{"id":' } };
    case 'truncated':
    case 'stalled': {
      const reply: Reply = { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body: '{"count":2,"value":[{"id":"' };
      return { kind: 'truncated', reply, announcedLength: Buffer.byteLength(reply.body) + 1024, stall: response.type === 'stalled' };
    }
    case 'reset':
      return { kind: 'reset' };
    case 'hang':
      return { kind: 'hang' };
    case 'delay':
      return { kind: 'delay', ms: response.ms };
    case 'brokerBlocked':
      return { kind: 'reply', reply: brokerBlockedReply(url) };
    case 'chunked':
      return { kind: 'chunked' };
    case 'oversized':
      return { kind: 'oversized', bytes: response.bytes, chunked: response.chunked ?? false };
  }
}

function rawReply(response: RawFaultResponse): Reply {
  if (typeof response.body === 'object') return jsonReply(response.body, response.status, response.headers);
  return { status: response.status, headers: { ...response.headers }, body: response.body ?? '' };
}

function sameName(expected: string, candidates: Array<string | undefined>): boolean {
  const key = expected.toLowerCase();
  return candidates.some(candidate => candidate !== undefined && candidate.toLowerCase() === key);
}
