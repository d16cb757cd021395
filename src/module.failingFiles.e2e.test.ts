/**
 * A repository whose catalog file keeps failing must not freeze its profile: against the real
 * catalog, a backend that restarts knowing nothing (its sync state dropped, or the first start of
 * a version that keeps one) still applies a deletion while another repository's file answers 403
 * or a 404 HTML page (at once), or 503 (one sync later).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization, type FaultResponse, countRepositories } from '../dev/simulator';
import { demoProfileConfig, startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';
import { PROFILES_TABLE, REPOSITORIES_TABLE } from './state/SyncStateStore';

const TOKEN = 'e2e-failing-files-123456';
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

const FORBIDDEN: FaultResponse = {
  type: 'error',
  status: 403,
  typeKey: 'UnauthorizedRequestException',
  message: "TF401027: You need the Git 'GenericRead' permission to perform this action.",
};
const UNAVAILABLE: FaultResponse = { type: 'error', status: 503, typeKey: 'ServiceUnavailableException', message: 'TF400898: An internal error occurred.' };
/** A 404 that is no Azure DevOps error (no envelope): nothing says the file is missing. */
const PAGE_NOT_FOUND: FaultResponse = { type: 'pageNotFound404' };
const OUTAGE_PAGE: FaultResponse = { type: 'outage503' };

function repositoryNames(entities: Entity[]): string[] {
  return entities.map(entity => `${entity.spec?.project}/${entity.spec?.repository}`).sort();
}

describe.each([
  ['403, a lasting failure', FORBIDDEN, 1, /failed and will not pass by itself; .*access denied \(403\)/],
  ['404 with an HTML page, a lasting failure', PAGE_NOT_FOUND, 1, /failed and will not pass by itself; .*not found \(404\): an HTML page titled "Page not found\."/],
  ['503, a passing one that does not pass', UNAVAILABLE, 2, /failed again; .*answered 503 after 0 retries: TF400898/],
  ['the outage page (503), a passing one that does not pass', OUTAGE_PAGE, 2, /failed again; .*answered 503 after 0 retries: an HTML page titled "Azure DevOps Services Unavailable"/],
] as const)('a catalog file that keeps answering %s', (_name, failure, syncsUntilDeleted, logged) => {
  let simulator: AzureDevOpsSimulator;
  let knex: Knex;
  let backend: CatalogBackend | undefined;
  const logs = new LogCapture();
  const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
  const repositoryCount = countRepositories(organization);

  beforeAll(async () => {
    simulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [TOKEN] });
    knex = await databases.init('SQLITE_3');
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator.stop();
  });

  function start(): Promise<CatalogBackend> {
    return startCatalogBackend({
      knex,
      config: demoProfileConfig({ apiUrl: simulator.url, token: TOKEN, maxRetries: 0 }),
      logs,
    });
  }

  it(`lets a deletion through within ${syncsUntilDeleted} sync(s) of a restart`, async () => {
    backend = await start();
    await backend.sync('demo');
    const before = await backend.waitForEntities('kind=Repository', found => found.length === repositoryCount);
    expect(repositoryNames(before)).toContain('Commerce/checkout-web');
    await backend.stop();
    await knex(REPOSITORIES_TABLE).delete();
    await knex(PROFILES_TABLE).delete();

    // While the backend is down: one repository is deleted, another's file starts failing.
    expect(simulator.removeRepository('demo', 'Commerce', 'new-service')).toBe(true);
    simulator.addFault({ route: 'items', repository: 'checkout-web', response: failure });

    backend = await start();
    for (let sync = 1; sync <= syncsUntilDeleted; sync++) await backend.sync('demo');
    // The failing repository stays, without the context its file would give.
    const withoutContext = (entities: Entity[]) =>
      entities.some(entity => entity.spec?.repository === 'checkout-web' && !entity.spec.applicationContext);
    const after = await backend.waitForEntities(
      'kind=Repository',
      found => found.length === repositoryCount - 1 && withoutContext(found),
    );
    expect(repositoryNames(after)).not.toContain('Commerce/new-service');
    expect(logs.text()).toContain(
      'Profile demo, project Commerce, repository checkout-web, path catalog-info.yaml: reading the catalog file',
    );
    expect(logs.text()).toMatch(logged);
  });
});
