import type { RepositoryLanguage } from '../client/AzureDevOpsApi';
import type { InsightOptions } from '../config/types';
import { CONTRIBUTOR_WINDOW_DAYS } from './contributorsOf';
import { freshnessOf } from './freshnessOf';
import type { RepositoryEntitySpec } from './RepositoryEntity';

/** What was read of a repository besides its file, for the insights the profile turns on. */
export interface RepositoryInsightFacts {
  /** Absent while no commit data was read. */
  commits?: {
    /** ISO-8601; absent when the branch has no commit (an empty repository). */
    lastCommitAt?: string;
    /** Distinct authors in the contributor window, bots excluded. */
    contributors: number;
  };
  /** Absent while project analysis gave none. */
  languages?: RepositoryLanguage[];
}

/** The spec fields of the insights the profile turns on, from what was read of them. */
export function insightFields(
  enabled: InsightOptions,
  facts: RepositoryInsightFacts,
  now: number,
): Pick<RepositoryEntitySpec, 'lastCommitAt' | 'freshness' | 'languages' | 'contributors'> {
  const { commits, languages } = facts;
  return {
    ...(enabled.freshness && commits?.lastCommitAt ? { lastCommitAt: commits.lastCommitAt } : {}),
    ...(enabled.freshness ? { freshness: freshnessOf(commits?.lastCommitAt, now) } : {}),
    ...(enabled.languages && languages && languages.length > 0
      ? { languages: languages.map(({ name, percentage }) => ({ name, percentage })) }
      : {}),
    ...(enabled.contributors && commits
      ? { contributors: { count: commits.contributors, windowDays: CONTRIBUTOR_WINDOW_DAYS } }
      : {}),
  };
}

