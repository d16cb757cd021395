import { mockServices } from '@backstage/backend-test-utils';
import { azureDevOpsError } from '../__testUtils__/FakeAzureDevOpsApi';
import { buildCatalogDocument, buildProfile, buildRepository, type ProfileOverrides } from '../__testUtils__/builders';
import type { ChangedRepositories } from './ChangeTracker';
import { KnownRepositories, type KnownOutcome } from './KnownRepositories';
import type { CatalogFileOutcome } from './readCatalogFile';

const repository = buildRepository({ id: 'Repo-1', name: 'payments-api' });
const other = buildRepository({ id: 'repo-2', name: 'docs' });
const WHERE = 'Profile acme, project Payments, repository payments-api, path catalog-info.yaml';

const read: KnownOutcome = {
  kind: 'read',
  facts: {
    namespace: 'default',
    ignored: [{ attribute: 'owner', reason: 'spec.owner is a number, not a string' }],
    declaredEntities: [],
    warnings: ['declared entity "Component:default/my service" is not a valid entity ref; left out'],
  },
};
const absent: KnownOutcome = { kind: 'absent', reason: 'no catalog-info.yaml on main' };
const unusable: KnownOutcome = { kind: 'unusable', reason: 'the file does not parse: bad indentation' };
const failed: CatalogFileOutcome = { kind: 'failed', error: azureDevOpsError('timeout'), transient: true };
const forbidden: CatalogFileOutcome = { kind: 'failed', error: azureDevOpsError('forbidden', 403), transient: false };

function setup(profile: ProfileOverrides = {}) {
  const logger = mockServices.logger.mock();
  const known = new KnownRepositories({ profile: buildProfile(profile) });
  return { logger, known };
}

function logged(logger: ReturnType<typeof mockServices.logger.mock>) {
  return {
    debug: logger.debug.mock.calls.map(([message]) => message),
    warn: logger.warn.mock.calls.map(([message]) => message),
    info: logger.info.mock.calls.map(([message]) => message),
    error: logger.error.mock.calls.map(([message]) => message),
  };
}

describe('KnownRepositories', () => {
  describe('settle', () => {
    it.each([
      [
        'a read file, its ignored attributes at debug and what it got wrong at warn',
        read,
        {
          debug: [`${WHERE}: spec.owner is a number, not a string`],
          warn: [`${WHERE}: declared entity "Component:default/my service" is not a valid entity ref; left out`],
        },
      ],
      ['no file, at debug', absent, { debug: [`${WHERE}: no application context: no catalog-info.yaml on main`], warn: [] }],
      [
        'an unusable file, at warn',
        unusable,
        { debug: [], warn: [`${WHERE}: the file does not parse: bad indentation; the repository is emitted without application context`] },
      ],
    ])('keeps and remembers %s', (_name, outcome, lines) => {
      const { logger, known } = setup();
      expect(known.settle(repository, outcome, logger)).toBe(outcome);
      expect(logged(logger)).toEqual({ ...lines, info: [], error: [] });
      expect(known.reusableOutcome(repository, new Set())).toBe(outcome);
    });

    it('drops a repository gone since it was listed, at debug, and remembers nothing', () => {
      const { logger, known } = setup();
      expect(known.settle(repository, { kind: 'repositoryGone' }, logger)).toBe('gone');
      expect(logged(logger)).toEqual({
        debug: ['Profile acme, project Payments, repository payments-api: gone since it was listed'],
        warn: [],
        info: [],
        error: [],
      });
      expect(known.reusableOutcome(repository, new Set())).toBeUndefined();
    });

    it('answers unknown for a failed read with nothing known, with one warning', () => {
      const { logger, known } = setup();
      expect(known.settle(repository, failed, logger)).toBe('unknown');
      expect(logged(logger).warn).toEqual([
        `${WHERE}: reading the catalog file failed, leaving its entity unchanged: simulated timeout`,
      ]);
      expect(known.reusableOutcome(repository, new Set())).toBeUndefined();
    });

    it('holds a repository back for one passing fault only, then emits it without context', () => {
      const { logger, known } = setup();
      expect(known.settle(repository, failed, logger)).toBe('unknown');
      logger.warn.mockClear();

      const second = known.settle(repository, failed, logger);
      expect(second).toEqual({ kind: 'unusable', reason: 'the catalog file is unreadable: simulated timeout' });
      expect(logged(logger).warn).toEqual([
        `${WHERE}: reading the catalog file failed again; the repository is emitted without application context until a read succeeds: simulated timeout`,
      ]);
      // Read again next sync, and from now on a failure falls back to that outcome.
      expect(known.reusableOutcome(repository, new Set())).toBeUndefined();
      expect(known.settle(repository, failed, logger)).toBe(second);
    });

    it('never holds a repository back for a lasting failure (403) with nothing known', () => {
      const { logger, known } = setup();
      expect(known.settle(repository, forbidden, logger)).toEqual({
        kind: 'unusable',
        reason: 'the catalog file is unreadable: simulated forbidden (403)',
      });
      expect(logged(logger).warn).toEqual([
        `${WHERE}: reading the catalog file failed and will not pass by itself; the repository is emitted without application context until a read succeeds: simulated forbidden (403)`,
      ]);
      expect(known.reusableOutcome(repository, new Set())).toBeUndefined();
      known.settle(repository, read, logger);
      expect(known.reusableOutcome(repository, new Set())).toBe(read);
    });

    it('counts a passing fault afresh once the repository was forgotten', () => {
      const { logger, known } = setup();
      known.settle(repository, failed, logger);
      known.forget(repository.id);
      expect(known.settle(repository, failed, logger)).toBe('unknown');
    });

    it('falls back to the last known outcome on a failed read, and marks it stale until a read succeeds', () => {
      const { logger, known } = setup();
      known.settle(repository, read, logger);
      logger.warn.mockClear();

      expect(known.settle(repository, failed, logger)).toBe(read);
      expect(logged(logger).warn).toEqual([
        `${WHERE}: reading the catalog file failed, keeping the last known context: simulated timeout`,
      ]);
      expect(known.reusableOutcome(repository, new Set())).toBeUndefined();
      // A second failure, or a lasting one, still has the outcome to fall back to.
      expect(known.settle(repository, failed, logger)).toBe(read);
      expect(known.settle(repository, forbidden, logger)).toBe(read);

      known.settle(repository, absent, logger);
      expect(known.reusableOutcome(repository, new Set())).toBe(absent);
    });

    it('writes control characters of names escaped', () => {
      const { logger, known } = setup();
      known.settle(buildRepository({ name: 'evil\nFAKE' }), unusable, logger);
      const [warning] = logged(logger).warn;
      expect(warning).toContain('repository evil\\nFAKE, path');
      expect(warning).not.toContain('\n');
    });
  });

  describe('reusableOutcome', () => {
    it.each<[string, ChangedRepositories, Partial<typeof repository>, KnownOutcome | undefined]>([
      ['nothing pushed, same branch', new Set(['repo-2']), {}, read],
      ['every file to be read', 'all', {}, undefined],
      ['pushed to (ids compared in lower case)', new Set(['repo-1']), {}, undefined],
      ['the default branch changed', new Set(), { defaultBranch: 'develop' }, undefined],
      ['the repository became empty', new Set(), { defaultBranch: undefined }, undefined],
    ])('%s', (_name, changed, now, expected) => {
      const { logger, known } = setup();
      known.settle(repository, read, logger);
      expect(known.reusableOutcome({ ...repository, ...now }, changed)).toBe(expected);
    });

    it('has nothing for a repository never settled', () => {
      const { known } = setup();
      expect(known.reusableOutcome(repository, new Set())).toBeUndefined();
    });

    describe('with the time, once a day at a time of its own', () => {
      const HOUR = 60 * 60 * 1000;
      const READ_AT = Date.parse('2026-12-01T08:00:00Z');

      it('stands for a read within 12 hours of the last one, never after 24', () => {
        const { logger, known } = setup();
        known.settle(repository, read, logger, READ_AT);
        expect(known.reusableOutcome(repository, new Set(), READ_AT + 12 * HOUR)).toBe(read);
        expect(known.reusableOutcome(repository, new Set(), READ_AT + 24 * HOUR)).toBeUndefined();
        // Without the time, as a rename's event asks: nothing is due.
        expect(known.reusableOutcome(repository, new Set())).toBe(read);
      });

      it('counts from the last read, not from when the known outcome last stood in for one', () => {
        const { logger, known } = setup();
        known.settle(repository, read, logger, READ_AT);
        // A later cycle reused it (no read time): the day still counts from the read.
        known.settle(repository, read, logger);
        expect(known.reusableOutcome(repository, new Set(), READ_AT + 24 * HOUR)).toBeUndefined();
        known.settle(repository, read, logger, READ_AT + 24 * HOUR);
        expect(known.reusableOutcome(repository, new Set(), READ_AT + 36 * HOUR)).toBe(read);
      });

      it('is due at once for an outcome known without a read time (kept before the time was)', () => {
        const { logger, known } = setup();
        known.settle(repository, read, logger);
        expect(known.reusableOutcome(repository, new Set(), READ_AT)).toBeUndefined();
      });
    });
  });

  describe('keeps only what the next sync needs', () => {
    const withDocuments: KnownOutcome = { ...read, documents: [buildCatalogDocument()] };

    it('drops the parsed documents without ingestEntities, and keeps the facts', () => {
      const { logger, known } = setup({ backstageCatalog: { ingestEntities: false } });

      expect(known.settle(repository, withDocuments, logger)).toBe(withDocuments);

      const kept = known.reusableOutcome(repository, new Set());
      expect(kept).toEqual({ kind: 'read', facts: read.facts });
      expect(kept).not.toHaveProperty('documents');
      // A failed read falls back to the same trimmed outcome.
      expect(known.settle(repository, failed, logger)).toEqual({ kind: 'read', facts: read.facts });
    });

    it('keeps them with ingestEntities, to ingest the file again while it is unchanged', () => {
      const { logger, known } = setup({ backstageCatalog: { ingestEntities: true } });

      known.settle(repository, withDocuments, logger);

      expect(known.reusableOutcome(repository, new Set())).toBe(withDocuments);
    });
  });

  it('gives back the refs emitted for a repository it forgets', () => {
    const { logger, known } = setup();
    known.settle(repository, read, logger);
    known.settle(other, absent, logger);
    known.recordEntityRefs(repository.id, ['repository:default/payments', 'component:default/payments-api']);
    known.recordEntityRefs(other.id, ['repository:default/other']);

    expect(known.forget(repository.id)).toEqual(['repository:default/payments', 'component:default/payments-api']);
    expect(known.forget(other.id)).toEqual(['repository:default/other']);
    expect(known.forget(other.id)).toEqual([]);
  });

  it('forgets a repository, and only that one', () => {
    const { logger, known } = setup();
    known.settle(repository, read, logger);
    known.settle(other, absent, logger);
    known.markSeen([repository.id], 7);

    known.forget(repository.id);

    expect(known.reusableOutcome(repository, new Set())).toBeUndefined();
    expect(known.reusableOutcome(other, new Set())).toBe(absent);
    expect([...known.toStored().keys()]).toEqual([other.id]);
    // Forgotten, a failed read has nothing to fall back to.
    expect(known.settle(repository, failed, logger)).toBe('unknown');
  });

  it('finds a repository by its id whatever the case', () => {
    const { logger, known } = setup();
    known.settle(repository, read, logger);
    expect(known.knownId('REPO-1')).toBe('Repo-1');
    expect(known.knownId('repo-2')).toBeUndefined();
  });

  describe('toStored and fromStored', () => {
    it('give back, in another instance, everything the next sync needs', () => {
      const { logger, known } = setup();
      const third = buildRepository({ id: 'repo-3', name: 'web' });
      const fourth = buildRepository({ id: 'repo-4', name: 'infra' });
      known.settle(repository, { ...read, fileId: 'f'.repeat(40) }, logger);
      known.recordEntityRefs(repository.id, ['repository:default/payments-api', 'component:default/a']);
      known.settle(other, absent, logger);
      known.settle(other, failed, logger);
      known.settle(third, failed, logger);
      known.settle(fourth, unusable, logger);

      const stored = known.toStored();
      expect(stored.get(repository.id)).toMatchObject({ fileId: 'f'.repeat(40), stale: false, entityRefs: ['repository:default/payments-api', 'component:default/a'] });
      expect(JSON.parse(stored.get(repository.id)?.outcome ?? '')).not.toHaveProperty('fileId');
      expect(stored.get(other.id)).toMatchObject({ stale: true, failedUnknown: false });
      expect(stored.get(third.id)).toEqual({ id: third.id, stale: false, failedUnknown: true, entityRefs: [] });

      const restored = KnownRepositories.fromStored(buildProfile(), stored.values());
      expect(restored.toStored()).toEqual(stored);
      const nothingPushed: ChangedRepositories = new Set();
      expect(restored.reusableOutcome(repository, nothingPushed)).toEqual({ ...read, fileId: 'f'.repeat(40) });
      expect(restored.reusableOutcome(other, nothingPushed)).toBeUndefined();
      expect(restored.reusableOutcome(fourth, nothingPushed)).toEqual(unusable);
      // A second passing failure of a repository that failed once with nothing known no longer holds it back.
      expect(restored.settle(third, failed, logger)).toMatchObject({ kind: 'unusable' });
    });

    it('keep when each file was last read, and which cycle last saw each repository', () => {
      const { logger, known } = setup();
      const third = buildRepository({ id: 'repo-3', name: 'web' });
      known.settle(repository, read, logger, 1_000);
      known.settle(other, absent, logger);
      known.settle(third, failed, logger);
      known.markSeen([repository.id, third.id], 42);

      const stored = known.toStored();
      expect(stored.get(repository.id)).toMatchObject({ fileReadAt: 1_000, seenInCycle: 42 });
      expect(stored.get(other.id)).not.toHaveProperty('fileReadAt');
      expect(stored.get(other.id)).not.toHaveProperty('seenInCycle');
      // Seen with nothing known: its row keeps it from the cycle's removals.
      expect(stored.get(third.id)).toEqual({ id: third.id, stale: false, failedUnknown: true, entityRefs: [], seenInCycle: 42 });

      const restored = KnownRepositories.fromStored(buildProfile(), stored.values());
      expect(restored.toStored()).toEqual(stored);
      expect(restored.reusableOutcome(repository, new Set(), 1_000 + 60 * 60 * 1000)).toEqual(read);
      expect(restored.reusableOutcome(repository, new Set(), 1_000 + 24 * 60 * 60 * 1000)).toBeUndefined();
    });

    it('keep what was read of the insights through a failed file read', () => {
      const { logger, known } = setup();
      known.settle(repository, read, logger, 1_000);
      known.recordInsights(repository.id, { commits: { contributors: 3, readAt: 1_000, branch: 'main' } });
      known.settle(repository, forbidden, logger);
      const restored = KnownRepositories.fromStored(buildProfile(), known.toStored().values());
      expect(restored.insightsOf(repository.id)).toEqual({ commits: { contributors: 3, readAt: 1_000, branch: 'main' } });
    });
  });
});
