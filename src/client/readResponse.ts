import type { IncomingHttpHeaders } from 'node:http';
import type { ClientApiBase } from 'azure-devops-node-api/ClientApiBases';
import { BODY_READ_TIMEOUT_MESSAGE } from './transportFault';

/** The library's HTTP client, whose answers carry the Node response and a body reader. */
export type LibraryHttpClient = ClientApiBase['http'];
/** A response as the transport read it: status, headers and the whole body as text. */
export interface RawResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

type LibraryResponse = Awaited<ReturnType<LibraryHttpClient['get']>>;

/**
 * Reads a whole answer. The library's `readBody` waits for 'end', which never comes when a server
 * stalls mid-body (its socket timeout only covers the wait for headers), so the read has a
 * deadline of its own and destroys the socket when it passes.
 */
export async function readResponse(response: LibraryResponse, timeoutMs: number): Promise<RawResponse> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(BODY_READ_TIMEOUT_MESSAGE);
      response.message.destroy(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    const body = await Promise.race([response.readBody(), timeout]);
    return { statusCode: response.message.statusCode ?? 0, headers: response.message.headers, body };
  } finally {
    clearTimeout(timer);
  }
}
