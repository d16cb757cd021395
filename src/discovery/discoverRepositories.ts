import type { AzureDevOpsApi, AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { ProfileConfig } from '../config/types';
import { projectExclusionReason, repositoryExclusionReason, type ExclusionReason } from './repositoryExclusionReason';

/** Every repository a profile should emit, and what was set aside on the way. */
export interface DiscoveredRepositories {
  repositories: AzureDevOpsRepository[];
  /** Repositories the listing returned, before filters. */
  seen: number;
  excluded: Partial<Record<ExclusionReason, number>>;
  /** Entries that could not be used: wrong shapes, duplicate ids. */
  malformed: string[];
}

/**
 * Lists the profile's repositories and applies its filters. Throws when any listing fails: a
 * partial listing must never reach a full mutation, or the missing repositories' entities would
 * be deleted.
 */
export async function discoverRepositories(
  api: AzureDevOpsApi,
  profile: Pick<ProfileConfig, 'broker' | 'filters'>,
): Promise<DiscoveredRepositories> {
  const listings = profile.broker
    ? // Broker clients only accept the per-project listing (Snyk's accept rules), so go project by
      // project, skipping the projects the filters leave out: their repositories would all be
      // excluded, and asking for them costs a request each and may need accept rules never granted.
      await Promise.all(
        (await api.listProjects())
          .filter(project => !projectExclusionReason(project.name, profile.filters))
          .map(project => api.listRepositories({ project: project.id })),
      )
    : [await api.listRepositories()];

  const result: DiscoveredRepositories = { repositories: [], seen: 0, excluded: {}, malformed: [] };
  const seenIds = new Set<string>();
  for (const listing of listings) {
    result.malformed.push(...listing.malformed);
    for (const repository of listing.repositories) {
      result.seen++;
      const id = repository.id.toLowerCase();
      if (seenIds.has(id)) {
        result.malformed.push(`repository ${JSON.stringify(repository.name)}: duplicate id ${repository.id}, kept the first`);
        continue;
      }
      seenIds.add(id);
      const reason = repositoryExclusionReason(repository, profile.filters);
      if (reason) result.excluded[reason] = (result.excluded[reason] ?? 0) + 1;
      else result.repositories.push(repository);
    }
  }
  return result;
}
