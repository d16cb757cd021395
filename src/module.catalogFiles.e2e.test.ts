/**
 * Catalog files are written by anyone who can push to a repository of the organization: nothing
 * they say is trusted. Each test writes a hostile file into the simulator's organization, syncs
 * through the real client and the real catalog on SQLite, and asserts what the provider handed the
 * catalog, what the catalog serves, and what was logged.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { AzureDevOpsSimulator, organizationFromYaml } from '../dev/simulator';
import { startCatalogBackend, type CatalogBackend, profilesConfig } from './__testUtils__/catalogBackend';
import { LogCapture, type LogLine } from './__testUtils__/LogCapture';

const TOKEN = 'catalog-files-token-0123456789';
const ORGANIZATION = 'files';
const PROFILE = 'files';
const PROVIDER = `AzureDevOpsRepositoriesProvider:${PROFILE}`;
const WHERE = (repository: string) => `Profile ${PROFILE}, project Shop, repository ${repository}, path catalog-info.yaml`;

const LONG_NAME = 'n'.repeat(70);

const ORGANIZATION_YAML = `
organization: ${ORGANIZATION}
projects:
  - name: Shop
    repositories:
      - name: bad-refs
        files:
          catalog-info.yaml: |
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: shop-web
              title: Shop web
            spec:
              type: website
              lifecycle: production
              owner: team-shop
              system: shop
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: my service
            spec: { type: service, lifecycle: production, owner: team-shop }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ${LONG_NAME}
            spec: { type: service, lifecycle: production, owner: team-shop }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: API
            metadata:
              name: shop-api
              namespace: Bad_Namespace
            spec: { type: openapi, lifecycle: production, owner: team-shop, definition: x }
      - name: victim
        files:
          catalog-info.yaml: |
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: victim-web
            spec: { type: website, lifecycle: production, owner: team-victim }
      - name: hijacker
        files:
          catalog-info.yaml: |
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: hijacker-web
            spec: { type: website, lifecycle: production, owner: team-hijack }
`;

/** What the hijacker's file says once it turns hostile; `VICTIM` is the victim's Repository name. */
const HOSTILE_FILE = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: hijacker-web
spec: { type: website, lifecycle: production, owner: team-hijack }
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: hijacker-api
spec: { type: openapi, lifecycle: production, owner: team-hijack, definition: x }
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: hijack-location
spec: { type: url, target: 'https://example.com/evil/catalog-info.yaml' }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: admins
spec: { type: team, children: [] }
---
apiVersion: azure-devops-repositories.dev/v1alpha1
kind: Repository
metadata:
  name: VICTIM
spec:
  organization: evil
  project: Shop
  repository: victim
  repositoryId: 00000000-0000-4000-8000-000000000000
  defaultBranch: main
  empty: false
  disabled: false
  fork: false
  visibility: public
  owner: group:default/team-hijack
---
apiVersion: azure-devops-repositories.dev/v1alpha1
kind: Repository
metadata:
  name: fresh-repository
spec: { organization: evil, project: Shop, repository: fresh, repositoryId: x, empty: true, disabled: false, fork: false, visibility: public }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: victim-web
spec: { type: website, lifecycle: production, owner: team-hijack }
`;

const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

describe('catalog files on the real catalog', () => {
  const logs = new LogCapture();
  let simulator: AzureDevOpsSimulator;
  let knex: Knex;
  let backend: CatalogBackend;

  beforeAll(async () => {
    simulator = await AzureDevOpsSimulator.start({
      organizations: [organizationFromYaml(ORGANIZATION_YAML, 'catalog files')],
      tokens: [TOKEN],
    });
    knex = await databases.init('SQLITE_3');
    backend = await startCatalogBackend({
      knex,
      logs,
      config: profilesConfig({
        [PROFILE]: {
          profileName: 'Catalog files',
          organization: ORGANIZATION,
          apiUrl: `${simulator.url}/`,
          token: TOKEN,
          maxRetries: 0,
          requestTimeoutSeconds: 5,
          backstageCatalog: { ingestEntities: true },
        },
      }),
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  /** The provider's warn and error lines since a point. */
  function problems(since: number): LogLine[] {
    return logs.lines.slice(since).filter(line => line.meta.target === PROVIDER && (line.level === 'warn' || line.level === 'error'));
  }

  function repositoryEntity(name: string): Promise<Entity> {
    return backend
      .waitForEntities(`kind=Repository,spec.repository=${name}`, found => found.length === 1)
      .then(([entity]) => entity);
  }

  /** What the provider last handed the catalog, by ref, straight from the catalog's table. */
  async function providerView(): Promise<Map<string, Entity>> {
    const rows: Array<{ entity_ref: string; unprocessed_entity: string }> = await knex('refresh_state')
      .where('location_key', PROVIDER)
      .select('entity_ref', 'unprocessed_entity');
    return new Map(rows.map(row => [row.entity_ref, JSON.parse(row.unprocessed_entity) as Entity]));
  }

  it('emits the Repository of a file declaring invalid entities, without them, with one warning each', async () => {
    const since = logs.lines.length;
    await backend.sync(PROFILE);

    const entity = await repositoryEntity('bad-refs');
    expect(entity.metadata.title).toBe('Shop web');
    expect(entity.spec).toMatchObject({
      type: 'website',
      lifecycle: 'production',
      owner: 'group:default/team-shop',
      system: 'system:default/shop',
      declaredEntities: ['component:default/shop-web'],
      applicationContext: { name: 'shop-web', title: 'Shop web', owner: 'team-shop', application: 'shop' },
    });
    expect((entity.relations ?? []).map(relation => `${relation.type} ${relation.targetRef}`).sort()).toEqual([
      'declares component:default/shop-web',
      'ownedBy group:default/team-shop',
      'partOf system:default/shop',
    ]);
    expect(problems(since).map(line => `${line.level} ${line.message}`)).toEqual([
      `warn ${WHERE('bad-refs')}: declared entity "Component:default/my service" is not a valid entity ref; left out`,
      `warn ${WHERE('bad-refs')}: declared entity "Component:default/${LONG_NAME}" is not a valid entity ref; left out`,
      `warn ${WHERE('bad-refs')}: declared entity "API:Bad_Namespace/shop-api" is not a valid entity ref; left out`,
    ]);
  });

  it('ingests only allowed kinds, never a Repository of this module, never a ref already held', async () => {
    await backend.sync(PROFILE);
    const victim = await repositoryEntity('victim');
    const victimRef = `repository:default/${victim.metadata.name}`;
    simulator.setFile(ORGANIZATION, 'Shop', 'hijacker', 'catalog-info.yaml', HOSTILE_FILE.replace('VICTIM', victim.metadata.name));

    const since = logs.lines.length;
    await backend.sync(PROFILE);

    const view = await providerView();
    expect([...view.keys()].filter(ref => !ref.startsWith('repository:')).sort()).toEqual([
      'api:default/hijacker-api',
      'component:default/hijacker-web',
      'component:default/shop-web',
      'component:default/victim-web',
    ]);
    // The victim's entity is the one Azure DevOps describes, not the file's impostor.
    expect(view.get(victimRef)).toMatchObject({
      apiVersion: 'azure-devops-repositories.dev/v1alpha1',
      metadata: { annotations: { 'backstage.io/view-url': victim.metadata.annotations?.['backstage.io/view-url'] } },
      spec: { organization: ORGANIZATION, repository: 'victim', repositoryId: victim.spec?.repositoryId },
    });
    expect(view.get('component:default/victim-web')?.metadata.annotations?.['dev.azure.com/project-repo']).toBe('Shop/victim');
    expect(view.has('repository:default/fresh-repository')).toBe(false);

    const hijacker = `${WHERE('hijacker')}: `;
    expect(problems(since).filter(line => line.message.startsWith(hijacker)).map(line => `${line.level} ${line.message.slice(hijacker.length)}`)).toEqual([
      'warn location:default/hijack-location not ingested: its kind is not in backstageCatalog.ingestKinds (Component, API, Resource, System, Domain)',
      'warn group:default/admins not ingested: its kind is not in backstageCatalog.ingestKinds (Component, API, Resource, System, Domain)',
      `warn ${victimRef} not ingested: only this module emits azure-devops-repositories.dev/v1alpha1 entities`,
      'warn repository:default/fresh-repository not ingested: only this module emits azure-devops-repositories.dev/v1alpha1 entities',
      'warn component:default/victim-web not ingested: already emitted for project Shop, repository victim',
    ]);

    // The catalog serves the victim as Azure DevOps describes it, and nothing the hijacker smuggled.
    await backend.waitForEntities('kind=API', found => found.some(entity => entity.metadata.name === 'hijacker-api'));
    expect((await repositoryEntity('victim')).spec).toMatchObject({ organization: ORGANIZATION, repository: 'victim' });
    expect(await backend.entities('kind=Location,metadata.name=hijack-location')).toEqual([]);
    expect(await backend.entities('kind=Group')).toEqual([]);
  });

  it('bounds what one file puts on its repository and into the catalog: 100 entities, values of 1 KiB', async () => {
    const documents = Array.from({ length: 150 }, (_, index) =>
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        `  name: many-${index}`,
        ...(index === 0 ? [`  title: ${'T'.repeat(2000)}`] : []),
        'spec: { type: service, lifecycle: production, owner: team-many }',
      ].join('\n'),
    );
    simulator.addRepository(ORGANIZATION, 'Shop', { name: 'many', files: { 'catalog-info.yaml': documents.join('\n---\n') } });

    const since = logs.lines.length;
    await backend.sync(PROFILE);

    const entity = await repositoryEntity('many');
    expect(entity.metadata.title).toBe('many');
    expect(entity.spec?.owner).toBe('group:default/team-many');
    expect(entity.spec?.applicationContext).not.toHaveProperty('title');
    const declared = entity.spec?.declaredEntities as string[];
    expect(declared).toHaveLength(100);
    expect([declared[0], declared[99]]).toEqual(['component:default/many-0', 'component:default/many-99']);
    const ingested = [...(await providerView()).keys()].filter(ref => ref.startsWith('component:default/many-'));
    expect(ingested.sort()).toEqual([...declared].sort());
    expect(problems(since).filter(line => line.message.includes('repository many,')).map(line => `${line.level} ${line.message}`)).toEqual([
      `warn ${WHERE('many')}: the file declares 150 entities, more than the limit of 100; the rest are left out`,
      `warn ${WHERE('many')}: metadata.title is 2000 bytes, more than the limit of 1024; left out`,
    ]);
  });
});
