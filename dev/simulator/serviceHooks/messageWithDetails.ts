import type { ServiceHookMessage } from './ServiceHookPayload';

/**
 * The `detailedMessage` of the git.repo.* events without links: the one-line message, then one
 * paragraph per detail, in the three formats the service sends.
 */
export function messageWithDetails(text: string, details: string[]): ServiceHookMessage {
  const plain = `${text}\r\n${details.join('\r\n\r\n')}\r\n`;
  return { text: plain, html: `${text}${details.map(line => `<p>${line}</p>`).join('')}`, markdown: plain };
}
