/**
 * What the library's failures mean as answers. It throws on statuses above 299, and it turns a
 * 404 or a 203 sign-in page on its OPTIONS discovery into a bare "Failed to find api location".
 */
import { MAX_ERROR_BODY_BYTES } from './bodyLimits';
import { readResponse, type LibraryHttpClient, type RawResponse } from './readResponse';

/**
 * Asks the server's connection data why discovery failed: its status tells an invalid token (203,
 * 401) from a wrong organization (404).
 */
export async function probeWhyDiscoveryFailed(
  http: LibraryHttpClient,
  baseUrl: string,
  timeoutMs: number,
): Promise<RawResponse> {
  const response = await http.get(`${baseUrl.replace(/\/+$/, '')}/_apis/connectionData`, { Accept: 'application/json' });
  // Only the status matters here: any body passing the error limit is not worth reading.
  const read = await readResponse(response, { timeoutMs, maxBytes: MAX_ERROR_BODY_BYTES });
  // A 200 here means discovery itself is what the server does not support.
  return { ...read, statusCode: read.statusCode === 200 ? 404 : read.statusCode };
}

/**
 * The library throws on statuses above 299 with `statusCode`, `responseHeaders` and the parsed
 * `result`. A body that does not parse as JSON (an HTML page) has no `result`: the library makes
 * the body itself the error's message, or `Failed request: (<status>)` when there was none.
 */
export function responseFromLibraryError(error: unknown): RawResponse | undefined {
  const statusCode = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof statusCode !== 'number') return undefined;
  const { responseHeaders, result, message } = error as { responseHeaders?: RawResponse['headers']; result?: unknown; message?: unknown };
  const body =
    result !== undefined
      ? JSON.stringify(result)
      : typeof message === 'string' && message !== `Failed request: (${statusCode})`
        ? message
        : '';
  return { statusCode, headers: responseHeaders ?? {}, body };
}

/** The library's words for a location it could not discover (a 404 or a sign-in page on OPTIONS). */
export function isLocationNotFound(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Failed to find api location');
}
