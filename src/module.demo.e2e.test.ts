/**
 * The demo `npm start` serves, as a Backstage frontend reads it: the demo profile and the demo
 * location of dev/app-config.demo.yaml, the simulator's demo organization, and the real catalog on
 * SQLite. A frontend warns "Entities not found" on every page whose owner, system or other related
 * entity the catalog does not hold; here every relation of every entity must name one it does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { parse as parseYaml } from 'yaml';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, countRepositories, loadOrganization } from '../dev/simulator';
import { startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';

const DEV = join(__dirname, '..', 'dev');

/** The demo config as npm start reads it, pointed at this simulator; the location made absolute. */
function demoConfig(simulatorUrl: string): JsonObject {
  const text = readFileSync(join(DEV, 'app-config.demo.yaml'), 'utf8');
  const config = parseYaml(text.replace('${AZURE_DEVOPS_SIMULATOR_URL}', simulatorUrl)) as {
    catalog: { locations: Array<{ type: string; target: string }> };
  };
  for (const location of config.catalog.locations) {
    if (location.type === 'file') location.target = join(DEV, '..', location.target);
  }
  return config as unknown as JsonObject;
}

/** `<relation> <target>` of every relation whose target the catalog does not hold. */
function unresolved(entities: Entity[]): string[] {
  const refs = new Set(entities.map(entity => stringifyEntityRef(entity)));
  return entities.flatMap(entity =>
    (entity.relations ?? [])
      .filter(relation => !refs.has(relation.targetRef))
      .map(relation => `${stringifyEntityRef(entity)} ${relation.type} ${relation.targetRef}`),
  );
}

/**
 * Whether the catalog has stitched the relations of every entity that points somewhere: an entity
 * not yet stitched has none, and would pass for one whose targets all resolve.
 */
function stitched(entity: Entity): boolean {
  const spec = entity.spec ?? {};
  const types = new Set((entity.relations ?? []).map(relation => relation.type));
  return (
    (spec.owner === undefined || types.has('ownedBy')) &&
    (spec.system === undefined || types.has('partOf')) &&
    (spec.declaredEntities === undefined || types.has('declares'))
  );
}

describe('the demo of npm start', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });
  const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
  let simulator: AzureDevOpsSimulator;
  let backend: CatalogBackend;

  beforeAll(async () => {
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization] });
    backend = await startCatalogBackend({ knex: await databases.init('SQLITE_3'), config: demoConfig(simulator.url) });
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  it('holds every entity a demo entity points at: owners, systems, declared entities', async () => {
    await backend.sync('demo');
    let entities: Entity[] = [];
    try {
      entities = await backend.waitForEntities(
        '',
        found =>
          found.filter(entity => entity.kind === 'Repository').length === countRepositories(organization) &&
          found.every(stitched) &&
          unresolved(found).length === 0,
      );
    } catch (error) {
      // Say which targets are missing rather than only that the state was never reached.
      expect(unresolved(await backend.entities())).toEqual([]);
      throw error;
    }

    expect(entities.map(entity => stringifyEntityRef(entity))).toEqual(
      expect.arrayContaining(['group:default/platform-team', 'system:default/commerce', 'system:default/mobile', 'system:default/platform']),
    );
    // defaultOwner gives every repository an owner, so every Repository page shows one.
    const repositories = entities.filter(entity => entity.kind === 'Repository');
    expect(repositories.filter(entity => !entity.relations?.some(relation => relation.type === 'ownedBy'))).toEqual([]);
  });

  it('gives every row of the table a title, a description and tags that tell it apart', async () => {
    const repositories = await backend.entities('kind=Repository');
    const row = (project: string, repository: string) => {
      const found = repositories.find(entity => entity.spec?.project === project && entity.spec?.repository === repository);
      if (!found) throw new Error(`No entity for ${project}/${repository}`);
      const { title, description, tags = [], links = [] } = found.metadata;
      return { title, description, tags, links: links.map(link => link.title) };
    };

    expect(row('Mobile Apps', 'ios-app')).toMatchObject({ title: 'iOS app', links: ['Repository', 'Pull requests', 'Pipelines', 'Branches'] });
    expect(row('Mobile Apps', 'ios-app-fork')).toMatchObject({
      title: 'iOS app (fork)',
      description: 'Git repository ios-app-fork in project Mobile Apps of the Azure DevOps organization demo, a fork.',
      tags: expect.arrayContaining(['fork']),
    });
    expect(row('Platform', 'api').description).toBe('Public REST API of the platform.');
    expect(row('Platform', 'legacy-monolith')).toMatchObject({ tags: expect.arrayContaining(['disabled']), links: ['Repository'] });
    expect(row('Commerce', 'new-service')).toMatchObject({ tags: ['empty'], links: ['Repository'] });
    expect(repositories.filter(entity => !entity.metadata.description)).toEqual([]);
    expect(new Set(repositories.map(entity => `${entity.metadata.title} ${entity.metadata.description}`)).size).toBe(repositories.length);
  });
});
