import type { ServerResponse } from 'node:http';

/* Bodies go out in slices, so a file of a hundred megabytes is never copied whole into a buffer. */

/** What one `write` hands the socket; small enough that a slow reader holds little. */
const SLICE_CHARS = 64 * 1024;

/** Writes each slice as the socket drains, and stops when the client hangs up. */
export async function writeSlices(response: ServerResponse, slices: Iterable<Buffer>): Promise<void> {
  // A client that hangs up mid-body is expected here, not a simulator failure.
  response.on('error', () => undefined);
  for (const slice of slices) {
    if (response.destroyed) return;
    if (!response.write(slice) && !(await drainedOrClosed(response))) return;
  }
  response.end();
}

/** True once the socket takes more, false when the client hung up; leaves no listener behind. */
function drainedOrClosed(response: ServerResponse): Promise<boolean> {
  return new Promise(resolve => {
    const settle = (drained: boolean) => () => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(drained);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/** UTF-8 slices of a string, never splitting a surrogate pair. */
export function* stringSlices(body: string): Generator<Buffer> {
  for (let start = 0; start < body.length; ) {
    let end = Math.min(start + SLICE_CHARS, body.length);
    const last = body.charCodeAt(end - 1);
    if (end < body.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    yield Buffer.from(body.slice(start, end), 'utf8');
    start = end;
  }
}

/** `{"count":0,"value":[]}` with whitespace inside the list, `bytes` long in all. */
export function* paddedJsonSlices(bytes: number): Generator<Buffer> {
  const head = Buffer.from('{"count":0,"value":[');
  const tail = Buffer.from(']}');
  const padding = Buffer.alloc(SLICE_CHARS, ' ');
  yield head;
  for (let left = bytes - head.length - tail.length; left > 0; left -= padding.length) {
    yield left >= padding.length ? padding : padding.subarray(0, left);
  }
  yield tail;
}
