import { mockServices } from '@backstage/backend-test-utils';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { DefaultEventsService } from '@backstage/plugin-events-node';
import type { RepositoryEntity } from '../mapping/RepositoryEntity';
import { azureDevOpsError, FakeAzureDevOpsApi } from '../__testUtils__/FakeAzureDevOpsApi';
import { PersistingTaskRunner } from '../__testUtils__/PersistingTaskRunner';
import { RecordingConnection } from '../__testUtils__/RecordingConnection';
import { testStateStore } from '../__testUtils__/testStateStore';
import {
  buildCatalogDocument,
  buildCatalogFileYaml,
  buildProfile,
  buildRepository,
  type ProfileOverrides,
} from '../__testUtils__/builders';
import { AzureDevOpsError } from '../client/AzureDevOpsError';
import { AzureDevOpsRepositoriesProvider } from './AzureDevOpsRepositoriesProvider';

const withFile = buildRepository({ id: 'repo-1', name: 'payments-api' });
const withoutFile = buildRepository({ id: 'repo-2', name: 'docs' });

/** Every state store a test made: destroyed after it, or jest keeps their pools alive. */
const stores: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const destroy of stores.splice(0)) await destroy();
});

async function newStore() {
  const store = await testStateStore();
  stores.push(store.destroy);
  return store.store;
}

async function setup(
  profileOverrides: ProfileOverrides = {},
  repositories = [withFile, withoutFile],
  clock = { now: Date.now() },
) {
  const api = new FakeAzureDevOpsApi(repositories);
  api.files.set(withFile.id, buildCatalogFileYaml(buildCatalogDocument()));
  const taskRunner = new PersistingTaskRunner();
  const logger = mockServices.logger.mock();
  // One logger for the provider and its task-scoped children, so a test sees every line.
  logger.child.mockImplementation(() => logger);
  const store = await newStore();
  const provider = new AzureDevOpsRepositoriesProvider({
    profile: buildProfile(profileOverrides),
    taskRunner,
    logger,
    createApi: async () => api,
    now: () => clock.now,
    store,
  });
  const connection = new RecordingConnection();
  return { api, taskRunner, logger, provider, connection, store, clock, since: 0 };
}

type Context = Awaited<ReturnType<typeof setup>>;

/**
 * One run of the scheduled task (a whole cycle, for the few repositories of these tests). The
 * clock moves on a second after it, as it would: a cycle is known by its start, so two cycles
 * must not start in the same millisecond.
 */
async function sync(context: Context, signal?: AbortSignal) {
  context.since = context.connection.mutations.length;
  try {
    await context.taskRunner.runTask(signal);
  } finally {
    context.clock.now += 1_000;
  }
}

/** The Repository entities the catalog holds now. */
function repositories(context: { connection: RecordingConnection }): RepositoryEntity[] {
  return context.connection.ofKind<RepositoryEntity>('Repository');
}

/** The entities the last run applied (added or upserted), in order. */
function appliedByLastRun(context: Context): Entity[] {
  return context.connection.mutations
    .slice(context.since)
    .flatMap(mutation => (mutation.type === 'delta' ? mutation.added : mutation.entities))
    .map(({ entity }) => entity);
}

function byRepository(entities: RepositoryEntity[], name: string): RepositoryEntity | undefined {
  return entities.find(entity => entity.spec?.repository === name);
}

function warnings(context: Context): string[] {
  return context.logger.warn.mock.calls.map(([message]) => String(message));
}

describe('AzureDevOpsRepositoriesProvider', () => {
  it('schedules one refresh task named after the profile', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    expect(context.provider.getProviderName()).toBe('AzureDevOpsRepositoriesProvider:acme');
    expect(context.taskRunner.getTasks().map(task => task.id)).toEqual([
      'AzureDevOpsRepositoriesProvider:acme:refresh',
    ]);
  });

  it('emits one entity per repository, in delta mutations keyed by the provider name', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    await sync(context);

    expect(context.connection.mutations.map(mutation => mutation.type)).toEqual(['delta']);
    const [mutation] = context.connection.mutations;
    expect(mutation.type === 'delta' && mutation.added.map(deferred => deferred.locationKey)).toEqual([
      'AzureDevOpsRepositoriesProvider:acme',
      'AzureDevOpsRepositoriesProvider:acme',
    ]);
    const entities = repositories(context);
    expect(entities).toHaveLength(2);
    expect(byRepository(entities, 'payments-api')?.spec).toMatchObject({
      owner: 'group:default/team-a',
      system: 'system:default/payments',
      lifecycle: 'production',
      type: 'service',
      applicationContext: { owner: 'team-a', application: 'payments', source: 'Backstage', path: 'catalog-info.yaml' },
    });
    expect(byRepository(entities, 'docs')?.spec.applicationContext).toBeUndefined();
    expect(context.logger.info).toHaveBeenCalledWith(
      expect.stringContaining('2 repositories seen, 2 emitted, 0 skipped, 0 failed, 0 unresolved, 1 with application context, 0 files unchanged, 1 run, '),
    );
  });

  it.each([
    ['rejected token', azureDevOpsError('unauthorized', 401)],
    ['server error', azureDevOpsError('serverError', 503)],
    ['unreachable host', azureDevOpsError('network')],
  ])('applies no mutation when the listing fails (%s)', async (_name, error) => {
    const context = await setup();
    await context.provider.connect(context.connection);
    context.api.listingError = error;
    await expect(sync(context)).rejects.toThrow(error.message);
    expect(context.connection.mutations).toEqual([]);
    expect(context.logger.error).toHaveBeenCalledWith(expect.stringContaining(error.message));
  });

  it.each([
    ['the token is rejected', azureDevOpsError('unauthorized', 401)],
    ['Azure DevOps asks for a longer pause than maxRetryAfterSeconds', azureDevOpsError('throttledTooLong')],
  ])('applies no mutation when %s while reading files', async (_name, error) => {
    const context = await setup();
    await context.provider.connect(context.connection);
    context.api.fileErrors.set(withFile.id, error);
    await expect(sync(context)).rejects.toThrow(error.message);
    expect(context.connection.mutations).toEqual([]);
    expect(context.logger.error).toHaveBeenCalledWith(expect.stringContaining(error.message));
  });

  it('emits a repository without context, with one warning naming the path and the accept rule, when a broker blocks its file', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    const blocked = new AzureDevOpsError({
      kind: 'blocked',
      statusCode: 401,
      message: 'Azure DevOps organization acme through the broker at broker.example.com: reading /catalog-info.yaml of repository repo-1 in project Payments failed: the broker blocked the request: none of its accept rules allows it; add one for GET /:org/:project/_apis/git/repositories/:repo/items with query parameter path=/catalog-info.yaml',
    });
    context.api.fileErrors.set(withFile.id, blocked);
    await sync(context);

    const entities = repositories(context);
    expect(entities.map(entity => entity.spec.repository).sort()).toEqual(['docs', 'payments-api']);
    expect(byRepository(entities, 'payments-api')?.spec.applicationContext).toBeUndefined();
    expect(context.logger.error).not.toHaveBeenCalled();
    expect(context.logger.warn.mock.calls).toEqual([
      [
        expect.stringMatching(
          /^Profile acme, project Payments, repository payments-api, path catalog-info.yaml: .*add one for GET \/:org\/:project\/_apis\/git\/repositories\/:repo\/items with query parameter path=\/catalog-info.yaml.*; the repository is emitted without application context$/,
        ),
      ],
    ]);
  });

  it('keeps the last known context when a file read fails transiently', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    await sync(context);
    const before = byRepository(repositories(context), 'payments-api');
    expect(before?.spec.applicationContext?.owner).toBe('team-a');

    context.api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-b' } })));
    context.api.fileErrors.set(withFile.id, azureDevOpsError('serverError', 500));
    await sync(context);

    expect(context.api.fileReads.filter(read => read.repositoryId === withFile.id)).toHaveLength(2);
    expect(byRepository(repositories(context), 'payments-api')).toEqual(before);
    expect(context.connection.removedSince(0)).toEqual([]);
    expect(context.logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/project Payments, repository payments-api, path catalog-info.yaml: .*keeping the last known context/),
    );
  });

  it('leaves a repository untouched (neither emitted nor removed) when it fails and nothing is known of it', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    context.api.fileErrors.set(withFile.id, azureDevOpsError('timeout'));
    await sync(context);

    expect(repositories(context).map(entity => entity.spec.repository)).toEqual(['docs']);
    expect(context.connection.removedSince(0)).toEqual([]);
    expect(context.logger.warn).toHaveBeenCalledWith(expect.stringContaining('1 repositories could not be read and have no last known state'));
    expect(context.logger.info).toHaveBeenCalledWith(expect.stringContaining('2 repositories seen, 1 emitted, 0 skipped, 1 failed, 1 unresolved, '));
  });

  it('removes a repository it emitted that is no longer listed at the end of the cycle, also when another could not be read', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    await sync(context);
    const docsRef = stringifyEntityRef(byRepository(repositories(context), 'docs')!);

    const newcomer = buildRepository({ id: 'repo-3', name: 'newcomer' });
    context.api.repositories.splice(1, 1, newcomer);
    context.api.fileErrors.set(newcomer.id, azureDevOpsError('timeout'));
    await sync(context);

    expect(context.connection.removedSince(context.since)).toEqual([docsRef]);
    const removal = context.connection.mutations.at(-1);
    expect(removal).toEqual({ type: 'delta', added: [], removed: [{ entityRef: docsRef, locationKey: 'AzureDevOpsRepositoriesProvider:acme' }] });
    expect(repositories(context).map(entity => entity.spec.repository)).toEqual(['payments-api']);
  });

  it('emits a repository without context once its read failed twice with nothing known', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    context.api.fileErrors.set(withFile.id, azureDevOpsError('timeout'));
    await sync(context);
    expect(byRepository(repositories(context), 'payments-api')).toBeUndefined();

    await sync(context);
    const payments = byRepository(repositories(context), 'payments-api');
    expect(payments).toBeDefined();
    expect(payments?.spec).not.toHaveProperty('applicationContext');
  });

  it('takes the context away when the file is removed, and updates it when edited', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    await sync(context);

    context.api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-b' } })));
    await sync(context);
    expect(byRepository(repositories(context), 'payments-api')?.spec.owner).toBe('group:default/team-b');

    context.api.push(withFile.id, undefined);
    await sync(context);
    const entity = byRepository(repositories(context), 'payments-api');
    expect(entity?.spec.applicationContext).toBeUndefined();
    expect(entity?.spec.owner).toBeUndefined();
  });

  it('warns once, naming profile, project, repository and path, for a file that does not parse', async () => {
    const context = await setup();
    context.api.files.set(withFile.id, 'metadata: [unclosed');
    await context.provider.connect(context.connection);
    await sync(context);

    expect(byRepository(repositories(context), 'payments-api')?.spec.applicationContext).toBeUndefined();
    expect(warnings(context)).toEqual([
      expect.stringMatching(/^Profile acme, project Payments, repository payments-api, path catalog-info.yaml: the file does not parse/),
    ]);
  });

  it.each([
    ['its size when announced', false, 'the file has 100 bytes, more than the limit of 10'],
    ['a lower bound when reading stopped at the limit', true, 'the file has at least 11 bytes, more than the limit of 10'],
  ])('warns once for a file over the limit, with %s', async (_name, unannounced, reason) => {
    const context = await setup({ backstageCatalog: { maxFileBytes: 10 } });
    context.api.files.set(withFile.id, `# ${'x'.repeat(97)}\n`);
    if (unannounced) context.api.unannouncedSizes.add(withFile.id);
    await context.provider.connect(context.connection);
    await sync(context);

    expect(byRepository(repositories(context), 'payments-api')?.spec.applicationContext).toBeUndefined();
    expect(warnings(context)).toEqual([expect.stringContaining(`path catalog-info.yaml: ${reason}`)]);
  });

  it('applies nothing of the step the scheduler stops half-way, and the next run does that step again', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    const scheduler = new AbortController();
    const readFile = context.api.readFile.bind(context.api);
    const stopping = jest.spyOn(context.api, 'readFile').mockImplementation(async () => {
      scheduler.abort(new Error('the task timed out'));
      return { kind: 'missing' };
    });
    // Not a failed run: the cycle goes on in the next run, where this one stopped.
    await sync(context, scheduler.signal);
    expect(context.connection.mutations).toEqual([]);
    expect(context.logger.error).not.toHaveBeenCalled();
    expect(context.logger.info).toHaveBeenCalledWith(expect.stringMatching(/cycle in progress: 0 of 2 repositories.*stopped by the scheduler/));
    expect(context.logger.info).not.toHaveBeenCalledWith(expect.stringMatching(/^Synced profile/));
    const inProgress = JSON.parse((await context.store.loadProfile('acme'))?.cycle ?? '{}');
    expect(inProgress).toMatchObject({ done: 0, total: 2 });

    stopping.mockImplementation(readFile);
    await sync(context);
    expect(repositories(context).map(entity => entity.spec.repository).sort()).toEqual(['docs', 'payments-api']);
    // The same cycle, resumed and completed.
    expect(JSON.parse((await context.store.loadProfile('acme'))?.lastCycle ?? '{}')).toMatchObject({ startedAt: inProgress.id, repositories: 2 });
  });

  it('warns at start-up when a token would travel over plain http to another host', async () => {
    const logger = mockServices.logger.mock();
    const profile = (organization: string, apiUrl: string) => ({ profileName: organization, organization, apiUrl, token: 'plain-pat-123456' });
    const config = new ConfigReader({
      catalog: {
        providers: {
          azureDevOpsRepositories: {
            remote: profile('remote', 'http://tfs.example.com/tfs'),
            local: profile('local', 'http://127.0.0.1:9000'),
            cloud: profile('cloud', 'https://dev.azure.com'),
          },
        },
      },
    });
    const providers = AzureDevOpsRepositoriesProvider.fromConfig(config, {
      logger,
      scheduler: mockServices.scheduler.mock(),
      store: await newStore(),
    });
    expect(providers).toHaveLength(3);
    expect(logger.warn.mock.calls).toEqual([
      ['Profile remote: http://tfs.example.com is plain http, so the access token travels in clear text; use https'],
    ]);
  });

  describe('removal guard', () => {
    const many = Array.from({ length: 12 }, (_, n) => buildRepository({ id: `repo-${n}`, name: `service-${n}` }));

    it('holds the removals of an empty listing after a full one, and applies them when the next cycle confirms it', async () => {
      const context = await setup({}, many);
      await context.provider.connect(context.connection);
      await sync(context);
      expect(repositories(context)).toHaveLength(12);

      context.api.repositories.length = 0;
      await sync(context);
      expect(context.connection.mutations.slice(context.since)).toEqual([]);
      expect(repositories(context)).toHaveLength(12);
      expect(context.logger.warn).toHaveBeenCalledWith(
        'Profile acme: this cycle would remove 12 of 12 repositories, more than maxRemovedPercent (50%); keeping them until the next cycle confirms the removal. If the repositories are still there, check the access of the token to their projects',
      );
      expect(context.logger.info).toHaveBeenCalledWith(expect.stringContaining('0 repositories seen, 0 emitted, 0 skipped, 0 failed, 0 unresolved, 0 with application context, 0 files unchanged, 1 run (removals held), '));

      await sync(context);
      expect(context.connection.removedSince(context.since)).toHaveLength(12);
      expect(repositories(context)).toEqual([]);
    });

    it('forgets the held removal when the repositories come back', async () => {
      const context = await setup({}, many);
      await context.provider.connect(context.connection);
      await sync(context);
      context.api.repositories.length = 0;
      await sync(context);
      context.api.repositories.push(...many);
      await sync(context);
      expect(context.connection.removedSince(0)).toEqual([]);
      expect(repositories(context)).toHaveLength(12);

      // A later fault is held again, not taken as confirmed by the one before.
      context.logger.warn.mockClear();
      context.api.repositories.length = 0;
      await sync(context);
      expect(context.connection.removedSince(0)).toEqual([]);
      expect(repositories(context)).toHaveLength(12);
      expect(context.logger.warn).toHaveBeenCalledWith(expect.stringContaining('this cycle would remove 12 of 12 repositories'));
    });

    it.each<[string, number, ProfileOverrides]>([
      ['removing at most half', 6, {}],
      ['with the guard off', 0, { maxRemovedPercent: undefined }],
    ])('applies the removals at once %s', async (_name, left, overrides) => {
      const context = await setup(overrides, many);
      await context.provider.connect(context.connection);
      await sync(context);
      context.api.repositories.splice(left);
      await sync(context);
      expect(context.connection.removedSince(context.since)).toHaveLength(12 - left);
      expect(repositories(context)).toHaveLength(left);
    });
  });

  it('keeps its promise not to throw when the catalog refuses a step, logs one error, and the next run does that step again', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    context.connection.failWith = new Error('SQLITE_BUSY: database is locked');
    await expect(context.provider.refresh(context.logger)).resolves.toEqual({
      result: 'failed',
      error: expect.stringMatching(/failed in a step; the steps before it are kept, and the next run resumes after them: .*SQLITE_BUSY: database is locked$/),
    });
    expect(context.logger.error).toHaveBeenCalledTimes(1);
    expect(context.logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/^Sync of profile .* failed in a step; .*SQLITE_BUSY: database is locked$/),
    );
    expect(context.logger.info).not.toHaveBeenCalledWith(expect.stringMatching(/^Synced profile/));

    context.connection.failWith = undefined;
    await expect(context.provider.refresh(context.logger)).resolves.toEqual({ result: 'succeeded' });
    expect(repositories(context)).toHaveLength(2);
  });

  it('throws to the scheduler after a failed sync, so that the run counts as failed, having logged it once', async () => {
    const context = await setup();
    await context.provider.connect(context.connection);
    context.api.listingError = azureDevOpsError('unauthorized', 401);
    await expect(context.taskRunner.runTask()).rejects.toThrow(
      /^Sync of profile Acme cloud \(acme\) failed; the catalog keeps its entities until a sync succeeds: .*simulated unauthorized \(401\)$/,
    );
    expect(context.logger.error).toHaveBeenCalledTimes(1);
    expect(context.connection.mutations).toEqual([]);
    context.api.listingError = undefined;
    await expect(context.taskRunner.runTask()).resolves.toBeUndefined();
  });

  it('logs where a long sync stands at every progress interval, and nothing once it ended', async () => {
    const slow = Array.from({ length: 6 }, (_, index) => buildRepository({ id: `slow-${index}`, name: `slow-${index}` }));
    const api = new FakeAzureDevOpsApi(slow);
    const readFile = api.readFile.bind(api);
    api.readFile = async options => {
      await new Promise(resolve => setTimeout(resolve, 40));
      return readFile(options);
    };
    Object.assign(api, { requestStats: () => ({ requests: 1_234, retries: 2, throttledMs: 2_500 }) });
    const logger = mockServices.logger.mock();
    logger.child.mockImplementation(() => logger);
    const taskRunner = new PersistingTaskRunner();
    const provider = new AzureDevOpsRepositoriesProvider({
      profile: buildProfile({ concurrency: 1, insights: { freshness: false, languages: false, contributors: false } }),
      taskRunner,
      logger,
      createApi: async () => api,
      progressIntervalMs: 50,
      store: await newStore(),
    });
    await provider.connect(new RecordingConnection());
    await taskRunner.runTask();
    const progress = logger.info.mock.calls.map(([line]) => String(line)).filter(line => line.includes('in progress after'));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatch(
      /^Sync of profile acme in progress after \d+ s: reading repositories, [0-6] of 6 repositories, 1,234 requests, 2 retries, 2\.5 s throttled$/,
    );
    const lines = logger.info.mock.calls.length;
    await new Promise(resolve => setTimeout(resolve, 150));
    expect(logger.info.mock.calls.length).toBe(lines);
  });

  it('writes control characters of repository names escaped into log lines', async () => {
    const forged = buildRepository({ id: 'repo-x', name: 'evil\nFAKE LOG LINE' });
    const context = await setup({}, [forged]);
    context.api.files.set(forged.id, 'metadata: [unclosed');
    await context.provider.connect(context.connection);
    await sync(context);
    const [warning] = warnings(context);
    expect(warning).toContain('repository evil\\nFAKE LOG LINE');
    expect(warning).not.toContain('\n');
  });

  it('drops a repository that disappears between listing and reading', async () => {
    const context = await setup();
    jest.spyOn(context.api, 'readFile').mockImplementation(async options =>
      options.repositoryId === withFile.id ? { kind: 'repositoryMissing' } : { kind: 'missing' },
    );
    await context.provider.connect(context.connection);
    await sync(context);
    expect(repositories(context).map(entity => entity.spec.repository)).toEqual(['docs']);
  });

  it('emits disabled, empty and forked repositories flagged, and filters what the profile excludes', async () => {
    const listed = [
      buildRepository({ id: 'a', name: 'archived', isDisabled: true }),
      buildRepository({ id: 'b', name: 'empty', defaultBranch: undefined }),
      buildRepository({ id: 'c', name: 'forked', isFork: true }),
      buildRepository({ id: 'd', name: 'scratch-1' }),
    ];
    const context = await setup({ filters: { excludeRepositories: { patterns: ['scratch-*'], expressions: [/^scratch-.*$/i] } } }, listed);
    await context.provider.connect(context.connection);
    await sync(context);

    const entities = repositories(context).sort((a, b) => a.spec.repository.localeCompare(b.spec.repository));
    expect(entities.map(entity => [entity.spec.repository, entity.spec.disabled, entity.spec.empty, entity.spec.fork])).toEqual([
      ['archived', true, false, false],
      ['empty', false, true, false],
      ['forked', false, false, true],
    ]);
    // No file is read from an empty repository.
    expect(context.api.fileReads.map(read => read.repositoryId)).not.toContain('b');
  });

  it('reads no file when Add Backstage Catalog is off', async () => {
    const context = await setup({ backstageCatalog: { enabled: false } });
    await context.provider.connect(context.connection);
    await sync(context);
    expect(context.api.fileReads).toEqual([]);
    expect(byRepository(repositories(context), 'payments-api')?.spec.applicationContext).toBeUndefined();
  });

  it('also emits the entities the file declares with ingestEntities', async () => {
    const context = await setup({ backstageCatalog: { ingestEntities: true } });
    await context.provider.connect(context.connection);
    await sync(context);
    const [component] = context.connection.ofKind('Component');
    expect(component.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location':
        'url:https://dev.azure.com/acme/Payments/_git/payments-api?path=%2Fcatalog-info.yaml&version=GBmain',
      'dev.azure.com/project-repo': 'Payments/payments-api',
    });
    const deferred = context.connection.mutations
      .flatMap(mutation => (mutation.type === 'delta' ? mutation.added : []))
      .find(({ entity }) => entity.kind === 'Component');
    expect(deferred?.locationKey).toBe('AzureDevOpsRepositoriesProvider:acme');
  });

  it.each([
    ['the original listed first', 'original-first'],
    ['the fork listed first', 'fork-first'],
  ])('emits an entity declared by a repository and its fork once, from the original, with %s (ingestEntities)', async (_name, order) => {
    // Its id sorts before the original's: only the rule "originals before forks" keeps it second.
    const fork = buildRepository({ id: 'repo-0', name: 'a-payments-api-fork', isFork: true });
    const context = await setup({ backstageCatalog: { ingestEntities: true } }, order === 'fork-first' ? [fork, withFile] : [withFile, fork]);
    context.api.files.set(fork.id, buildCatalogFileYaml(buildCatalogDocument()));
    await context.provider.connect(context.connection);
    await sync(context);
    const components = context.connection.ofKind('Component');
    expect(components).toHaveLength(1);
    expect(components[0].metadata.annotations?.['dev.azure.com/project-repo']).toBe('Payments/payments-api');
    expect(context.logger.warn).toHaveBeenCalledWith(
      'Profile acme, project Payments, repository a-payments-api-fork, path catalog-info.yaml: component:default/payments-api not ingested: already emitted for project Payments, repository payments-api',
    );
  });

  it('leaves an entity with the repository that emitted it when another file, first in the cycle, declares it too (ingestEntities)', async () => {
    // First in the cycle (its id sorts first) and listed first: without the last cycle's holder, it would take the entity.
    const copy = buildRepository({ id: 'repo-0', name: 'a-copy' });
    const context = await setup({ backstageCatalog: { ingestEntities: true } }, [copy, withFile]);
    await context.provider.connect(context.connection);
    await sync(context);
    context.api.push(copy.id, buildCatalogFileYaml(buildCatalogDocument()));
    await sync(context);

    const components = context.connection.ofKind('Component');
    expect(components.map(entity => entity.metadata.annotations?.['dev.azure.com/project-repo'])).toEqual(['Payments/payments-api']);
    expect(context.logger.warn).toHaveBeenCalledWith(
      'Profile acme, project Payments, repository a-copy, path catalog-info.yaml: component:default/payments-api not ingested: already emitted for project Payments, repository payments-api',
    );
  });

  it('leaves an entity with the repository that emitted it when a file in a later step declares it too (ingestEntities)', async () => {
    // More than the first step's 25 repositories: the holder's step is over when the claimant's comes.
    const filler = Array.from({ length: 30 }, (_, n) => buildRepository({ id: `repo-2${String(n).padStart(2, '0')}`, name: `filler-${n}` }));
    const claimant = buildRepository({ id: 'repo-9', name: 'claimant' });
    const context = await setup({ backstageCatalog: { ingestEntities: true } }, [claimant, ...filler, withFile]);
    context.api.files.set(claimant.id, buildCatalogFileYaml(buildCatalogDocument()));
    await context.provider.connect(context.connection);
    await sync(context);

    expect(context.connection.mutations.length).toBeGreaterThanOrEqual(2);
    const components = context.connection.ofKind('Component');
    expect(components.map(entity => entity.metadata.annotations?.['dev.azure.com/project-repo'])).toEqual(['Payments/payments-api']);
    expect(context.logger.warn).toHaveBeenCalledWith(
      'Profile acme, project Payments, repository claimant, path catalog-info.yaml: component:default/payments-api not ingested: already emitted for another repository of the profile (id repo-1)',
    );
  });

  describe('ingestEntities cannot be used to hijack', () => {
    const hijacker = buildRepository({ id: 'repo-0', name: 'hijacker' });

    async function victimName(): Promise<string> {
      const context = await setup({}, [withFile]);
      await context.provider.connect(context.connection);
      await sync(context);
      return repositories(context)[0].metadata.name;
    }

    it('never lets a file take the ref of a Repository entity, even one listed after it', async () => {
      const name = await victimName();
      // Listed first, and with Repository among the ingested kinds: only the held ref stops it.
      const context = await setup({ backstageCatalog: { ingestEntities: true, ingestKinds: ['Component', 'Repository'] } }, [hijacker, withFile]);
      context.api.files.set(
        hijacker.id,
        buildCatalogFileYaml(
          buildCatalogDocument({ metadata: { name: 'hijacker' } }),
          buildCatalogDocument({ apiVersion: 'example.com/v1', kind: 'Repository', metadata: { name } }),
        ),
      );
      await context.provider.connect(context.connection);
      await sync(context);

      const refs = appliedByLastRun(context).map(entity => `${entity.apiVersion} ${entity.kind}:${entity.metadata.name}`);
      expect(refs.sort()).toEqual([
        'azure-devops-repositories.dev/v1alpha1 Repository:payments-hijacker-e560c486',
        `azure-devops-repositories.dev/v1alpha1 Repository:${name}`,
        'backstage.io/v1alpha1 Component:hijacker',
        'backstage.io/v1alpha1 Component:payments-api',
      ]);
      expect(warnings(context)).toEqual([
        `Profile acme, project Payments, repository hijacker, path catalog-info.yaml: repository:default/${name} not ingested: already emitted for project Payments, repository payments-api`,
      ]);
    });

    it('never lets a file take the ref of a repository left as the catalog has it, its read failed with nothing known', async () => {
      const name = await victimName();
      const context = await setup({ backstageCatalog: { ingestEntities: true, ingestKinds: ['Repository'] } }, [hijacker, withFile]);
      context.api.files.set(hijacker.id, buildCatalogFileYaml(buildCatalogDocument({ apiVersion: 'example.com/v1', kind: 'Repository', metadata: { name } })));
      context.api.fileErrors.set(withFile.id, azureDevOpsError('serverError', 503));
      await context.provider.connect(context.connection);
      await sync(context);

      expect(appliedByLastRun(context).map(entity => entity.metadata.name)).toEqual(['payments-hijacker-e560c486']);
      expect(warnings(context)).toContain(
        `Profile acme, project Payments, repository hijacker, path catalog-info.yaml: repository:default/${name} not ingested: already emitted for project Payments, repository payments-api`,
      );
    });

    it('never lets a file take the ref of a Repository entity an earlier cycle emitted, whose step comes later', async () => {
      // Between the hijacker (first in the cycle) and its victim (last), more than a first step's 25.
      const filler = Array.from({ length: 30 }, (_, n) => buildRepository({ id: `repo-0${String(n).padStart(2, '0')}`, name: `filler-${n}` }));
      const context = await setup({ backstageCatalog: { ingestEntities: true, ingestKinds: ['Repository'] } }, [withFile, ...filler]);
      await context.provider.connect(context.connection);
      await sync(context);
      const name = byRepository(repositories(context), 'payments-api')!.metadata.name;

      context.api.repositories.push(hijacker);
      context.api.files.set(hijacker.id, buildCatalogFileYaml(buildCatalogDocument({ apiVersion: 'example.com/v1', kind: 'Repository', metadata: { name } })));
      await sync(context);

      expect(context.connection.mutations.length - context.since).toBeGreaterThanOrEqual(2);
      expect(appliedByLastRun(context).filter(entity => entity.apiVersion !== 'azure-devops-repositories.dev/v1alpha1')).toEqual([]);
      expect(repositories(context)).toHaveLength(32);
      expect(repositories(context).every(entity => entity.apiVersion === 'azure-devops-repositories.dev/v1alpha1')).toBe(true);
      expect(warnings(context)).toContain(
        `Profile acme, project Payments, repository hijacker, path catalog-info.yaml: repository:default/${name} not ingested: already emitted for another repository of the profile (id repo-1)`,
      );
    });

    it('leaves out a Location, a Group and a Repository of this module, one warning each', async () => {
      const context = await setup({ backstageCatalog: { ingestEntities: true } }, [hijacker]);
      context.api.files.set(
        hijacker.id,
        buildCatalogFileYaml(
          buildCatalogDocument({ metadata: { name: 'hijacker' } }),
          buildCatalogDocument({ kind: 'Location', metadata: { name: 'evil' } }),
          buildCatalogDocument({ kind: 'Group', metadata: { name: 'admins' } }),
          buildCatalogDocument({ apiVersion: 'azure-devops-repositories.dev/v1alpha1', kind: 'Repository', metadata: { name: 'fake' } }),
        ),
      );
      await context.provider.connect(context.connection);
      await sync(context);

      expect([...context.connection.entities.values()].map(entity => entity.kind)).toEqual(['Repository', 'Component']);
      const where = 'Profile acme, project Payments, repository hijacker, path catalog-info.yaml';
      expect(warnings(context)).toEqual([
        `${where}: location:default/evil not ingested: its kind is not in backstageCatalog.ingestKinds (Component, API, Resource, System, Domain)`,
        `${where}: group:default/admins not ingested: its kind is not in backstageCatalog.ingestKinds (Component, API, Resource, System, Domain)`,
        `${where}: repository:default/fake not ingested: only this module emits azure-devops-repositories.dev/v1alpha1 entities`,
      ]);
    });
  });

  describe('incremental sync', () => {
    const otherProject = buildRepository({
      id: 'repo-9',
      name: 'billing',
      project: { id: 'project-2', name: 'Billing', visibility: 'private' },
    });

    async function syncedOnce(context: Context) {
      await context.provider.connect(context.connection);
      await sync(context);
      context.api.fileReads.length = 0;
      context.api.activityCalls.length = 0;
    }

    it('reads no file again when nothing was pushed, asking once per project', async () => {
      const context = await setup({}, [withFile, withoutFile, otherProject]);
      await syncedOnce(context);
      await sync(context);
      expect(context.api.fileReads).toEqual([]);
      expect(context.api.activityCalls.map(call => call.project).sort()).toEqual(['project-2', withFile.project.id].sort());
      expect(byRepository(repositories(context), 'payments-api')?.spec.owner).toBe('group:default/team-a');
      expect(context.logger.info).toHaveBeenCalledWith(expect.stringContaining('3 files unchanged, 1 run, '));
    });

    it('asks for pushes since an hour before the previous cycle started', async () => {
      const clock = { now: Date.parse('2026-11-27T10:00:00Z') };
      const context = await setup({}, [withFile], clock);
      await syncedOnce(context);
      clock.now += 30 * 60 * 1000;
      await sync(context);
      expect(context.api.activityCalls.map(call => call.since.toISOString())).toEqual(['2026-11-27T09:00:00.000Z']);
    });

    it('reads again only what was pushed to, and repositories it has not seen', async () => {
      const context = await setup({}, [withFile, withoutFile]);
      await syncedOnce(context);
      context.api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-c' } })));
      context.api.repositories.push(otherProject);
      await sync(context);
      expect(context.api.fileReads.map(read => read.repositoryId).sort()).toEqual(['repo-1', 'repo-9']);
      expect(byRepository(repositories(context), 'payments-api')?.spec.owner).toBe('group:default/team-c');
    });

    it('reads again a repository whose default branch changed', async () => {
      const context = await setup({}, [withFile]);
      await syncedOnce(context);
      context.api.repositories[0] = { ...withFile, defaultBranch: 'develop' };
      await sync(context);
      expect(context.api.fileReads.map(read => read.branch)).toEqual(['develop']);
    });

    it('reads everything, and stops asking, where project analysis is not available', async () => {
      const context = await setup();
      context.api.activityAvailable = false;
      await syncedOnce(context);
      await sync(context);
      await sync(context);
      expect(context.api.activityCalls).toHaveLength(1);
      expect(context.api.fileReads).toHaveLength(4);
      expect(context.logger.info).toHaveBeenCalledWith(expect.stringContaining('project analysis is not available'));
    });

    it('reads each file again within a day whatever the activity says, none before 12 hours', async () => {
      const clock = { now: Date.parse('2026-11-27T10:00:00Z') };
      const context = await setup({}, [withFile, withoutFile], clock);
      await syncedOnce(context);
      clock.now = Date.parse('2026-11-27T22:00:00Z');
      await sync(context);
      expect(context.api.fileReads).toHaveLength(0);
      clock.now = Date.parse('2026-11-28T10:00:00Z');
      await sync(context);
      expect(context.api.fileReads.map(read => read.repositoryId).sort()).toEqual(['repo-1', 'repo-2']);
      // Read again, each is due again a day or less later, not at once.
      context.api.fileReads.length = 0;
      clock.now += 60 * 60 * 1000;
      await sync(context);
      expect(context.api.fileReads).toHaveLength(0);
    });

    it('reads again a file whose last read failed, although no push happened since', async () => {
      const clock = { now: Date.parse('2026-11-27T10:00:00Z') };
      const context = await setup({}, [withFile], clock);
      await syncedOnce(context);
      clock.now += 10 * 60 * 1000;
      context.api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-d' } })), clock.now);
      // The failing cycle starts more than an hour after the push, so the next window misses it.
      clock.now += 80 * 60 * 1000;
      context.api.fileErrors.set(withFile.id, azureDevOpsError('timeout'));
      await sync(context);
      expect(context.api.fileReads).toHaveLength(1);
      expect(byRepository(repositories(context), 'payments-api')?.spec.owner).toBe('group:default/team-a');

      clock.now += 10 * 60 * 1000;
      context.api.fileErrors.clear();
      await sync(context);
      expect(context.api.fileReads).toHaveLength(2);
      expect(byRepository(repositories(context), 'payments-api')?.spec.owner).toBe('group:default/team-d');
    });

    it('reads everything when the activity listing fails', async () => {
      const context = await setup();
      await syncedOnce(context);
      jest.spyOn(context.api, 'listChangedRepositoryIds').mockRejectedValue(azureDevOpsError('serverError', 503));
      await sync(context);
      expect(context.api.fileReads).toHaveLength(2);
      expect(repositories(context)).toHaveLength(2);
      expect(context.connection.removedSince(0)).toEqual([]);
    });
  });

  describe('a cycle over several runs', () => {
    const many = Array.from({ length: 60 }, (_, n) => buildRepository({ id: `repo-${String(n).padStart(2, '0')}`, name: `service-${n}` }));

    it('works in steps, a delta each, the first of 25 repositories, and removes nothing before the cycle ends', async () => {
      const context = await setup({}, many);
      await context.provider.connect(context.connection);
      await sync(context);
      const steps = context.connection.mutations.map(mutation => (mutation.type === 'delta' ? mutation.added.length : -1));
      expect(steps[0]).toBe(25);
      expect(steps.reduce((sum, added) => sum + added, 0)).toBe(60);
      expect(repositories(context)).toHaveLength(60);
      expect(context.connection.removedSince(0)).toEqual([]);
    });

    it('resumes a cycle a run left in progress after its last step, and removes what it did not see at its end', async () => {
      const context = await setup({}, many);
      await context.provider.connect(context.connection);
      await sync(context);
      const gone = repositories(context).find(entity => entity.spec.repository === 'service-59')!;

      // The next run stops after its first step, as a run out of time does.
      context.api.repositories.pop();
      const scheduler = new AbortController();
      const applyMutation = context.connection.applyMutation.bind(context.connection);
      jest.spyOn(context.connection, 'applyMutation').mockImplementation(async mutation => {
        await applyMutation(mutation);
        scheduler.abort(new Error('the task timed out'));
      });
      context.api.push('repo-00', buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-z' } })));
      await sync(context, scheduler.signal);
      expect(context.connection.mutations.length - context.since).toBe(1);
      const inProgress = JSON.parse((await context.store.loadProfile('acme'))?.cycle ?? '{}');
      expect(inProgress).toMatchObject({ done: 25, total: 59, runs: 1 });
      expect(repositories(context)).toHaveLength(60);

      jest.mocked(context.connection.applyMutation).mockImplementation(applyMutation);
      await sync(context);
      expect(context.connection.removedSince(0)).toEqual([stringifyEntityRef(gone)]);
      expect(repositories(context)).toHaveLength(59);
      expect(byRepository(repositories(context), 'service-0')?.spec.owner).toBe('group:default/team-z');
      const profile = await context.store.loadProfile('acme');
      expect(profile?.cycle).toBeUndefined();
      expect(JSON.parse(profile?.lastCycle ?? '{}')).toMatchObject({ runs: 2, repositories: 59 });
    });
  });
});

describe('AzureDevOpsRepositoriesProvider with service hooks', () => {
  const ORGANIZATION_URL = 'https://dev.azure.com/acme';

  function pushTo(repositoryId: string) {
    return {
      topic: 'azureDevOps.git.push',
      eventPayload: {
        eventType: 'git.push',
        resource: {
          refUpdates: [{ name: 'refs/heads/main', oldObjectId: 'a', newObjectId: 'b' }],
          repository: {
            id: repositoryId,
            url: `${ORGANIZATION_URL}/_apis/git/repositories/${repositoryId}`,
            project: withFile.project,
          },
        },
      },
    };
  }

  async function setupWithEvents(profileOverrides: ProfileOverrides = {}) {
    const logger = mockServices.logger.mock();
    logger.child.mockImplementation(() => logger);
    const events = DefaultEventsService.create({ logger, useEventBus: 'never' }).forPlugin('catalog');
    const api = new FakeAzureDevOpsApi([withFile, withoutFile]);
    api.files.set(withFile.id, buildCatalogFileYaml(buildCatalogDocument()));
    const taskRunner = new PersistingTaskRunner();
    const provider = new AzureDevOpsRepositoriesProvider({
      profile: buildProfile(profileOverrides),
      taskRunner,
      logger,
      createApi: async () => api,
      events,
      store: await newStore(),
    });
    const connection = new RecordingConnection();
    return { api, events, taskRunner, provider, connection, logger };
  }

  function ownerOf(connection: RecordingConnection): string | undefined {
    return byRepository(repositories({ connection }), 'payments-api')?.spec.applicationContext?.owner;
  }

  it('subscribes once connected and applies a push to the default branch as a delta mutation', async () => {
    const { api, events, taskRunner, provider, connection } = await setupWithEvents();
    await provider.connect(connection);
    await taskRunner.runTask();
    api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-pushed' } })));
    const since = connection.mutations.length;

    await events.publish(pushTo(withFile.id));
    await provider.serviceHooksIdle();

    expect(connection.mutations.slice(since)).toEqual([
      { type: 'delta', added: [expect.objectContaining({ entity: expect.objectContaining({ kind: 'Repository' }) })], removed: [] },
    ]);
    expect(ownerOf(connection)).toBe('team-pushed');
  });

  it('applies an event that comes during a step at once, and the step leaves that repository as the event wrote it', async () => {
    const { api, events, taskRunner, provider, connection } = await setupWithEvents();
    await provider.connect(connection);
    await taskRunner.runTask();

    // The next cycle's step reads the file pushed now (team-b), then waits.
    api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-b' } })));
    let release!: () => void;
    const released = new Promise<void>(resolve => (release = resolve));
    let stepRead!: () => void;
    const stepHasRead = new Promise<void>(resolve => (stepRead = resolve));
    const readFile = api.readFile.bind(api);
    let held = false;
    api.readFile = async options => {
      const result = await readFile(options);
      if (!held) {
        held = true;
        stepRead();
        await released;
      }
      return result;
    };
    const syncing = taskRunner.runTask();
    await stepHasRead;

    // Meanwhile another push, and its service hook: applied without waiting for the step.
    api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-c' } })));
    await events.publish(pushTo(withFile.id));
    await provider.serviceHooksIdle();
    expect(ownerOf(connection)).toBe('team-c');

    // The step's older read of that repository is dropped; the rest of the step is applied.
    const since = connection.mutations.length;
    release();
    await syncing;
    expect(ownerOf(connection)).toBe('team-c');
    expect(
      connection.mutations
        .slice(since)
        .flatMap(mutation => (mutation.type === 'delta' ? mutation.added : []))
        .map(({ entity }) => (entity as RepositoryEntity).spec.repository),
    ).toEqual(['docs']);
  });

  it("never lets a pushed file take the ref of another repository's Repository entity (ingestEntities)", async () => {
    const { api, events, taskRunner, provider, connection, logger } = await setupWithEvents({
      backstageCatalog: { ingestEntities: true, ingestKinds: ['Component', 'Repository'] },
    });
    await provider.connect(connection);
    await taskRunner.runTask();
    const victim = byRepository(repositories({ connection }), 'payments-api')!;

    api.push(
      withoutFile.id,
      buildCatalogFileYaml(buildCatalogDocument({ apiVersion: 'example.com/v1', kind: 'Repository', metadata: { name: victim.metadata.name } })),
    );
    await events.publish(pushTo(withoutFile.id));
    await provider.serviceHooksIdle();

    expect(api.fileReads.filter(read => read.repositoryId === withoutFile.id)).toHaveLength(2);
    expect(connection.entities.get(stringifyEntityRef(victim))).toEqual(victim);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining(`repository:default/${victim.metadata.name} not ingested: already emitted for another repository`));
  });

  it('takes no event after stop', async () => {
    const { api, events, taskRunner, provider, connection } = await setupWithEvents();
    await provider.connect(connection);
    await taskRunner.runTask();
    await provider.stop();
    await events.publish(pushTo(withFile.id));
    await provider.serviceHooksIdle();
    expect(api.repositoryCalls).toEqual([]);
  });
});
