import type { RepositoryLanguage } from '../client/AzureDevOpsApi';

/** What was read of a repository's commits and languages, and when. */
export interface KnownInsights {
  commits?: {
    /** ISO-8601; absent for a branch without commits. */
    lastCommitAt?: string;
    contributors: number;
    /** When they were read (epoch ms), and from which branch: a day later, or on another branch, they are read again. */
    readAt: number;
    branch?: string;
  };
  languages?: RepositoryLanguage[];
}
