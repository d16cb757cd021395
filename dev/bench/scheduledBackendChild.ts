/**
 * Entry of the backend child of `--scheduled` (see scheduledBackendProcess.ts): a real Backstage
 * backend, as an adopter builds one, with the catalog and this module, configured by the
 * `--config` file(s) in its arguments. In a process of its own so that the harness can SIGKILL it
 * mid-cycle and read its RSS as the backend's alone.
 */
import { createBackend } from '@backstage/backend-defaults';

/** What the child tells the parent over the IPC channel. */
export type ScheduledBackendMessage = { type: 'started' };

// The parent went away (crashed or killed): never outlive it.
process.on('disconnect', () => process.exit(0));

async function main(): Promise<void> {
  const backend = createBackend();
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('../../src'));
  await backend.start();
  const message: ScheduledBackendMessage = { type: 'started' };
  process.send?.(message);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
