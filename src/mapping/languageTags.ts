import type { RepositoryLanguage } from '../client/AzureDevOpsApi';

/** Backstage's tag syntax (`metadata.tags`): lower case, `[a-z0-9:+#]` runs joined by single `-`, at most 63 characters. */
const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;
const MAX_TAG_LENGTH = 63;
/** Tags from the main languages, at most. */
export const MAX_LANGUAGE_TAGS = 5;

/**
 * The main languages of a repository as `metadata.tags`: by share, the first five that make valid
 * tags (`C#` → `c#`, `TypeScript` → `typescript`, `Objective-C` → `objective-c`,
 * `Visual Basic .NET` → `visual-basic-net`); a name that makes no valid tag is left out.
 */
export function languageTags(languages: readonly RepositoryLanguage[]): string[] {
  const tags: string[] = [];
  for (const { name } of [...languages].sort((a, b) => b.percentage - a.percentage)) {
    const tag = name
      .toLowerCase()
      .replace(/[^a-z0-9:+#]+/g, '-')
      .replace(/^-+|-+$/g, '');
    if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || !TAG.test(tag) || tags.includes(tag)) continue;
    tags.push(tag);
    if (tags.length === MAX_LANGUAGE_TAGS) break;
  }
  return tags;
}
