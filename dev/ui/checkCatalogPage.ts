/**
 * The catalog page as a newcomer uses it: pick `Repository` in the kind picker, then read the table.
 * Every Repository entity must have a row with its title, owner, system, type, lifecycle and
 * description.
 */
import type { Page } from 'playwright-core';
import { entityRoute } from './entityRoute';
import type { PageProblems } from './PageProblems';
import type { RepositoryEntity } from './startDemoBackend';

/** Options of {@link checkCatalogPage}. */
export interface CheckCatalogPageOptions {
  page: Page;
  problems: PageProblems;
  appUrl: string;
  repositories: RepositoryEntity[];
  /** Where to save a full-page screenshot of the table. */
  screenshotPath: string;
}

interface TableCell {
  text: string;
  hrefs: string[];
}

function normalized(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The table's rows as cells keyed by lower-case column title. */
async function readTable(page: Page): Promise<Array<Record<string, TableCell>>> {
  return page.locator('table').first().evaluate(table => {
    const headers = [...table.querySelectorAll('thead th')].map(th => (th.textContent ?? '').trim().toLowerCase());
    return [...table.querySelectorAll('tbody tr')].map(row => {
      const cells: Record<string, { text: string; hrefs: string[] }> = {};
      [...row.querySelectorAll('td')].forEach((td, index) => {
        cells[headers[index] ?? String(index)] = {
          text: td.textContent ?? '',
          hrefs: [...td.querySelectorAll('a')].map(a => a.getAttribute('href') ?? ''),
        };
      });
      return cells;
    });
  });
}

/** Checks the kind picker and the Repository table; returns what is wrong, empty when all is well. */
export async function checkCatalogPage(options: CheckCatalogPageOptions): Promise<string[]> {
  const { page, problems, appUrl, repositories } = options;
  const failures: string[] = [];
  await page.goto(`${appUrl}/catalog`);

  const kindPicker = page.locator('[aria-label="Kind"] [role="button"]');
  await kindPicker.waitFor();
  await kindPicker.click();
  const repositoryOption = page.getByRole('option', { name: 'Repository', exact: true });
  try {
    await repositoryOption.waitFor();
  } catch {
    const offered = await page.getByRole('option').allInnerTexts();
    return [`the kind picker offers ${offered.join(', ') || 'nothing'}, not Repository`];
  }
  await repositoryOption.click();

  // The table has loaded once every repository's link is in it.
  for (const repository of repositories) {
    const link = page.locator(`table a[href="${entityRoute(`repository:default/${repository.metadata.name}`)}"]`);
    try {
      await link.first().waitFor();
    } catch {
      failures.push(`the Repository table has no row for ${repository.metadata.name}`);
    }
  }
  await page.waitForLoadState('networkidle');

  const rows = await readTable(page);
  if (rows.length !== repositories.length) {
    failures.push(`the Repository table has ${rows.length} rows, the catalog ${repositories.length} Repository entities`);
  }
  for (const repository of repositories) {
    const { metadata, spec } = repository;
    const route = entityRoute(`repository:default/${metadata.name}`);
    const row = rows.find(cells => cells.name?.hrefs.includes(route));
    if (!row) {
      continue;
    }
    const label = `the table row of ${metadata.name}`;
    const expectedName = metadata.title ?? metadata.name;
    if (normalized(row.name!.text) !== expectedName) {
      failures.push(`${label} is named "${normalized(row.name!.text)}", not "${expectedName}"`);
    }
    if (!spec.owner) {
      failures.push(`${metadata.name} has no owner (the demo profile sets a default owner)`);
    } else if (!row.owner?.hrefs.includes(entityRoute(spec.owner))) {
      failures.push(`${label} does not link its owner ${spec.owner} (owner cell: "${normalized(row.owner?.text ?? '')}")`);
    }
    if (spec.system && !row.system?.hrefs.includes(entityRoute(spec.system))) {
      failures.push(`${label} does not link its system ${spec.system}`);
    }
    for (const field of ['type', 'lifecycle'] as const) {
      const expected = (spec as Record<string, unknown>)[field];
      if (typeof expected === 'string' && normalized(row[field]?.text ?? '') !== expected) {
        failures.push(`${label} shows ${field} "${normalized(row[field]?.text ?? '')}", not "${expected}"`);
      }
    }
    if (!metadata.description) {
      failures.push(`${metadata.name} has no metadata.description, so its row's description is empty`);
    } else if (normalized(row.description?.text ?? '') !== normalized(metadata.description)) {
      failures.push(`${label} shows description "${normalized(row.description?.text ?? '')}", not "${metadata.description}"`);
    }
  }

  await page.screenshot({ path: options.screenshotPath, fullPage: true });
  failures.push(...(await problems.scan(page)).map(problem => `the catalog page ${problem}`));
  return failures;
}
