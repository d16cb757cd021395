/**
 * A listing is data only when it looks like one: a 200 whose body has no `value` array is a
 * malformed answer, never an empty organization. Against the real catalog on SQLite, the real
 * client and the simulator over loopback, for a PAT profile (one organization-wide listing) and a
 * broker profile (the project listing, then one repository listing per project): the sync fails,
 * the catalog keeps every entity, and one error line says why.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization, type Fault, countRepositories } from '../dev/simulator';
import { startCatalogBackend, type CatalogBackend, profilesConfig } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';

const PAT = 'listings-pat-0123456789';
const BROKER_TOKEN = 'listings-broker-9876543210';
const ORGANIZATION = 'demo';
const PROFILE_ANNOTATION = 'azure-devops-repositories.dev/profile';
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

const BODIES = [
  ['{}', {}],
  ['{"count":0}', { count: 0 }],
  ['{"value":null}', { value: null }],
] as const;

/** Which listing answers the body, per profile. */
const LISTINGS: Array<{ profileId: 'pat' | 'brokered'; listing: string; fault: (body: object) => Fault; operation: RegExp }> = [
  { profileId: 'pat', listing: 'the repository listing', fault: body => ({ route: 'repositories', response: { status: 200, body } }), operation: /listing repositories failed/ },
  { profileId: 'brokered', listing: 'the project listing', fault: body => ({ route: 'projects', response: { status: 200, body } }), operation: /listing projects failed/ },
  {
    profileId: 'brokered',
    listing: "one project's repository listing",
    fault: body => ({ route: 'repositories', project: 'Commerce', response: { status: 200, body } }),
    operation: /listing repositories of project [0-9a-f-]+ failed/,
  },
];

describe('a listing without a value array', () => {
  const logs = new LogCapture();
  let simulator: AzureDevOpsSimulator;
  let knex: Knex;
  let backend: CatalogBackend;
  let repositoryCount: number;

  beforeAll(async () => {
    const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
    repositoryCount = countRepositories(organization);
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [PAT], brokerTokens: [BROKER_TOKEN] });
    knex = await databases.init('SQLITE_3');
    const common = { organization: ORGANIZATION, maxRetries: 0, requestTimeoutSeconds: 5 };
    backend = await startCatalogBackend({
      knex,
      logs,
      config: profilesConfig({
        pat: { ...common, profileName: 'Listings PAT', apiUrl: simulator.url, token: PAT },
        brokered: { ...common, profileName: 'Listings broker', broker: { url: simulator.url, token: BROKER_TOKEN } },
      }),
    });
    await Promise.all([backend.sync('pat'), backend.sync('brokered')]);
    await backend.waitForEntities('kind=Repository', found => found.length === 2 * repositoryCount);
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  afterEach(() => simulator.clearFaults());

  function ofProfile(entities: Entity[], profileId: string): Entity[] {
    return entities.filter(entity => entity.metadata.annotations?.[PROFILE_ANNOTATION] === profileId);
  }

  /** What the provider last handed the catalog, straight from the catalog's table. */
  async function providerView(profileId: string): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await knex('refresh_state')
      .where('location_key', `AzureDevOpsRepositoriesProvider:${profileId}`)
      .select('entity_ref');
    return rows.map(row => row.entity_ref).sort();
  }

  const rows = LISTINGS.flatMap(listing => BODIES.map(([name, body]) => [`${listing.listing} of ${listing.profileId} answers ${name}`, listing, body] as const));

  it.each(rows)('%s: the sync fails, every entity stays, one error line', async (_name, listing, body) => {
    const { profileId } = listing;
    const viewBefore = await providerView(profileId);
    const servedBefore = ofProfile(await backend.entities('kind=Repository'), profileId).map(entity => entity.metadata.uid!).sort();
    expect(viewBefore).toHaveLength(repositoryCount);
    const since = logs.lines.length;

    simulator.addFault(listing.fault(body));
    await backend.sync(profileId);

    expect(await providerView(profileId)).toEqual(viewBefore);
    const served = ofProfile(await backend.entities('kind=Repository'), profileId).map(entity => entity.metadata.uid!).sort();
    expect(served).toEqual(servedBefore);
    const problems = logs.ofProvider(profileId, since).filter(line => line.level === 'error' || line.level === 'warn');
    expect(problems).toHaveLength(1);
    expect(problems[0].level).toBe('error');
    expect(problems[0].message).toMatch(/the catalog keeps its entities until a sync succeeds/);
    expect(problems[0].message).toMatch(listing.operation);
    expect(problems[0].message).toMatch(/the answer has no "value" list/);
  });
});
