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
import { startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
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
      config: {
        catalog: {
          providers: {
            azureDevOpsRepositories: {
              [PROFILE]: {
                profileName: 'Catalog files',
                organization: ORGANIZATION,
                apiUrl: `${simulator.url}/`,
                token: TOKEN,
                maxRetries: 0,
                requestTimeoutSeconds: 5,
                backstageCatalog: { ingestEntities: true },
              },
            },
          },
        },
      },
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
});
