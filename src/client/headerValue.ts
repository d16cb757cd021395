import type { IncomingHttpHeaders } from 'node:http';

/** The first value of a response header, which Node gives as a string or a list. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
