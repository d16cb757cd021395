import type { AzureDevOpsCommit } from '../client/AzureDevOpsApi';

/** The window `spec.contributors` counts authors over. */
export const CONTRIBUTOR_WINDOW_DAYS = 90;

/**
 * Build and bot identities, which commit for people but are none: a name or e-mail with `[bot]`
 * (GitHub Apps such as `dependabot[bot]`), a name ending in ` Bot` or ` Build Service` (Azure
 * DevOps' `Project Collection Build Service (org)`, `<project> Build Service (org)`), Azure
 * Pipelines, and `noreply`/`no-reply` addresses of services.
 */
export function isBotAuthor(author: { name: string; email: string }): boolean {
  const name = author.name.toLowerCase();
  const email = author.email.toLowerCase();
  return (
    name.includes('[bot]') ||
    email.includes('[bot]') ||
    /\bbot$/.test(name) ||
    /build service\b/.test(name) ||
    name === 'azure pipelines' ||
    /^(no-?reply|noreply\+|.*-noreply)@/.test(email) ||
    /@(noreply\.|users\.noreply\.)/.test(email)
  );
}

/**
 * The distinct authors, by e-mail without case, of the commits at or after `since` (epoch ms),
 * bots excluded.
 */
export function contributorsOf(commits: readonly AzureDevOpsCommit[], since: number): number {
  const authors = new Set<string>();
  for (const commit of commits) {
    if (commit.committedAt.getTime() < since || isBotAuthor(commit.author)) continue;
    authors.add(commit.author.email.trim().toLowerCase());
  }
  return authors.size;
}
