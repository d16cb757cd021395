import { NotFoundError } from '@backstage/errors';
import Router from 'express-promise-router';
import type { Router as ExpressRouter } from 'express';
import type { ProfileConfig } from '../config/types';
import type { SyncStateStore } from '../state/SyncStateStore';
import { profileStatusOf, type ProfileStatus } from './profileStatus';
import type { ScheduledTasks } from './scheduledTasks';

/** The path under the catalog plugin's router: `/api/catalog/azure-devops-repositories/...`. */
export const STATUS_ROUTE_PREFIX = '/azure-devops-repositories';

/** What the status route answers from. */
export interface StatusRouterOptions {
  profiles: ReadonlyArray<{ profile: ProfileConfig; taskId: string; eventsSubscribed: boolean }>;
  store: SyncStateStore;
  scheduledTasks: () => Promise<ScheduledTasks>;
  now?: () => number;
}

/**
 * `GET /azure-devops-repositories/profiles` and `/profiles/:profileId`: each configured profile's
 * health from the state store the replicas share (so every replica answers the same) and the next
 * run from the scheduler. Mounted on the catalog plugin's router, it sits behind the backend's
 * default auth policy like the rest of the catalog API.
 */
export function createStatusRouter(options: StatusRouterOptions): ExpressRouter {
  const now = options.now ?? Date.now;
  const router = Router();

  async function statuses(profiles: StatusRouterOptions['profiles']): Promise<ProfileStatus[]> {
    const [stored, scheduled] = await Promise.all([
      options.store.readStatus(profiles.map(({ profile }) => profile.id)),
      options.scheduledTasks(),
    ]);
    const at = now();
    return profiles.map(({ profile, taskId, eventsSubscribed }) =>
      profileStatusOf(profile, stored.get(profile.id), {
        now: at,
        eventsSubscribed,
        ...('tasks' in scheduled ? { task: scheduled.tasks.get(taskId) } : { schedulerError: scheduled.error }),
      }),
    );
  }

  router.get(`${STATUS_ROUTE_PREFIX}/profiles`, async (_request, response) => {
    response.json({ profiles: await statuses(options.profiles) });
  });

  router.get(`${STATUS_ROUTE_PREFIX}/profiles/:profileId`, async (request, response) => {
    const profile = options.profiles.find(entry => entry.profile.id === request.params.profileId);
    if (!profile) {
      throw new NotFoundError(
        `No profile ${JSON.stringify(request.params.profileId)} under catalog.providers.azureDevOpsRepositories; configured: ${options.profiles.map(entry => entry.profile.id).join(', ') || 'none'}`,
      );
    }
    const [status] = await statuses([profile]);
    response.json(status);
  });

  return router;
}
