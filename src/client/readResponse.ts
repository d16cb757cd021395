import type { IncomingHttpHeaders } from 'node:http';
import type { ClientApiBase } from 'azure-devops-node-api/ClientApiBases';
import { StringDecoder } from 'node:string_decoder';
import { MAX_ERROR_BODY_BYTES } from './bodyLimits';
import { JsonListSplitter } from './JsonListSplitter';
import { BODY_READ_TIMEOUT_MESSAGE } from './transportFault';

/** The library's HTTP client, whose answers carry the Node response and a body reader. */
export type LibraryHttpClient = ClientApiBase['http'];

/** A body the reader gave up on because it passed its limit; what was read of it is dropped. */
export interface OverLimit {
  /** The limit it passed, in bytes. */
  limit: number;
  /**
   * The body's size when `Content-Length` announced it (then nothing was read), else the bytes
   * read when the limit was passed: the body has at least that many.
   */
  bytes: number;
  /** True when `bytes` is a lower bound (the read was cut), false when it is the announced size. */
  atLeast: boolean;
}

/** A response as the transport read it: status, headers and the whole body as text. */
export interface RawResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** Empty when the body passed its limit. */
  body: string;
  /** Set when the body passed its limit and was not read to its end. */
  overLimit?: OverLimit;
  /**
   * Set when the body was a JSON list read item by item ({@link ReadLimits.onListItem}); `body` is
   * then empty. `error` when it did not parse; `valueFound` false when it held no `value` list.
   */
  list?: { valueFound: boolean; items: number; error?: string };
}

/** Limits of one read. */
export interface ReadLimits {
  /** A body that has not ended by then is abandoned, its socket destroyed. */
  timeoutMs: number;
  /** Most bytes of a 2xx body to read; other answers are read up to {@link MAX_ERROR_BODY_BYTES}. */
  maxBytes: number;
  /**
   * For a 2xx JSON answer: each item of its `value` list as it arrives ({@link JsonListSplitter}),
   * and the body is not kept. Other answers are read whole, as without it.
   */
  onListItem?: (item: unknown) => void;
}

type LibraryResponse = Awaited<ReturnType<LibraryHttpClient['get']>>;

/**
 * Reads an answer as a stream, never holding more than its limit. The library's `readBody` buffers
 * the whole body (a 100 MB file, whatever the caller's limit) and waits for 'end', which a server
 * that stalls mid-body never sends. So the read stops, and destroys the socket, as soon as the
 * body passes its limit or its deadline; a body whose `Content-Length` passes the limit is refused
 * before any of it is read. The library sends no `Accept-Encoding`, so bodies are read as sent,
 * never decompressed.
 */
export function readResponse(response: LibraryResponse, limits: ReadLimits): Promise<RawResponse> {
  const { message } = response;
  const statusCode = message.statusCode ?? 0;
  const { headers } = message;
  const limit = statusCode >= 200 && statusCode < 300 ? limits.maxBytes : MAX_ERROR_BODY_BYTES;
  const announced = Number(headers['content-length']);
  if (Number.isSafeInteger(announced) && announced > limit) {
    message.destroy();
    return Promise.resolve({ statusCode, headers, body: '', overLimit: { limit, bytes: announced, atLeast: false } });
  }

  const listed =
    limits.onListItem && limit === limits.maxBytes && (headers['content-type'] ?? '').includes('json')
      ? { splitter: new JsonListSplitter(limits.onListItem), decoder: new StringDecoder('utf8'), error: undefined as string | undefined }
      : undefined;
  const listOutcome = () =>
    listed && { valueFound: listed.splitter.valueFound, items: listed.splitter.items, ...(listed.error ? { error: listed.error } : {}) };

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const { socket } = message;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      message.off('data', onData);
      socket?.off('timeout', onIdleSocket);
      outcome();
    };
    const timer = setTimeout(() => {
      const error = new Error(BODY_READ_TIMEOUT_MESSAGE);
      message.destroy(error);
      settle(() => reject(error));
    }, limits.timeoutMs);
    // The library's own idle timeout (its socketTimeout, the same length) may fire first and
    // destroy the socket; without this, the 'close' it causes would read as a cut answer.
    const onIdleSocket = () => settle(() => reject(new Error(BODY_READ_TIMEOUT_MESSAGE)));
    socket?.on('timeout', onIdleSocket);
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        chunks.length = 0;
        message.destroy();
        settle(() => resolve({ statusCode, headers, body: '', overLimit: { limit, bytes: received, atLeast: true } }));
        return;
      }
      if (!listed) {
        chunks.push(chunk);
        return;
      }
      if (listed.error) return;
      try {
        listed.splitter.write(listed.decoder.write(chunk));
      } catch (error) {
        // Read to its end all the same: the connection stays usable, and the answer is reported as malformed.
        listed.error = (error as Error).message;
      }
    };
    const onEnd = () => {
      if (!listed) return { statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
      if (!listed.error) {
        try {
          listed.splitter.write(listed.decoder.end());
          listed.splitter.end();
        } catch (error) {
          listed.error = (error as Error).message;
        }
      }
      return { statusCode, headers, body: '', list: listOutcome()! };
    };
    message.on('data', onData);
    message.on('end', () => settle(() => resolve(onEnd())));
    message.on('error', error => settle(() => reject(error)));
    // 'close' without 'end' or 'error': the answer was cut; a network fault, so it is retried.
    message.on('close', () => settle(() => reject(new Error('premature close of the answer'))));
  });
}
