/**
 * Whether a backend's catalog holds exactly the Repository entities the simulator's organization
 * calls for, read through the catalog API once a cycle completed. The catalog processes applied
 * entities after the mutation, so the count is waited for before the entities are compared.
 */
import { listEntities, waitUntilListed } from './catalogEntities';
import { compareEntities, type Truth } from './expectedEntities';

/** Generous: a catalog on SQLite processes 10,000 new entities in a minute or two. */
const LISTING_TIMEOUT_MS = 5 * 60_000;
/** Reading the pages once the count is there (or the wait gave up), failed pages tried again. */
const READING_TIMEOUT_MS = 2 * 60_000;

export interface CatalogVerdict {
  correct: boolean;
  /** The first few, with their total first; empty when correct. */
  mismatches: string[];
}

export async function catalogVerdict(baseUrl: string, truth: Truth): Promise<CatalogVerdict> {
  const expected = truth.repositories.length;
  let shortfall: string | undefined;
  try {
    await waitUntilListed(baseUrl, 'Repository', expected, { intervalMs: 1000, deadline: performance.now() + LISTING_TIMEOUT_MS });
  } catch (error) {
    // Still compared: the mismatches say which entities are missing or wrong.
    shortfall = `after ${LISTING_TIMEOUT_MS / 60_000} minutes: ${error instanceof Error ? error.message : String(error)}`;
  }
  // A catalog that cannot be read at all is no verdict: that throws, and the caller names the backend.
  const entities = await listEntities(baseUrl, 'Repository', { deadline: performance.now() + READING_TIMEOUT_MS });
  const comparison = compareEntities(truth, entities);
  const correct = comparison.correct && shortfall === undefined;
  return {
    correct,
    mismatches: correct
      ? []
      : [...(shortfall ? [shortfall] : []), `${comparison.mismatchCount} mismatches`, ...comparison.mismatches],
  };
}
