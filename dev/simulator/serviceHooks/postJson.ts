import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * POSTs a JSON body and resolves with the answer's status once its body has been read; rejects on
 * a network fault, after `timeoutMs`, or when `signal` aborts. One connection per request
 * (`agent: false`), so nothing stays open once a test's server closes, and no proxy: the targets
 * are loopback servers.
 */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<number> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body, 'utf8')) },
        signal: options.signal,
        timeout: options.timeoutMs,
      },
      response => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`No answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
