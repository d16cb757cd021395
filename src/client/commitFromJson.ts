/**
 * One `GitCommitRef` of a commit listing to our DTO. Every field is checked: a commit that cannot
 * say who wrote it or when it reached the branch is of no use to freshness or contributors, so it
 * is left out rather than failing the page.
 */
import { isRecord } from '../common/isRecord';
import type { AzureDevOpsCommit } from './AzureDevOpsApi';

/**
 * The commit, or undefined when it lacks a commit id, an author e-mail address or a committer
 * date. An author without a name (Git allows one) gets an empty name.
 */
export function commitFromJson(item: unknown): AzureDevOpsCommit | undefined {
  if (!isRecord(item) || typeof item.commitId !== 'string' || item.commitId === '') return undefined;
  const { author, committer } = item;
  if (!isRecord(author) || !isRecord(committer)) return undefined;
  const email = typeof author.email === 'string' ? author.email.trim() : '';
  const committedAt = dateFromJson(committer.date);
  if (email === '' || !committedAt) return undefined;
  return {
    commitId: item.commitId,
    author: { name: typeof author.name === 'string' ? author.name : '', email },
    committedAt,
  };
}

function dateFromJson(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
