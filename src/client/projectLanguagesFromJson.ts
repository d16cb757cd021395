/**
 * A `ProjectLanguageAnalytics` (project analysis' `languagemetrics`) to our DTO. The server leaves
 * `languagePercentage` out of what it does not take for a language (extensions such as `.h`,
 * `Unknown`) and out of every entry of a preliminary result, which counts files only
 * (LanguageMetadataAnalyzer, decompiled Azure DevOps Server 2022 in mjwrona/decompiled): such
 * entries say nothing about a repository's share of a language and are left out.
 */
import { isRecord } from '../common/isRecord';
import type { ProjectLanguages, RepositoryLanguage } from './AzureDevOpsApi';

/**
 * The languages of each repository the answer names, keyed by its lower-case id; a string saying
 * why when the body is no language analysis at all. `preliminary` is the phase the status (206)
 * announced; the body's own `resultPhase` can only make a full answer preliminary.
 */
export function projectLanguagesFromJson(body: unknown, preliminary: boolean): ProjectLanguages | string {
  if (!isRecord(body) || !Array.isArray(body.repositoryLanguageAnalytics)) return 'the answer has no "repositoryLanguageAnalytics" list';
  const repositories = new Map<string, RepositoryLanguage[]>();
  for (const entry of body.repositoryLanguageAnalytics) {
    if (!isRecord(entry) || typeof entry.id !== 'string' || entry.id === '') continue;
    repositories.set(entry.id.toLowerCase(), languagesFromJson(entry.languageBreakdown));
  }
  return { phase: preliminary || body.resultPhase === 'preliminary' ? 'preliminary' : 'full', repositories };
}

/** Languages with a share, the largest first, each share rounded to one decimal. */
function languagesFromJson(breakdown: unknown): RepositoryLanguage[] {
  if (!Array.isArray(breakdown)) return [];
  const languages: RepositoryLanguage[] = [];
  for (const statistics of breakdown) {
    if (!isRecord(statistics) || typeof statistics.name !== 'string' || statistics.name === '') continue;
    const share = statistics.languagePercentage;
    if (typeof share !== 'number' || !Number.isFinite(share) || share < 0) continue;
    languages.push({ name: statistics.name, percentage: share });
  }
  // Sorted before rounding, so two languages that round alike keep the order of their true shares.
  return languages
    .sort((a, b) => b.percentage - a.percentage)
    .map(language => ({ name: language.name, percentage: Math.round(language.percentage * 10) / 10 }));
}
