import { isRecord } from '../common/isRecord';
import type { FileReadResult } from './AzureDevOpsApi';
import type { ClientErrors } from './ClientErrors';
import { fileReadResultFromNotFound, parseErrorEnvelope } from './errorEnvelope';
import { headerValue } from './headerValue';
import { parseJsonBody } from './parseJsonBody';
import type { RawResponse } from './readResponse';

/**
 * What the answer to a file read means: the file's bytes, a missing file (or branch, or
 * repository) as a result, a file over the limit, or an error for anything that is no file.
 */
export function fileReadResultOf(
  response: RawResponse,
  options: { path: string; operation: string; errors: ClientErrors },
): FileReadResult {
  const { path, operation, errors } = options;
  if (response.statusCode === 404) {
    const outcome = fileReadResultFromNotFound(parseErrorEnvelope(response.body));
    if (outcome) return outcome;
  }
  if (response.statusCode !== 200) throw errors.fromStatus(response, operation);
  const contentType = headerValue(response.headers, 'content-type') ?? '';
  if (!isFileContentType(contentType)) {
    // A folder has no bytes: the service describes the item (a tree) in JSON instead.
    if (contentType.includes('json') && isFolderItem(response.body)) {
      throw errors.create('invalidResponse', operation, `${path} is a folder, not a file`, 200);
    }
    throw errors.create('invalidResponse', operation, `expected the file's bytes, got ${contentType || 'no content type'}`, 200);
  }
  if (response.overLimit) {
    const { bytes, atLeast } = response.overLimit;
    return atLeast ? { kind: 'tooLarge', bytes, atLeast } : { kind: 'tooLarge', bytes };
  }
  return { kind: 'found', content: response.body };
}

/**
 * Whether a 200 answer holds a file's bytes. The service sets the Content-Type from the file's
 * extension, whatever Accept asked for, and narrows it to `text/plain`, `image/*`, `audio/*`,
 * `video/*` or `application/octet-stream` (its `GetSafeResponseContentType`, decompiled Azure
 * DevOps Server 2022), so a `.txt` catalog file comes back as `text/plain`. Anything else (JSON, an
 * HTML page) is no file.
 */
function isFileContentType(contentType: string): boolean {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  return mediaType === 'application/octet-stream' || mediaType === 'text/plain' || /^(image|audio|video)\//.test(mediaType);
}

function isFolderItem(body: string): boolean {
  try {
    const item: unknown = parseJsonBody(body);
    return isRecord(item) && item.isFolder === true;
  } catch {
    return false;
  }
}
