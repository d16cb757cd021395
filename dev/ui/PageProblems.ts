/**
 * What a newcomer would see go wrong on a page: uncaught errors, failed requests, errors logged to
 * the console, and the warnings and error panels Backstage renders (a relation to an entity that is
 * not in the catalog, an entity that is not found, a failed API call).
 */
import type { Page } from 'playwright-core';

/**
 * Problem banners, by the markup of Backstage UI's Alert, core-components' WarningPanel and
 * ResponseErrorPanel (role="alert"), and Material UI's Alert.
 */
const PROBLEM_SELECTORS = [
  '.bui-Alert[data-status="warning"]',
  '.bui-Alert[data-status="danger"]',
  '[role="alert"]',
  '.MuiAlert-standardError, .MuiAlert-standardWarning, .MuiAlert-filledError, .MuiAlert-filledWarning',
];

/** Texts of Backstage's not-found pages and of the catalog's missing-relation warning. */
const PROBLEM_TEXTS = ['Entities not found', 'Entity not found', 'with the requested kind', 'dropped the mic'];

/** Collects a page's problems from the moment it is created; {@link scan} adds what is on screen. */
export class PageProblems {
  readonly #events: string[] = [];

  constructor(page: Page) {
    page.on('pageerror', error => this.#events.push(`uncaught error: ${error.message}`));
    page.on('console', message => {
      if (message.type() === 'error') {
        this.#events.push(`console error: ${message.text()}`);
      }
    });
    page.on('response', response => {
      if (response.status() >= 400) {
        this.#events.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
      }
    });
    page.on('requestfailed', request => {
      this.#events.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`);
    });
  }

  /** The events collected since the last call, and what the page shows now; empty when all is well. */
  async scan(page: Page): Promise<string[]> {
    const problems = this.#events.splice(0);
    for (const selector of PROBLEM_SELECTORS) {
      for (const text of await page.locator(selector).allInnerTexts()) {
        problems.push(`shows a problem (${selector}): ${text.replace(/\s+/g, ' ').trim()}`);
      }
    }
    const body = await page.locator('body').innerText();
    for (const text of PROBLEM_TEXTS) {
      if (body.includes(text) && !problems.some(problem => problem.includes(text))) {
        problems.push(`shows "${text}"`);
      }
    }
    return problems;
  }
}
