import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { isRecord } from '../common/isRecord';
import type { ScheduledTaskState } from './profileStatus';

/** The catalog's scheduler answers within this, or the status route answers without it. */
const TIMEOUT_MS = 5_000;

/** The scheduler's tasks by id, or why they could not be read. */
export type ScheduledTasks = { tasks: Map<string, ScheduledTaskState> } | { error: string };

/**
 * Reads the catalog plugin's scheduled tasks through the scheduler's own route,
 * `GET /api/catalog/.backstage/scheduler/v1/tasks`, with the plugin's service credentials: the
 * documented way to its state, which for global tasks comes from the database every replica
 * shares. `startsAt` of an idle task is its next run.
 */
export async function readScheduledTasks(options: { discovery: DiscoveryService; auth: AuthService }): Promise<ScheduledTasks> {
  try {
    const baseUrl = await options.discovery.getBaseUrl('catalog');
    const { token } = await options.auth.getPluginRequestToken({
      onBehalfOf: await options.auth.getOwnServiceCredentials(),
      targetPluginId: 'catalog',
    });
    const response = await fetch(`${baseUrl}/.backstage/scheduler/v1/tasks`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) return { error: `the scheduler's task list answered ${response.status}` };
    const body: unknown = await response.json();
    const tasks = new Map<string, ScheduledTaskState>();
    for (const task of isRecord(body) && Array.isArray(body.tasks) ? body.tasks : []) {
      if (!isRecord(task) || typeof task.taskId !== 'string') continue;
      const state = isRecord(task.taskState) ? task.taskState : undefined;
      const startsAt = state?.status === 'idle' && typeof state.startsAt === 'string' ? state.startsAt : undefined;
      tasks.set(task.taskId, startsAt ? { nextRunAt: startsAt } : {});
    }
    return { tasks };
  } catch (error) {
    return { error: `the scheduler's task list could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}
