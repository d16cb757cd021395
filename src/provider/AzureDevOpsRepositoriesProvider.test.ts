import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { DefaultEventsService } from '@backstage/plugin-events-node';
import type { RepositoryEntity } from '../mapping/RepositoryEntity';
import { azureDevOpsError, FakeAzureDevOpsApi } from '../__testUtils__/FakeAzureDevOpsApi';
import { PersistingTaskRunner } from '../__testUtils__/PersistingTaskRunner';
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

function setup(
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
  const provider = new AzureDevOpsRepositoriesProvider({
    profile: buildProfile(profileOverrides),
    taskRunner,
    logger,
    createApi: async () => api,
    now: () => clock.now,
  });
  const connection = { applyMutation: jest.fn(), refresh: jest.fn() } satisfies EntityProviderConnection;
  return { api, taskRunner, logger, provider, connection };
}

async function sync(context: ReturnType<typeof setup>) {
  context.connection.applyMutation.mockClear();
  await context.taskRunner.runTask();
}

function mutationEntities(connection: { applyMutation: jest.Mock }): RepositoryEntity[] {
  const [[mutation]] = connection.applyMutation.mock.calls;
  const deferred = mutation.type === 'full' ? mutation.entities : mutation.added;
  return deferred.map((d: { entity: RepositoryEntity }) => d.entity);
}

function byRepository(entities: RepositoryEntity[], name: string): RepositoryEntity | undefined {
  return entities.find(entity => entity.spec?.repository === name);
}

describe('AzureDevOpsRepositoriesProvider', () => {
  it('schedules one refresh task named after the profile', async () => {
    const context = setup();
    await context.provider.connect(context.connection);
    expect(context.provider.getProviderName()).toBe('AzureDevOpsRepositoriesProvider:acme');
    expect(context.taskRunner.getTasks().map(task => task.id)).toEqual([
      'AzureDevOpsRepositoriesProvider:acme:refresh',
    ]);
  });

  it('applies a full mutation with one entity per repository, keyed by the provider name', async () => {
    const context = setup();
    await context.provider.connect(context.connection);
    await sync(context);

    expect(context.connection.applyMutation).toHaveBeenCalledTimes(1);
    const [[mutation]] = context.connection.applyMutation.mock.calls;
    expect(mutation.type).toBe('full');
    expect(mutation.entities.map((d: { locationKey: string }) => d.locationKey)).toEqual([
      'AzureDevOpsRepositoriesProvider:acme',
      'AzureDevOpsRepositoriesProvider:acme',
    ]);
    const entities = mutationEntities(context.connection);
    expect(byRepository(entities, 'payments-api')?.spec).toMatchObject({
      owner: 'group:default/team-a',
      system: 'system:default/payments',
      lifecycle: 'production',
      type: 'service',
      applicationContext: { owner: 'team-a', application: 'payments', source: 'Backstage', path: 'catalog-info.yaml' },
    });
    expect(byRepository(entities, 'docs')?.spec.applicationContext).toBeUndefined();
    expect(context.logger.info).toHaveBeenCalledWith(
      expect.stringContaining('2 repositories seen, 2 emitted, 0 skipped, 0 failed, 1 with application context'),
    );
  });

  it.each([
    ['rejected token', azureDevOpsError('unauthorized', 401)],
    ['server error', azureDevOpsError('serverError', 503)],
    ['unreachable host', azureDevOpsError('network')],
  ])('applies no mutation when the listing fails (%s)', async (_name, error) => {
    const context = setup();
    await context.provider.connect(context.connection);
    context.api.listingError = error;
    await expect(sync(context)).rejects.toThrow(error.message);
    expect(context.connection.applyMutation).not.toHaveBeenCalled();
    expect(context.logger.error).toHaveBeenCalledWith(expect.stringContaining(error.message));
  });

  it.each([
    ['the token is rejected', azureDevOpsError('unauthorized', 401)],
    ['Azure DevOps asks for a longer pause than maxRetryAfterSeconds', azureDevOpsError('throttledTooLong')],
  ])('applies no mutation when %s while reading files', async (_name, error) => {
    const context = setup();
    await context.provider.connect(context.connection);
    context.api.fileErrors.set(withFile.id, error);
    await expect(sync(context)).rejects.toThrow(error.message);
    expect(context.connection.applyMutation).not.toHaveBeenCalled();
    expect(context.logger.error).toHaveBeenCalledWith(expect.stringContaining(error.message));
  });

  it('emits a repository without context, with one warning naming the path and the accept rule, when a broker blocks its file', async () => {
    const context = setup();
    await context.provider.connect(context.connection);
    const blocked = new AzureDevOpsError({
      kind: 'blocked',
      statusCode: 401,
      message: 'Azure DevOps organization acme through the broker at broker.example.com: reading /catalog-info.yaml of repository repo-1 in project Payments failed: the broker blocked the request: none of its accept rules allows it; add one for GET /:org/:project/_apis/git/repositories/:repo/items with query parameter path=/catalog-info.yaml',
    });
    context.api.fileErrors.set(withFile.id, blocked);
    await sync(context);

    const [[mutation]] = context.connection.applyMutation.mock.calls;
    expect(mutation.type).toBe('full');
    const entities = mutationEntities(context.connection);
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
    const context = setup();
    await context.provider.connect(context.connection);
    await sync(context);
    const before = byRepository(mutationEntities(context.connection), 'payments-api');

    context.api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-b' } })));
    context.api.fileErrors.set(withFile.id, azureDevOpsError('serverError', 500));
    await sync(context);

    const [[mutation]] = context.connection.applyMutation.mock.calls;
    expect(mutation.type).toBe('full');
    expect(byRepository(mutationEntities(context.connection), 'payments-api')).toEqual(before);
    expect(context.logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/project Payments, repository payments-api, path catalog-info.yaml: .*keeping the last known context/),
    );
  });

  it('leaves a repository untouched with a delta mutation when it fails and nothing is known of it', async () => {
    const context = setup();
    await context.provider.connect(context.connection);
    context.api.fileErrors.set(withFile.id, azureDevOpsError('timeout'));
    await sync(context);

    const [[mutation]] = context.connection.applyMutation.mock.calls;
    expect(mutation).toMatchObject({ type: 'delta', removed: [] });
    expect(mutationEntities(context.connection).map(entity => entity.spec.repository)).toEqual(['docs']);
  });

  it('still removes, in a delta mutation, a repository it emitted that is no longer listed', async () => {
    const context = setup();
    await context.provider.connect(context.connection);
    await sync(context);
    const [docsEntity] = mutationEntities(context.connection).filter(entity => entity.spec.repository === 'docs');

    const newcomer = buildRepository({ id: 'repo-3', name: 'newcomer' });
    context.api.repositories.splice(1, 1, newcomer);
    context.api.fileErrors.set(newcomer.id, azureDevOpsError('timeout'));
    await sync(context);

    const [[mutation]] = context.connection.applyMutation.mock.calls;
    expect(mutation).toMatchObject({
      type: 'delta',
      removed: [{ entityRef: `repository:default/${docsEntity.metadata.name}`, locationKey: 'AzureDevOpsRepositoriesProvider:acme' }],
    });
    expect(mutationEntities(context.connection).map(entity => entity.spec.repository)).toEqual(['payments-api']);
  });

  it('emits a repository without context once its read failed twice with nothing known', async () => {
    const context = setup();
    await context.provider.connect(context.connection);
    context.api.fileErrors.set(withFile.id, azureDevOpsError('timeout'));
    await sync(context);
    expect(context.connection.applyMutation.mock.calls[0][0]).toMatchObject({ type: 'delta' });

    await sync(context);
    expect(context.connection.applyMutation.mock.calls[0][0]).toMatchObject({ type: 'full' });
    const payments = mutationEntities(context.connection).find(entity => entity.spec.repository === 'payments-api');
    expect(payments?.spec).not.toHaveProperty('applicationContext');
  });

  it('takes the context away when the file is removed, and updates it when edited', async () => {
    const context = setup();
    await context.provider.connect(context.connection);
    await sync(context);

    context.api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-b' } })));
    await sync(context);
    expect(byRepository(mutationEntities(context.connection), 'payments-api')?.spec.owner).toBe('group:default/team-b');

    context.api.push(withFile.id, undefined);
    await sync(context);
    const entity = byRepository(mutationEntities(context.connection), 'payments-api');
    expect(entity?.spec.applicationContext).toBeUndefined();
    expect(entity?.spec.owner).toBeUndefined();
  });

  it('warns once, naming profile, project, repository and path, for a file that does not parse', async () => {
    const context = setup();
    context.api.files.set(withFile.id, 'metadata: [unclosed');
    await context.provider.connect(context.connection);
    await sync(context);

    expect(byRepository(mutationEntities(context.connection), 'payments-api')?.spec.applicationContext).toBeUndefined();
    const warnings = context.logger.warn.mock.calls.map(([message]) => message);
    expect(warnings).toEqual([
      expect.stringMatching(/^Profile acme, project Payments, repository payments-api, path catalog-info.yaml: the file does not parse/),
    ]);
  });

  it.each([
    ['its size when announced', false, 'the file has 100 bytes, more than the limit of 10'],
    ['a lower bound when reading stopped at the limit', true, 'the file has at least 11 bytes, more than the limit of 10'],
  ])('warns once for a file over the limit, with %s', async (_name, unannounced, reason) => {
    const context = setup({ backstageCatalog: { maxFileBytes: 10 } });
    context.api.files.set(withFile.id, `# ${'x'.repeat(97)}\n`);
    if (unannounced) context.api.unannouncedSizes.add(withFile.id);
    await context.provider.connect(context.connection);
    await sync(context);

    expect(byRepository(mutationEntities(context.connection), 'payments-api')?.spec.applicationContext).toBeUndefined();
    const warnings = context.logger.warn.mock.calls.map(([message]) => message);
    expect(warnings).toEqual([expect.stringContaining(`path catalog-info.yaml: ${reason}`)]);
  });

  it('applies nothing when the scheduler aborts the sync half-way', async () => {
    const context = setup();
    await context.provider.connect(context.connection);
    const scheduler = new AbortController();
    jest.spyOn(context.api, 'readFile').mockImplementation(async () => {
      scheduler.abort(new Error('the task timed out'));
      return { kind: 'missing' };
    });
    await expect(context.taskRunner.runTask(scheduler.signal)).rejects.toThrow('the task timed out');
    expect(context.connection.applyMutation).not.toHaveBeenCalled();
    expect(context.logger.error).toHaveBeenCalledWith(expect.stringContaining('the task timed out'));
  });

  it('warns at start-up when a token would travel over plain http to another host', () => {
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
    const providers = AzureDevOpsRepositoriesProvider.fromConfig(config, { logger, scheduler: mockServices.scheduler.mock() });
    expect(providers).toHaveLength(3);
    expect(logger.warn.mock.calls).toEqual([
      ['Profile remote: http://tfs.example.com is plain http, so the access token travels in clear text; use https'],
    ]);
  });

  describe('removal guard', () => {
    const many = Array.from({ length: 12 }, (_, n) => buildRepository({ id: `repo-${n}`, name: `service-${n}` }));

    it('holds an empty listing after a full one, and applies it when the next sync confirms it', async () => {
      const context = setup({}, many);
      await context.provider.connect(context.connection);
      await sync(context);
      expect(context.connection.applyMutation.mock.calls[0][0]).toMatchObject({ type: 'full' });

      context.api.repositories.length = 0;
      await sync(context);
      expect(context.connection.applyMutation.mock.calls).toEqual([[{ type: 'delta', added: [], removed: [] }]]);
      expect(context.logger.warn).toHaveBeenCalledWith(
        'Profile acme: this sync would remove 12 of 12 entities, more than maxRemovedPercent (50%); keeping them until the next sync confirms the removal. If the repositories are still there, check the access of the token to their projects',
      );
      expect(context.logger.info).toHaveBeenLastCalledWith(expect.stringContaining('delta mutation (removals held)'));

      await sync(context);
      expect(context.connection.applyMutation.mock.calls).toEqual([[{ type: 'full', entities: [] }]]);
    });

    it('forgets the held removal when the repositories come back', async () => {
      const context = setup({}, many);
      await context.provider.connect(context.connection);
      await sync(context);
      context.api.repositories.length = 0;
      await sync(context);
      context.api.repositories.push(...many);
      await sync(context);
      expect(context.connection.applyMutation.mock.calls[0][0]).toMatchObject({ type: 'full' });
      expect(mutationEntities(context.connection)).toHaveLength(12);
      context.api.repositories.length = 0;
      await sync(context);
      expect(context.connection.applyMutation.mock.calls[0][0]).toMatchObject({ type: 'delta' });
    });

    it.each<[string, number, ProfileOverrides]>([
      ['removing at most half', 6, {}],
      ['with the guard off', 0, { maxRemovedPercent: undefined }],
    ])('applies a full mutation %s', async (_name, left, overrides) => {
      const context = setup(overrides, many);
      await context.provider.connect(context.connection);
      await sync(context);
      context.api.repositories.splice(left);
      await sync(context);
      expect(context.connection.applyMutation.mock.calls[0][0]).toMatchObject({ type: 'full' });
    });
  });

  it('keeps its promise not to throw when the catalog refuses the mutation, and logs one error', async () => {
    const context = setup();
    await context.provider.connect(context.connection);
    context.connection.applyMutation.mockRejectedValueOnce(new Error('SQLITE_BUSY: database is locked'));
    await expect(context.provider.refresh(context.logger)).resolves.toEqual({
      result: 'failed',
      error: expect.stringMatching(/the catalog did not take the result; .*SQLITE_BUSY: database is locked$/),
    });
    expect(context.logger.error).toHaveBeenCalledTimes(1);
    expect(context.logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/^Sync of profile .* the catalog did not take the result; .*SQLITE_BUSY: database is locked$/),
    );
    expect(context.logger.info).not.toHaveBeenCalledWith(expect.stringMatching(/^Synced profile/));
  });

  it('throws to the scheduler after a failed sync, so that the run counts as failed, having logged it once', async () => {
    const context = setup();
    await context.provider.connect(context.connection);
    context.api.listingError = azureDevOpsError('unauthorized', 401);
    await expect(context.taskRunner.runTask()).rejects.toThrow(
      /^Sync of profile Acme cloud \(acme\) failed; the catalog keeps its entities until a sync succeeds: .*simulated unauthorized \(401\)$/,
    );
    expect(context.logger.error).toHaveBeenCalledTimes(1);
    expect(context.connection.applyMutation).not.toHaveBeenCalled();
    context.api.listingError = undefined;
    await expect(context.taskRunner.runTask()).resolves.toBeUndefined();
  });

  it('logs where a long sync stands at every progress interval, and nothing once it ended', async () => {
    const repositories = Array.from({ length: 6 }, (_, index) => buildRepository({ id: `slow-${index}`, name: `slow-${index}` }));
    const api = new FakeAzureDevOpsApi(repositories);
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
    });
    await provider.connect({ applyMutation: jest.fn(), refresh: jest.fn() });
    await taskRunner.runTask();
    const progress = logger.info.mock.calls.map(([line]) => String(line)).filter(line => line.includes('in progress'));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatch(
      /^Sync of profile acme in progress after \d+ s: reading catalog files, [1-6] of 6 repositories, 1,234 requests, 2 retries, 2\.5 s throttled$/,
    );
    const lines = logger.info.mock.calls.length;
    await new Promise(resolve => setTimeout(resolve, 150));
    expect(logger.info.mock.calls.length).toBe(lines);
  });

  it('writes control characters of repository names escaped into log lines', async () => {
    const forged = buildRepository({ id: 'repo-x', name: 'evil\nFAKE LOG LINE' });
    const context = setup({}, [forged]);
    context.api.files.set(forged.id, 'metadata: [unclosed');
    await context.provider.connect(context.connection);
    await sync(context);
    const [[warning]] = context.logger.warn.mock.calls;
    expect(warning).toContain('repository evil\\nFAKE LOG LINE');
    expect(warning).not.toContain('\n');
  });

  it('drops a repository that disappears between listing and reading', async () => {
    const context = setup();
    jest.spyOn(context.api, 'readFile').mockImplementation(async options =>
      options.repositoryId === withFile.id ? { kind: 'repositoryMissing' } : { kind: 'missing' },
    );
    await context.provider.connect(context.connection);
    await sync(context);
    expect(mutationEntities(context.connection).map(entity => entity.spec.repository)).toEqual(['docs']);
  });

  it('emits disabled, empty and forked repositories flagged, and filters what the profile excludes', async () => {
    const repositories = [
      buildRepository({ id: 'a', name: 'archived', isDisabled: true }),
      buildRepository({ id: 'b', name: 'empty', defaultBranch: undefined }),
      buildRepository({ id: 'c', name: 'forked', isFork: true }),
      buildRepository({ id: 'd', name: 'scratch-1' }),
    ];
    const context = setup({ filters: { excludeRepositories: { patterns: ['scratch-*'], expressions: [/^scratch-.*$/i] } } }, repositories);
    await context.provider.connect(context.connection);
    await sync(context);

    const entities = mutationEntities(context.connection);
    expect(entities.map(entity => [entity.spec.repository, entity.spec.disabled, entity.spec.empty, entity.spec.fork])).toEqual([
      ['archived', true, false, false],
      ['empty', false, true, false],
      ['forked', false, false, true],
    ]);
    // No file is read from an empty repository.
    expect(context.api.fileReads.map(read => read.repositoryId)).not.toContain('b');
  });

  it('reads no file when Add Backstage Catalog is off', async () => {
    const context = setup({ backstageCatalog: { enabled: false } });
    await context.provider.connect(context.connection);
    await sync(context);
    expect(context.api.fileReads).toEqual([]);
    expect(byRepository(mutationEntities(context.connection), 'payments-api')?.spec.applicationContext).toBeUndefined();
  });

  it('also emits the entities the file declares with ingestEntities', async () => {
    const context = setup({ backstageCatalog: { ingestEntities: true } });
    await context.provider.connect(context.connection);
    await sync(context);
    const [[mutation]] = context.connection.applyMutation.mock.calls;
    const component = mutation.entities.find((d: { entity: { kind: string } }) => d.entity.kind === 'Component');
    expect(component.entity.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location':
        'url:https://dev.azure.com/acme/Payments/_git/payments-api?path=%2Fcatalog-info.yaml&version=GBmain',
      'dev.azure.com/project-repo': 'Payments/payments-api',
    });
    expect(component.locationKey).toBe('AzureDevOpsRepositoriesProvider:acme');
  });

  it.each([
    ['the original listed first', 'original-first'],
    ['the fork listed first', 'fork-first'],
  ])('emits an entity declared by a repository and its fork once, from the original, with %s (ingestEntities)', async (_name, order) => {
    const fork = buildRepository({ id: 'repo-3', name: 'a-payments-api-fork', isFork: true });
    const context = setup({ backstageCatalog: { ingestEntities: true } }, order === 'fork-first' ? [fork, withFile] : [withFile, fork]);
    context.api.files.set(fork.id, buildCatalogFileYaml(buildCatalogDocument()));
    await context.provider.connect(context.connection);
    await sync(context);
    const [[mutation]] = context.connection.applyMutation.mock.calls;
    const components = mutation.entities.filter((d: { entity: { kind: string } }) => d.entity.kind === 'Component');
    expect(components).toHaveLength(1);
    expect(components[0].entity.metadata.annotations['dev.azure.com/project-repo']).toBe('Payments/payments-api');
    expect(context.logger.warn).toHaveBeenCalledWith(
      'Profile acme, project Payments, repository a-payments-api-fork, path catalog-info.yaml: component:default/payments-api not ingested: already emitted for project Payments, repository payments-api',
    );
  });

  it('leaves an entity with the repository that emitted it when another file, listed first, declares it too (ingestEntities)', async () => {
    // Listed first and first by name: without the last sync's holder, it would take the entity.
    const copy = buildRepository({ id: 'repo-4', name: 'a-copy' });
    const context = setup({ backstageCatalog: { ingestEntities: true } }, [copy, withFile]);
    await context.provider.connect(context.connection);
    await sync(context);
    context.api.push(copy.id, buildCatalogFileYaml(buildCatalogDocument()));
    await sync(context);

    const components = mutationEntities(context.connection).filter(entity => (entity.kind as string) === 'Component');
    expect(components.map(entity => entity.metadata.annotations?.['dev.azure.com/project-repo'])).toEqual(['Payments/payments-api']);
    expect(context.logger.warn).toHaveBeenCalledWith(
      'Profile acme, project Payments, repository a-copy, path catalog-info.yaml: component:default/payments-api not ingested: already emitted for project Payments, repository payments-api',
    );
  });

  describe('ingestEntities cannot be used to hijack', () => {
    const hijacker = buildRepository({ id: 'repo-0', name: 'hijacker' });

    function warnings(context: ReturnType<typeof setup>): string[] {
      return context.logger.warn.mock.calls.map(([message]) => String(message));
    }

    async function victimName(): Promise<string> {
      const context = setup({}, [withFile]);
      await context.provider.connect(context.connection);
      await sync(context);
      return mutationEntities(context.connection)[0].metadata.name;
    }

    it('never lets a file take the ref of a Repository entity, even one listed after it', async () => {
      const name = await victimName();
      // Listed first, and with Repository among the ingested kinds: only the held ref stops it.
      const context = setup({ backstageCatalog: { ingestEntities: true, ingestKinds: ['Component', 'Repository'] } }, [hijacker, withFile]);
      context.api.files.set(
        hijacker.id,
        buildCatalogFileYaml(
          buildCatalogDocument({ metadata: { name: 'hijacker' } }),
          buildCatalogDocument({ apiVersion: 'example.com/v1', kind: 'Repository', metadata: { name } }),
        ),
      );
      await context.provider.connect(context.connection);
      await sync(context);

      const [[mutation]] = context.connection.applyMutation.mock.calls;
      const refs = mutation.entities.map((d: { entity: RepositoryEntity }) => `${d.entity.apiVersion} ${d.entity.kind}:${d.entity.metadata.name}`);
      expect(refs).toEqual([
        'azure-devops-repositories.dev/v1alpha1 Repository:payments-hijacker-e560c486',
        `azure-devops-repositories.dev/v1alpha1 Repository:${name}`,
        'backstage.io/v1alpha1 Component:hijacker',
        'backstage.io/v1alpha1 Component:payments-api',
      ]);
      expect(warnings(context)).toEqual([
        `Profile acme, project Payments, repository hijacker, path catalog-info.yaml: repository:default/${name} not ingested: already emitted for project Payments, repository payments-api`,
      ]);
    });

    it('never lets a file take the ref of a repository left unchanged by a delta mutation', async () => {
      const name = await victimName();
      const context = setup({ backstageCatalog: { ingestEntities: true, ingestKinds: ['Repository'] } }, [hijacker, withFile]);
      context.api.files.set(hijacker.id, buildCatalogFileYaml(buildCatalogDocument({ apiVersion: 'example.com/v1', kind: 'Repository', metadata: { name } })));
      context.api.fileErrors.set(withFile.id, azureDevOpsError('serverError', 503));
      await context.provider.connect(context.connection);
      await sync(context);

      const [[mutation]] = context.connection.applyMutation.mock.calls;
      expect(mutation.type).toBe('delta');
      expect(mutation.added.map((d: { entity: RepositoryEntity }) => d.entity.metadata.name)).toEqual(['payments-hijacker-e560c486']);
      expect(warnings(context)).toContain(
        `Profile acme, project Payments, repository hijacker, path catalog-info.yaml: repository:default/${name} not ingested: already emitted for project Payments, repository payments-api`,
      );
    });

    it('leaves out a Location, a Group and a Repository of this module, one warning each', async () => {
      const context = setup({ backstageCatalog: { ingestEntities: true } }, [hijacker]);
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

      expect(mutationEntities(context.connection).map(entity => entity.kind)).toEqual(['Repository', 'Component']);
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

    async function syncedTwice(context: ReturnType<typeof setup>) {
      await context.provider.connect(context.connection);
      await sync(context);
      context.api.fileReads.length = 0;
      context.api.activityCalls.length = 0;
    }

    it('reads no file again when nothing was pushed, asking once per project', async () => {
      const context = setup({}, [withFile, withoutFile, otherProject]);
      await syncedTwice(context);
      await sync(context);
      expect(context.api.fileReads).toEqual([]);
      expect(context.api.activityCalls.map(call => call.project).sort()).toEqual(['project-2', withFile.project.id].sort());
      expect(byRepository(mutationEntities(context.connection), 'payments-api')?.spec.owner).toBe('group:default/team-a');
      expect(context.logger.info).toHaveBeenLastCalledWith(expect.stringContaining('3 files unchanged, full mutation'));
    });

    it('asks for pushes since an hour before the previous sync started', async () => {
      const clock = { now: Date.parse('2026-11-27T10:00:00Z') };
      const context = setup({}, [withFile], clock);
      await syncedTwice(context);
      clock.now += 30 * 60 * 1000;
      await sync(context);
      expect(context.api.activityCalls.map(call => call.since.toISOString())).toEqual(['2026-11-27T09:00:00.000Z']);
    });

    it('reads again only what was pushed to, and repositories it has not seen', async () => {
      const context = setup({}, [withFile, withoutFile]);
      await syncedTwice(context);
      context.api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-c' } })));
      context.api.repositories.push(otherProject);
      await sync(context);
      expect(context.api.fileReads.map(read => read.repositoryId).sort()).toEqual(['repo-1', 'repo-9']);
      expect(byRepository(mutationEntities(context.connection), 'payments-api')?.spec.owner).toBe('group:default/team-c');
    });

    it('reads again a repository whose default branch changed', async () => {
      const context = setup({}, [withFile]);
      await syncedTwice(context);
      context.api.repositories[0] = { ...withFile, defaultBranch: 'develop' };
      await sync(context);
      expect(context.api.fileReads.map(read => read.branch)).toEqual(['develop']);
    });

    it('reads everything, and stops asking, where project analysis is not available', async () => {
      const context = setup();
      context.api.activityAvailable = false;
      await syncedTwice(context);
      await sync(context);
      await sync(context);
      expect(context.api.activityCalls).toHaveLength(1);
      expect(context.api.fileReads).toHaveLength(4);
      expect(context.logger.info).toHaveBeenCalledWith(expect.stringContaining('project analysis is not available'));
    });

    it('reads everything once a day whatever the activity says', async () => {
      const clock = { now: Date.parse('2026-11-27T10:00:00Z') };
      const context = setup({}, [withFile, withoutFile], clock);
      await syncedTwice(context);
      clock.now += 23 * 60 * 60 * 1000;
      await sync(context);
      expect(context.api.fileReads).toHaveLength(0);
      clock.now += 60 * 60 * 1000;
      await sync(context);
      expect(context.api.fileReads).toHaveLength(2);
    });

    it('reads again a file whose last read failed, although no push happened since', async () => {
      const clock = { now: Date.parse('2026-11-27T10:00:00Z') };
      const context = setup({}, [withFile], clock);
      await syncedTwice(context);
      clock.now += 10 * 60 * 1000;
      context.api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-d' } })), clock.now);
      // The failing sync starts more than an hour after the push, so the next window misses it.
      clock.now += 80 * 60 * 1000;
      context.api.fileErrors.set(withFile.id, azureDevOpsError('timeout'));
      await sync(context);
      expect(byRepository(mutationEntities(context.connection), 'payments-api')?.spec.owner).toBe('group:default/team-a');

      clock.now += 10 * 60 * 1000;
      context.api.fileErrors.clear();
      await sync(context);
      expect(byRepository(mutationEntities(context.connection), 'payments-api')?.spec.owner).toBe('group:default/team-d');
    });

    it('reads everything when the activity listing fails', async () => {
      const context = setup();
      await syncedTwice(context);
      jest.spyOn(context.api, 'listChangedRepositoryIds').mockRejectedValue(azureDevOpsError('serverError', 503));
      await sync(context);
      expect(context.api.fileReads).toHaveLength(2);
      expect(context.connection.applyMutation).toHaveBeenCalledTimes(1);
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

  function setupWithEvents() {
    const logger = mockServices.logger.mock();
    const events = DefaultEventsService.create({ logger, useEventBus: 'never' }).forPlugin('catalog');
    const api = new FakeAzureDevOpsApi([withFile, withoutFile]);
    api.files.set(withFile.id, buildCatalogFileYaml(buildCatalogDocument()));
    const taskRunner = new PersistingTaskRunner();
    const provider = new AzureDevOpsRepositoriesProvider({
      profile: buildProfile(),
      taskRunner,
      logger,
      createApi: async () => api,
      events,
    });
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() } satisfies EntityProviderConnection;
    return { api, events, taskRunner, provider, connection };
  }

  it('subscribes once connected and applies a push to the default branch as a delta mutation', async () => {
    const { api, events, taskRunner, provider, connection } = setupWithEvents();
    await provider.connect(connection);
    await taskRunner.runTask();
    api.push(withFile.id, buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-pushed' } })));
    connection.applyMutation.mockClear();

    await events.publish(pushTo(withFile.id));
    await provider.serviceHooksIdle();

    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    const [[mutation]] = connection.applyMutation.mock.calls;
    expect(mutation).toMatchObject({ type: 'delta', removed: [] });
    expect(mutationEntities(connection).map(entity => entity.spec.applicationContext?.owner)).toEqual(['team-pushed']);
  });

  it('holds an event that arrives during a sync until the sync has applied its mutation', async () => {
    const { api, events, taskRunner, provider, connection } = setupWithEvents();
    await provider.connect(connection);
    let release!: () => void;
    const released = new Promise<void>(resolve => (release = resolve));
    const listRepositories = api.listRepositories.bind(api);
    api.listRepositories = async options => {
      await released;
      return listRepositories(options);
    };

    const syncing = taskRunner.runTask();
    await events.publish(pushTo(withFile.id));
    await new Promise(resolve => setImmediate(resolve));
    expect(api.repositoryCalls).toEqual([]);

    release();
    await syncing;
    await provider.serviceHooksIdle();
    expect(api.repositoryCalls).toHaveLength(1);
    expect(connection.applyMutation.mock.calls.map(([mutation]) => mutation.type)).toEqual(['full', 'delta']);
  });

  it('takes no event after stop', async () => {
    const { api, events, taskRunner, provider, connection } = setupWithEvents();
    await provider.connect(connection);
    await taskRunner.runTask();
    await provider.stop();
    await events.publish(pushTo(withFile.id));
    await provider.serviceHooksIdle();
    expect(api.repositoryCalls).toEqual([]);
  });
});
