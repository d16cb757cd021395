import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_VIEW_URL,
  EntityPolicies,
  FieldFormatEntityPolicy,
  KubernetesValidatorFunctions,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import {
  buildAttributes,
  buildCatalogDocument,
  buildCatalogFileYaml,
  buildProfile,
  buildRepository,
  REPOSITORY_ID,
  type CatalogDocumentOverrides,
  type ProfileOverrides,
} from '../__testUtils__/builders';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { RepositoryEntityProcessor } from '../processor/RepositoryEntityProcessor';
import { HOST_ORG_ANNOTATION, PROFILE_ANNOTATION, PROJECT_REPO_ANNOTATION } from './annotations';
import { applicationContextFromDocuments } from './applicationContextFromDocuments';
import { catalogFileFromYaml } from './catalogFileFromYaml';
import type { RepositoryEntity } from './RepositoryEntity';
import {
  hostOrgAnnotationValue,
  repositoryEntityFromRepository,
  type RepositoryCatalogFileFacts,
  type RepositoryEntityResult,
  type RepositoryInsightFacts,
} from './repositoryEntityFromRepository';

const WEB_URL = 'https://dev.azure.com/acme/Payments/_git/payments-api';

/** Runs the whole mapping from file text, as the provider does. */
function mapWithFile(
  yaml: string,
  options: { repository?: Partial<AzureDevOpsRepository>; profile?: ProfileOverrides } = {},
): RepositoryEntityResult {
  const profile = buildProfile(options.profile);
  const file = catalogFileFromYaml(yaml, { path: 'catalog-info.yaml' });
  if (file.kind !== 'parsed') {
    throw new Error(`test file does not parse: ${JSON.stringify(file)}`);
  }
  const catalogFile = applicationContextFromDocuments(file.documents, {
    path: 'catalog-info.yaml',
    attributes: profile.backstageCatalog.attributes,
  });
  return repositoryEntityFromRepository(buildRepository(options.repository), { profile, catalogFile });
}

function mapComponent(overrides: CatalogDocumentOverrides = {}, profile?: ProfileOverrides) {
  return mapWithFile(buildCatalogFileYaml(buildCatalogDocument(overrides)), { profile });
}

function mapWithoutFile(repository?: Partial<AzureDevOpsRepository>, profile?: ProfileOverrides) {
  return repositoryEntityFromRepository(buildRepository(repository), { profile: buildProfile(profile) });
}

function entityOf(result: RepositoryEntityResult): RepositoryEntity {
  if ('skipped' in result) {
    throw new Error(`unexpectedly skipped: ${result.skipped}`);
  }
  return result.entity;
}

function warningsOf(result: RepositoryEntityResult): string[] {
  return 'warnings' in result ? result.warnings : [];
}

describe('repositoryEntityFromRepository', () => {
  it('builds the whole entity of a repository with a catalog file', () => {
    expect(mapComponent()).toEqual({
      entity: {
        apiVersion: 'azure-devops-repositories.dev/v1alpha1',
        kind: 'Repository',
        metadata: {
          name: 'payments-payments-api-ab14347f',
          title: 'Payments API',
          description: 'Git repository payments-api in project Payments of the Azure DevOps organization acme.',
          links: [
            { url: WEB_URL, title: 'Repository', icon: 'catalog' },
            { url: `${WEB_URL}/pullrequests`, title: 'Pull requests', icon: 'chat' },
            { url: 'https://dev.azure.com/acme/Payments/_build', title: 'Pipelines', icon: 'dashboard' },
            { url: `${WEB_URL}/branches`, title: 'Branches', icon: 'kind:location' },
          ],
          annotations: {
            [ANNOTATION_LOCATION]: `url:${WEB_URL}`,
            [ANNOTATION_ORIGIN_LOCATION]: `url:${WEB_URL}`,
            [ANNOTATION_VIEW_URL]: WEB_URL,
            [ANNOTATION_SOURCE_LOCATION]: `url:${WEB_URL}`,
            [PROJECT_REPO_ANNOTATION]: 'Payments/payments-api',
            [HOST_ORG_ANNOTATION]: 'dev.azure.com/acme',
            [PROFILE_ANNOTATION]: 'acme',
          },
        },
        spec: {
          organization: 'acme',
          project: 'Payments',
          repository: 'payments-api',
          repositoryId: REPOSITORY_ID,
          defaultBranch: 'main',
          empty: false,
          disabled: false,
          fork: false,
          visibility: 'private',
          type: 'service',
          lifecycle: 'production',
          owner: 'group:default/team-a',
          system: 'system:default/payments',
          applicationContext: {
            name: 'payments-api',
            title: 'Payments API',
            category: 'service',
            lifecycle: 'production',
            owner: 'team-a',
            application: 'payments',
            source: 'Backstage',
            path: 'catalog-info.yaml',
          },
          declaredEntities: ['component:default/payments-api'],
        },
      },
      warnings: [],
    });
  });

  it('builds a repository without a catalog file from Azure DevOps facts alone', () => {
    const entity = entityOf(mapWithoutFile());

    expect(entity.metadata.title).toBe('payments-api');
    expect(entity.spec).toEqual({
      organization: 'acme',
      project: 'Payments',
      repository: 'payments-api',
      repositoryId: REPOSITORY_ID,
      defaultBranch: 'main',
      empty: false,
      disabled: false,
      fork: false,
      visibility: 'private',
    });
  });

  it.each([
    ['an empty repository', { defaultBranch: undefined }, { empty: true }],
    ['a disabled repository', { isDisabled: true }, { disabled: true }],
    ['a fork', { isFork: true }, { fork: true }],
    [
      'a repository of a public project',
      { project: { id: 'p', name: 'Open', visibility: 'public' as const } },
      { visibility: 'public', project: 'Open' },
    ],
  ])('describes %s', (_name, repository, spec) => {
    const entity = entityOf(mapWithoutFile(repository));

    expect(entity.spec).toMatchObject(spec);
    expect(KubernetesValidatorFunctions.isValidObjectName(entity.metadata.name)).toBe(true);
  });

  it('leaves defaultBranch out of an empty repository instead of setting it undefined', () => {
    expect(entityOf(mapWithoutFile({ defaultBranch: undefined })).spec).not.toHaveProperty('defaultBranch');
  });

  describe('as the catalog UI shows it', () => {
    /** The catalog's own entity policies, as it applies them to every entity it stores. */
    const catalogPolicies = EntityPolicies.allOf([
      new SchemaValidEntityPolicy(),
      new FieldFormatEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
    ]);
    const WHERE = 'payments-api in project Payments of the Azure DevOps organization acme';
    const GENERATED = `Git repository ${WHERE}`;

    it.each<[string, CatalogDocumentOverrides | undefined, Partial<AzureDevOpsRepository>, string, string]>([
      ['a file with a description', { metadata: { description: 'Takes card payments.' } }, {}, 'Payments API', 'Takes card payments.'],
      ['a file without one', {}, {}, 'Payments API', `${GENERATED}.`],
      ['no file', undefined, {}, 'payments-api', `${GENERATED}.`],
      ['a fork carrying its parent\'s file', { metadata: { description: 'Takes card payments.' } }, { isFork: true }, 'Payments API (fork)', 'Takes card payments.'],
      ['a fork without a file', undefined, { isFork: true }, 'payments-api (fork)', `${GENERATED}, a fork.`],
      ['a fork whose parent is known', undefined, { isFork: true, parent: { id: 'x', name: 'payments', project: 'Core' } }, 'payments-api (fork)', `${GENERATED}, a fork of Core/payments.`],
      ['a disabled repository', undefined, { isDisabled: true }, 'payments-api', `Disabled Git repository ${WHERE}.`],
      ['an empty repository', undefined, { defaultBranch: undefined }, 'payments-api', `Empty Git repository ${WHERE}.`],
    ])('titles and describes %s', async (_name, document, repository, title, description) => {
      const entity = entityOf(
        document
          ? mapWithFile(buildCatalogFileYaml(buildCatalogDocument(document)), { repository })
          : mapWithoutFile(repository),
      );

      expect(entity.metadata).toMatchObject({ title, description });
      await expect(new RepositoryEntityProcessor().validateEntityKind(entity)).resolves.toBe(true);
      await expect(catalogPolicies.enforce(entity)).resolves.toBe(entity);
    });

    it('tells a fork apart from the parent whose catalog file it carries', () => {
      const yaml = buildCatalogFileYaml(buildCatalogDocument());
      const parent = entityOf(mapWithFile(yaml));
      const fork = entityOf(mapWithFile(yaml, { repository: { id: 'f0', name: 'payments-api-fork', isFork: true } }));

      expect(fork.metadata.title).not.toBe(parent.metadata.title);
      expect(fork.metadata.tags).toEqual(['fork']);
      expect(fork.spec.applicationContext?.title).toBe(parent.spec.applicationContext?.title);
    });

    it.each<[string, Partial<AzureDevOpsRepository>, RepositoryInsightFacts | undefined, string[] | undefined]>([
      ['no tags to an ordinary repository without languages', {}, undefined, undefined],
      ['the flags of a disabled fork', { isFork: true, isDisabled: true }, undefined, ['fork', 'disabled']],
      ['the empty flag', { defaultBranch: undefined }, {}, ['empty']],
      ['flags before languages', { isFork: true }, { languages: [{ name: 'Go', percentage: 90 }, { name: 'Shell', percentage: 10 }] }, ['fork', 'go', 'shell']],
      ['a language spelled like a flag once', { isFork: true }, { languages: [{ name: 'Fork', percentage: 60 }, { name: 'C#', percentage: 40 }] }, ['fork', 'c#']],
    ])('gives %s', async (_name, repository, facts, tags) => {
      const entity = entityOf(
        repositoryEntityFromRepository(buildRepository(repository), {
          profile: buildProfile(),
          ...(facts ? { insights: { facts, now: Date.parse('2026-11-30T12:00:00Z') } } : {}),
        }),
      );

      if (tags) expect(entity.metadata.tags).toEqual(tags);
      else expect(entity.metadata).not.toHaveProperty('tags');
      await expect(catalogPolicies.enforce(entity)).resolves.toBe(entity);
    });

    it('keeps the flag tags with languages off', () => {
      const entity = entityOf(
        repositoryEntityFromRepository(buildRepository({ isDisabled: true }), {
          profile: buildProfile({ insights: { languages: false } }),
          insights: { facts: { languages: [{ name: 'Go', percentage: 100 }] }, now: 0 },
        }),
      );
      expect(entity.metadata.tags).toEqual(['disabled']);
    });

    it.each<[string, Partial<AzureDevOpsRepository>, string[]]>([
      ['every link of an ordinary repository', {}, ['Repository', 'Pull requests', 'Pipelines', 'Branches']],
      ['the repository link alone of a disabled one', { isDisabled: true }, ['Repository']],
      ['the repository link alone of an empty one', { defaultBranch: undefined }, ['Repository']],
    ])('links %s', async (_name, repository, titles) => {
      const entity = entityOf(mapWithoutFile(repository));

      expect(entity.metadata.links?.map(link => link.title)).toEqual(titles);
      expect(entity.metadata.links?.[0]).toEqual({ url: WEB_URL, title: 'Repository', icon: 'catalog' });
      await expect(catalogPolicies.enforce(entity)).resolves.toBe(entity);
    });
  });

  describe('owner', () => {
    it.each([
      ['a short name', 'team-a', undefined, 'group:default/team-a'],
      ['a short name in a namespaced file', 'team-a', 'payments', 'group:payments/team-a'],
      ['namespace/name', 'platform/team-x', 'payments', 'group:platform/team-x'],
      ['a full ref', 'group:platform/team-x', 'payments', 'group:platform/team-x'],
      ['a user', 'user:jane.doe', undefined, 'user:default/jane.doe'],
      ['mixed case', 'Team-A', undefined, 'group:default/team-a'],
    ])('resolves %s the way Backstage resolves a Component owner', (_name, owner, namespace, ref) => {
      const result = mapComponent({ metadata: { namespace }, spec: { owner } });

      expect(entityOf(result).spec.owner).toBe(ref);
      expect(entityOf(result).spec.applicationContext?.owner).toBe(owner);
      expect(warningsOf(result)).toEqual([]);
    });

    it('resolves owner team-a of a Component in namespace payments to group:payments/team-a', () => {
      const yaml = [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        '  name: payments-api',
        '  namespace: payments',
        'spec:',
        '  owner: team-a',
      ].join('\n');

      expect(entityOf(mapWithFile(yaml)).spec.owner).toBe('group:payments/team-a');
    });

    it.each([
      ['no owner in the file', { owner: undefined }, 'group:default/platform', []],
      ['a non-string owner', { owner: 42 }, 'group:default/platform', []],
      ['an owner that is no entity ref', { owner: 'Team A' }, 'group:default/platform', ['owner "Team A" is not a valid entity ref; left out of spec']],
      ['an owner in the file', { owner: 'team-a' }, 'group:default/team-a', []],
    ])('with defaultOwner set and %s, is %s', (_name, spec, owner, warnings) => {
      const result = mapComponent({ spec }, { defaultOwner: 'group:default/platform' });

      expect(entityOf(result).spec.owner).toBe(owner);
      expect(warningsOf(result)).toEqual(warnings);
    });

    it('falls back to defaultOwner for a repository without a catalog file', () => {
      expect(entityOf(mapWithoutFile({}, { defaultOwner: 'group:default/platform' })).spec.owner).toBe(
        'group:default/platform',
      );
    });

    it('leaves an unusable owner out, with a warning, when there is no defaultOwner', () => {
      const result = mapComponent({ spec: { owner: 'Team A' } });

      expect(entityOf(result).spec).not.toHaveProperty('owner');
      expect(entityOf(result).spec.applicationContext?.owner).toBe('Team A');
      expect(warningsOf(result)).toEqual(['owner "Team A" is not a valid entity ref; left out of spec']);
    });
  });

  describe('system', () => {
    it.each([
      ['a short name', 'payments', undefined, 'system:default/payments'],
      ['a short name in a namespaced file', 'payments', 'finance', 'system:finance/payments'],
      ['namespace/name', 'core/ledger', 'finance', 'system:core/ledger'],
      ['a full ref', 'system:core/ledger', undefined, 'system:core/ledger'],
    ])('resolves %s with System as default kind', (_name, system, namespace, ref) => {
      expect(entityOf(mapComponent({ metadata: { namespace }, spec: { system } })).spec.system).toBe(ref);
    });

    it('leaves an unusable application out, with a warning', () => {
      const result = mapComponent({ spec: { system: 'group:' } });

      expect(entityOf(result).spec).not.toHaveProperty('system');
      expect(warningsOf(result)).toEqual(['application "group:" is not a valid entity ref; left out of spec']);
    });
  });

  it('takes metadata.description from the file, as written but trimmed', async () => {
    const entity = entityOf(mapComponent({ metadata: { description: 'Takes card payments.\nSee the runbook.\n' } }));

    expect(entity.metadata.description).toBe('Takes card payments.\nSee the runbook.');
    expect(entity.spec.applicationContext?.description).toBe('Takes card payments.\nSee the runbook.');
    await expect(new RepositoryEntityProcessor().validateEntityKind(entity)).resolves.toBe(true);
  });

  it.each([
    ['title', { metadata: { title: undefined } }, (e: RepositoryEntity) => e.metadata.title, 'payments-api'],
    ['type', { spec: { type: undefined } }, (e: RepositoryEntity) => e.spec.type, undefined],
    ['lifecycle', { spec: { lifecycle: undefined } }, (e: RepositoryEntity) => e.spec.lifecycle, undefined],
  ])('without %s in the file, falls back or leaves it out', (_name, overrides, read, expected) => {
    expect(read(entityOf(mapComponent(overrides)))).toBe(expected);
  });

  it('attaches only the attributes the profile selects', () => {
    const attributes = buildAttributes().filter(attribute => attribute.id === 'lifecycle');
    const entity = entityOf(mapComponent({}, { backstageCatalog: { attributes } }));

    expect(entity.metadata.title).toBe('payments-api');
    expect(entity.spec.applicationContext).toEqual({
      lifecycle: 'production',
      source: 'Backstage',
      path: 'catalog-info.yaml',
    });
    expect(entity.spec).not.toHaveProperty('owner');
    expect(entity.spec).not.toHaveProperty('system');
    expect(entity.spec).not.toHaveProperty('type');
  });

  it.each([
    ['a file declaring several entities', ['system:default/payments', 'component:payments/payments-api'], true],
    ['a file declaring none', [], false],
  ])('links %s', (_name, declaredEntities, present) => {
    const catalogFile: RepositoryCatalogFileFacts = { namespace: 'default', declaredEntities };
    const entity = entityOf(
      repositoryEntityFromRepository(buildRepository(), { profile: buildProfile(), catalogFile }),
    );

    if (present) {
      expect(entity.spec.declaredEntities).toEqual(declaredEntities);
    } else {
      expect(entity.spec).not.toHaveProperty('declaredEntities');
    }
    expect(entity.spec).not.toHaveProperty('applicationContext');
  });

  it('lets Azure DevOps facts win over anything the file says', () => {
    const entity = entityOf(
      mapComponent({
        metadata: {
          name: 'evil',
          namespace: 'other',
          annotations: { [ANNOTATION_LOCATION]: 'url:https://evil.example.com/' },
        },
        spec: { organization: 'other', repository: 'other', visibility: 'public', owner: 'team-a' },
      }),
    );

    expect(entity.metadata.name).toBe('payments-payments-api-ab14347f');
    expect(entity.metadata).not.toHaveProperty('namespace');
    expect(entity.metadata.annotations?.[ANNOTATION_LOCATION]).toBe(`url:${WEB_URL}`);
    expect(entity.spec).toMatchObject({ organization: 'acme', repository: 'payments-api', visibility: 'private' });
    expect(entity.spec.applicationContext?.name).toBe('evil');
  });

  describe('a file that gets a ref wrong', () => {
    const good = buildCatalogDocument();
    it.each([
      ['a declared name with spaces', buildCatalogDocument({ kind: 'API', metadata: { name: 'my api' } })],
      ['a declared name of 70 characters', buildCatalogDocument({ kind: 'API', metadata: { name: 'a'.repeat(70) } })],
      ['a declared bad namespace', buildCatalogDocument({ kind: 'API', metadata: { name: 'x', namespace: 'Bad_NS' } })],
      ['a declared bad kind', buildCatalogDocument({ kind: 'Not-A-Kind', metadata: { name: 'x' } })],
    ])('still yields an entity the processor accepts, with everything else the file gives (%s)', async (_name, bad) => {
      const entity = entityOf(mapWithFile(buildCatalogFileYaml(good, bad)));

      expect(entity.spec).toMatchObject({
        owner: 'group:default/team-a',
        system: 'system:default/payments',
        lifecycle: 'production',
        type: 'service',
        declaredEntities: ['component:default/payments-api'],
      });
      expect(entity.metadata.title).toBe('Payments API');
      await expect(new RepositoryEntityProcessor().validateEntityKind(entity)).resolves.toBe(true);
    });

    it.each([
      ['an owner of 70 characters', { owner: 'a'.repeat(70) }, `owner "${'a'.repeat(70)}" is not a valid entity ref; left out of spec`],
      ['an owner in a bad namespace', { owner: 'Bad_NS/team-a' }, 'owner "Bad_NS/team-a" is not a valid entity ref; left out of spec'],
      ['a system with spaces', { system: 'the shop' }, 'application "the shop" is not a valid entity ref; left out of spec'],
    ])('leaves out %s with one warning, and the processor accepts the entity', async (_name, spec, warning) => {
      const result = mapComponent({ spec });

      expect(warningsOf(result)).toEqual([warning]);
      expect(entityOf(result).spec.declaredEntities).toEqual(['component:default/payments-api']);
      await expect(new RepositoryEntityProcessor().validateEntityKind(entityOf(result))).resolves.toBe(true);
    });
  });

  it.each([
    ['an owner', { spec: { owner: `team-${'a'.repeat(1100)}` } }, (e: RepositoryEntity) => e.spec.owner, 'group:default/platform'],
    ['a title', { metadata: { title: 'T'.repeat(1100) } }, (e: RepositoryEntity) => e.metadata.title, 'payments-api'],
    ['a system', { spec: { system: 's'.repeat(1100) } }, (e: RepositoryEntity) => e.spec.system, undefined],
    [
      'a description',
      { metadata: { description: 'd'.repeat(1100) } },
      (e: RepositoryEntity) => e.metadata.description,
      'Git repository payments-api in project Payments of the Azure DevOps organization acme.',
    ],
  ])('falls back as if absent for %s over 1 KiB', (_name, overrides, read, expected) => {
    const entity = entityOf(mapComponent(overrides, { defaultOwner: 'group:default/platform' }));

    expect(read(entity)).toBe(expected);
    expect(JSON.stringify(entity).length).toBeLessThan(4096);
  });

  it.each([
    ['Azure DevOps Services', 'https://dev.azure.com', 'acme', 'dev.azure.com/acme'],
    ['Azure DevOps Server below /tfs', 'https://tfs.example.com/tfs', 'DefaultCollection', 'tfs.example.com/tfs/DefaultCollection'],
    ['Azure DevOps Server with a port', 'https://tfs.example.com:8443/tfs', 'Coll', 'tfs.example.com:8443/tfs/Coll'],
    ['Azure DevOps Server at the root', 'https://ado.example.com', 'Coll', 'ado.example.com/Coll'],
    ['an apiUrl with a trailing slash', 'https://tfs.example.com/tfs/', 'Coll', 'tfs.example.com/tfs/Coll'],
  ])('sets dev.azure.com/host-org for %s', (_name, apiUrl, organization, value) => {
    const profile = buildProfile({ apiUrl, organization });

    expect(hostOrgAnnotationValue(profile)).toBe(value);
    expect(entityOf(mapWithoutFile({}, { apiUrl, organization })).metadata.annotations?.[HOST_ORG_ANNOTATION]).toBe(
      value,
    );
  });

  it.each([
    ['an empty id', { id: '' }, 'the repository has no id or no name'],
    ['an empty name', { name: ' ' }, 'the repository has no id or no name'],
    ['a web URL that is no URL', { webUrl: 'not a url' }, 'the repository web URL "not a url" is not an http(s) URL'],
    ['a web URL of another scheme', { webUrl: 'ssh://acme@vs-ssh.visualstudio.com/v3/acme/P/r' }, expect.stringContaining('not an http(s) URL')],
  ])('skips a repository with %s', (_name, repository, skipped) => {
    expect(mapWithoutFile(repository)).toEqual({ skipped });
  });

  it('returns plain JSON: nothing undefined, nothing lost in a round trip', () => {
    for (const result of [
      mapComponent(),
      mapComponent({ metadata: { title: undefined }, spec: { owner: undefined, system: 42 } }),
      mapWithoutFile({ defaultBranch: undefined }),
    ]) {
      const entity = entityOf(result);
      expect(JSON.parse(JSON.stringify(entity))).toEqual(entity);
      expect(JSON.stringify(entity)).not.toContain('undefined');
    }
  });

  it('neither modifies its input nor shares objects with it', () => {
    const repository = deepFreeze(buildRepository());
    const profile = deepFreeze(buildProfile({ defaultOwner: 'group:default/platform' }));
    const catalogFile = deepFreeze<RepositoryCatalogFileFacts>({
      context: { owner: 'team-a', source: 'Backstage', path: 'catalog-info.yaml' },
      namespace: 'default',
      declaredEntities: ['component:default/payments-api'],
    });

    const entity = entityOf(repositoryEntityFromRepository(repository, { profile, catalogFile }));
    entity.spec.applicationContext!.owner = 'changed';
    entity.spec.declaredEntities!.push('component:default/other');

    expect(catalogFile.context?.owner).toBe('team-a');
    expect(catalogFile.declaredEntities).toEqual(['component:default/payments-api']);
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
    Object.freeze(value);
  }
  return value;
}

describe('repositoryEntityFromRepository with insights', () => {
  const NOW = Date.parse('2026-11-30T12:00:00Z');
  const daysAgo = (days: number) => new Date(NOW - days * 24 * 60 * 60 * 1000).toISOString();
  const LANGUAGES = [
    { name: 'C#', percentage: 71.5 },
    { name: 'TypeScript', percentage: 28.5 },
  ];

  function mapWithInsights(facts: RepositoryInsightFacts, profile?: ProfileOverrides, repository?: Partial<AzureDevOpsRepository>) {
    return entityOf(repositoryEntityFromRepository(buildRepository(repository), { profile: buildProfile(profile), insights: { facts, now: NOW } }));
  }

  it.each<[string, number, string]>([
    ['active', 10, 'active'],
    ['inactive', 120, 'inactive'],
    ['dormant', 400, 'dormant'],
  ])('sets lastCommitAt, freshness %s, languages with their tags, and the contributor count', async (_, age, freshness) => {
    const entity = mapWithInsights({ commits: { lastCommitAt: daysAgo(age), contributors: 3 }, languages: LANGUAGES });
    expect(entity.spec).toMatchObject({
      lastCommitAt: daysAgo(age),
      freshness,
      languages: LANGUAGES,
      contributors: { count: 3, windowDays: 90 },
    });
    expect(entity.metadata.tags).toEqual(['c#', 'typescript']);
    await expect(new RepositoryEntityProcessor().validateEntityKind(entity)).resolves.toBe(true);
  });

  it('gives an empty repository no lastCommitAt and freshness unknown', async () => {
    const entity = mapWithInsights({ commits: { contributors: 0 } }, {}, { defaultBranch: undefined });
    expect(entity.spec).not.toHaveProperty('lastCommitAt');
    expect(entity.spec).toMatchObject({ freshness: 'unknown', contributors: { count: 0, windowDays: 90 } });
    await expect(new RepositoryEntityProcessor().validateEntityKind(entity)).resolves.toBe(true);
  });

  it('says unknown, and counts nobody, while no commit data was read; no languages, no tags', () => {
    const entity = mapWithInsights({});
    expect(entity.spec.freshness).toBe('unknown');
    expect(entity.spec).not.toHaveProperty('contributors');
    expect(entity.spec).not.toHaveProperty('languages');
    expect(entity.metadata).not.toHaveProperty('tags');
  });

  it.each<[string, ProfileOverrides['insights'], string[]]>([
    ['freshness off', { freshness: false }, ['lastCommitAt', 'freshness']],
    ['languages off', { languages: false }, ['languages']],
    ['contributors off', { contributors: false }, ['contributors']],
  ])('leaves the fields out with %s', (_, insights, absent) => {
    const entity = mapWithInsights({ commits: { lastCommitAt: daysAgo(1), contributors: 2 }, languages: LANGUAGES }, { insights });
    for (const field of absent) expect(entity.spec).not.toHaveProperty(field);
    if (insights?.languages === false) expect(entity.metadata).not.toHaveProperty('tags');
  });

  it('sets no insight field without insight facts', () => {
    const entity = entityOf(mapWithoutFile());
    for (const field of ['lastCommitAt', 'freshness', 'languages', 'contributors']) expect(entity.spec).not.toHaveProperty(field);
  });
});
