/**
 * A Repository entity's page: the About card with its description, the Links card with every link,
 * and the catalog graph card with an edge to the owner, the system and each declared entity (the
 * module's `declares`/`declaredIn` pair, which the graph drops unless configured).
 */
import type { Page } from 'playwright-core';
import { entityRoute } from './entityRoute';
import type { PageProblems } from './PageProblems';
import type { RepositoryEntity } from './startDemoBackend';

/** Options of {@link checkRepositoryPage}. */
export interface CheckRepositoryPageOptions {
  page: Page;
  problems: PageProblems;
  appUrl: string;
  repository: RepositoryEntity;
  /** Fail when the entity has no links: the featured repository must show the Links card. */
  requireLinks?: boolean;
  /** Where to save a full-page screenshot, if anywhere. */
  screenshotPath?: string;
}

/**
 * The relations the graph card must draw, each with its reverse: the configured pairs merge the two
 * into one edge labelled "ownerOf / ownedBy". Two relations between the same two entities (a
 * repository that declares its own system) share one edge whose label lists both pairs.
 */
const DRAWN_RELATIONS: Record<string, string> = {
  ownedBy: 'ownerOf',
  partOf: 'hasPart',
  declares: 'declaredIn',
};

function normalized(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Checks one Repository page; returns what is wrong, empty when all is well. */
export async function checkRepositoryPage(options: CheckRepositoryPageOptions): Promise<string[]> {
  const { page, problems, appUrl, repository } = options;
  const { metadata } = repository;
  const ref = `repository:default/${metadata.name}`;
  const label = `the page of ${metadata.name}`;
  const failures: string[] = [];
  await page.goto(`${appUrl}${entityRoute(ref)}`);

  const card = (title: string) => page.locator('article').filter({ has: page.getByText(title, { exact: true }) });
  const about = card('About');
  try {
    await about.first().waitFor();
  } catch {
    return [`${label} shows no About card`, ...(await problems.scan(page)).map(problem => `${label} ${problem}`)];
  }
  // The graph card draws its root node once it has loaded the related entities.
  const graph = page.locator('#dependency-graph');
  try {
    await graph.locator('[data-testid="node"] title', { hasText: ref }).first().waitFor({ state: 'attached' });
  } catch {
    failures.push(`${label} shows no catalog graph with the repository in it`);
  }
  await page.waitForLoadState('networkidle');

  const aboutText = normalized(await about.first().innerText());
  if (metadata.description && !aboutText.includes(normalized(metadata.description))) {
    failures.push(`${label}: the About card does not show the description "${metadata.description}"`);
  }

  const links = metadata.links ?? [];
  if (links.length === 0 && options.requireLinks) {
    failures.push(`${metadata.name} has no metadata.links, so its page shows no Links card`);
  }
  if (links.length > 0) {
    const linksCard = card('Links');
    if ((await linksCard.count()) === 0) {
      failures.push(`${label} shows no Links card for its ${links.length} links`);
    } else {
      const shownHrefs = await linksCard.first().locator('a').evaluateAll(anchors => anchors.map(a => a.getAttribute('href')));
      for (const link of links) {
        if (!shownHrefs.includes(link.url)) {
          failures.push(`${label}: the Links card does not link ${link.title ?? ''} ${link.url}`);
        }
      }
    }
  }

  const nodes = await graph.locator('[data-testid="node"] title').allTextContents();
  const edgeRelations = new Set(
    (await graph.locator('[data-testid="label"]').allTextContents()).flatMap(text => text.split('/').map(type => type.trim())),
  );
  for (const relation of repository.relations ?? []) {
    const reverse = DRAWN_RELATIONS[relation.type];
    if (!reverse) {
      continue;
    }
    if (!nodes.includes(relation.targetRef)) {
      failures.push(`${label}: the graph has no node for ${relation.targetRef} (${relation.type})`);
    } else if (!edgeRelations.has(relation.type) || !edgeRelations.has(reverse)) {
      failures.push(`${label}: the graph has no "${reverse} / ${relation.type}" edge (to ${relation.targetRef})`);
    }
  }

  if (options.screenshotPath) {
    await page.screenshot({ path: options.screenshotPath, fullPage: true });
  }
  failures.push(...(await problems.scan(page)).map(problem => `${label} ${problem}`));
  return failures;
}
