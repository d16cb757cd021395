import type { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';

/** How long to keep asking for the next run while the scheduler still holds the one that just ended. */
const TRIGGER_ATTEMPTS = 120;
const TRIGGER_INTERVAL_MS = 250;

/**
 * Asks the scheduler to run a task again at once. Called from inside the task's run, which the
 * scheduler holds until the run's function returns; so it asks in the background until the task
 * is free (the scheduler answers a conflict while it runs), for half a minute at most, and only
 * while `wanted` (when given) says so.
 */
export function triggerWhenReleased(scheduler: SchedulerService, taskId: string, logger: LoggerService, wanted?: () => Promise<boolean>): void {
  void (async () => {
    for (let attempt = 0; attempt < TRIGGER_ATTEMPTS; attempt++) {
      await new Promise(resolve => setTimeout(resolve, TRIGGER_INTERVAL_MS).unref());
      try {
        if (wanted && !(await wanted())) return;
        await scheduler.triggerTask(taskId);
        return;
      } catch (error) {
        if ((error as Error)?.name !== 'ConflictError') {
          logger.debug(`Could not ask for the next run of ${taskId} at once; it runs on its schedule: ${stringifyError(error)}`);
          return;
        }
      }
    }
  })();
}
