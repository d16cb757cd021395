/**
 * Drives Chromium through the catalog UI demo: the catalog page, then every Repository page, the
 * featured one first with its screenshot. Each page's failures are collected rather than thrown, so
 * one run reports everything a newcomer would trip over.
 */
import { join } from 'node:path';
import { checkCatalogPage } from './checkCatalogPage';
import { checkRepositoryPage } from './checkRepositoryPage';
import { launchChromium } from './launchChromium';
import { PageProblems } from './PageProblems';
import type { RepositoryEntity } from './startDemoBackend';

/** Options of {@link runBrowserChecks}. */
export interface RunBrowserChecksOptions {
  appUrl: string;
  repositories: RepositoryEntity[];
  /** The repository whose page the README shows. */
  featured: RepositoryEntity;
  /** Receives catalog-repositories.png and repository-page.png. */
  screenshotDir: string;
  log: (line: string) => void;
}

/** Waits for what a slow CI machine needs, never for a fixed time. */
const ACTION_TIMEOUT_MS = 30_000;
const NAVIGATION_TIMEOUT_MS = 60_000;
/** Wide enough for the catalog table's eight columns without wrapping every cell. */
const VIEWPORT = { width: 1600, height: 1000 };

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Returns every failure found; empty when the UI shows what the module promises. */
export async function runBrowserChecks(options: RunBrowserChecksOptions): Promise<string[]> {
  const { appUrl, repositories, featured, screenshotDir, log } = options;
  const failures: string[] = [];
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    const problems = new PageProblems(page);

    log(`Catalog page: kind picker and the table of ${repositories.length} repositories`);
    try {
      failures.push(
        ...(await checkCatalogPage({
          page,
          problems,
          appUrl,
          repositories,
          screenshotPath: join(screenshotDir, 'catalog-repositories.png'),
        })),
      );
    } catch (error) {
      failures.push(`the catalog page: ${errorMessage(error)}`);
    }

    const others = repositories.filter(repository => repository !== featured);
    for (const repository of [featured, ...others]) {
      const isFeatured = repository === featured;
      log(`Repository page: ${repository.metadata.name}${isFeatured ? ' (screenshot)' : ''}`);
      try {
        failures.push(
          ...(await checkRepositoryPage({
            page,
            problems,
            appUrl,
            repository,
            requireLinks: isFeatured,
            screenshotPath: isFeatured ? join(screenshotDir, 'repository-page.png') : undefined,
          })),
        );
      } catch (error) {
        failures.push(`the page of ${repository.metadata.name}: ${errorMessage(error)}`);
      }
    }
  } finally {
    await browser.close();
  }
  return failures;
}
