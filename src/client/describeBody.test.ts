import { describeBody, oneLine } from './describeBody';
import type { RawResponse } from './readResponse';

function answer(body: string, contentType?: string): RawResponse {
  return { statusCode: 404, headers: contentType ? { 'content-type': contentType } : {}, body };
}

describe('describeBody', () => {
  it.each([
    ['an HTML page, by its title', answer('<html><head><title>\n  Page not found.\n</title><style>x{}</style></head></html>', 'text/html'), 'an HTML page titled "Page not found."'],
    ['HTML sent without a content type', answer('<!DOCTYPE html><html><title>Azure DevOps Services Unavailable</title></html>'), 'an HTML page titled "Azure DevOps Services Unavailable"'],
    ['an HTML page without a title', answer('<html><body>down</body></html>', 'text/html; charset=utf-8'), 'an HTML page'],
    ['plain text, quoted on one line', answer('The resource cannot be found.\r\nerror: forged line', 'text/plain'), '"The resource cannot be found. error: forged line"'],
    ['an empty body', answer('  '), undefined],
    ['JSON, whose envelope says more', answer('{"message":"x"}', 'application/json'), undefined],
    ['JSON behind a byte order mark', answer('\uFEFF{"count":0}', 'application/json'), undefined],
  ])('describes %s', (_name, response, expected) => {
    expect(describeBody(response)).toBe(expected);
  });

  it('cuts long text at 200 characters and drops control characters', () => {
    expect(oneLine(`a\u0000b\u001b[31m${'c'.repeat(300)}`)).toBe(`a b [31m${'c'.repeat(192)}…`);
  });
});
