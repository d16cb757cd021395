/**
 * The message of anything thrown. Read from the object rather than by `instanceof Error`: Node's own
 * errors (`parseArgs`, sockets) come from another realm under some runners, and fail that test.
 */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}
