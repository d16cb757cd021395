/**
 * Profiles are isolated: two profiles on two simulators in one real catalog; whatever breaks the
 * `sick` one (a rejected token, a refused connection, a host that never answers, throttling) never
 * changes the `healthy` one's entities nor holds up its sync.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization, countRepositories } from '../dev/simulator';
import { startCatalogBackend, type CatalogBackend } from './__testUtils__/catalogBackend';
import { LogCapture } from './__testUtils__/LogCapture';
import { LoopbackProxy } from './__testUtils__/LoopbackProxy';
import { waitUntil } from './__testUtils__/waitUntil';

const HEALTHY_TOKEN = 'healthy-token-0123456789';
const SICK_TOKEN = 'sick-token-9876543210';
const PROFILE_ANNOTATION = 'azure-devops-repositories.dev/profile';
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

describe('two profiles, one of them failing', () => {
  const logs = new LogCapture();
  let healthy: AzureDevOpsSimulator;
  let sick: AzureDevOpsSimulator;
  let sickProxy: LoopbackProxy;
  let backend: CatalogBackend;

  beforeAll(async () => {
    const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
    healthy = await AzureDevOpsSimulator.start({ organizations: [{ ...organization, name: 'healthy' }], tokens: [HEALTHY_TOKEN] });
    sick = await AzureDevOpsSimulator.start({ organizations: [{ ...organization, name: 'sick' }], tokens: [SICK_TOKEN] });
    sickProxy = await LoopbackProxy.start(sick.url);
    backend = await startCatalogBackend({
      knex: await databases.init('SQLITE_3'),
      logs,
      config: {
        catalog: {
          providers: {
            azureDevOpsRepositories: {
              healthy: { profileName: 'Healthy', organization: 'healthy', apiUrl: healthy.url, token: HEALTHY_TOKEN, maxRetries: 1 },
              sick: { profileName: 'Sick', organization: 'sick', apiUrl: sickProxy.url, token: SICK_TOKEN, maxRetries: 1, requestTimeoutSeconds: 1 },
            },
          },
        },
      },
    });
    await Promise.all([backend.sync('healthy'), backend.sync('sick')]);
    const count = countRepositories(organization);
    await backend.waitForEntities('kind=Repository', found => found.length === 2 * count);
  });

  afterAll(async () => {
    await backend?.stop();
    await sickProxy?.stop();
    await sick?.stop();
    await healthy?.stop();
  });

  function ofProfile(entities: Entity[], profileId: string): Entity[] {
    return entities.filter(entity => entity.metadata.annotations?.[PROFILE_ANNOTATION] === profileId);
  }

  function uids(entities: Entity[]): string[] {
    return entities.map(entity => entity.metadata.uid!).sort();
  }

  it.each<[string, () => unknown, RegExp]>([
    ['its token is rejected', () => sick.setTokens([]), /token was rejected/],
    ['its host refuses connections', () => sickProxy.setMode('refuse'), /ECONNREFUSED/],
    ['its host never answers', () => sickProxy.setMode('blackhole'), /no answer within 1 s/],
    ['it is throttled for a while', () => sick.addFault({ response: { status: 429, headers: { 'Retry-After': '3' } } }), /throttled by Azure DevOps \(429\)/],
  ])('the healthy profile syncs on, unaffected, while the sick one fails: %s', async (name, breakIt, cause) => {
    const before = await backend.entities('kind=Repository');
    const since = logs.lines.length;
    const added = `added-while-sick-${name.replace(/\W+/g, '-')}`;
    healthy.addRepository('healthy', 'Sandbox', { name: added });
    await breakIt();
    try {
      let sickDone = false;
      const sentBefore = sickProxy.sentText().length;
      const sickSync = backend.sync('sick').finally(() => {
        sickDone = true;
      });
      // Let the sick sync get under way (and, when it hangs, get stuck) before the healthy one starts.
      await waitUntil(() => sickDone || sickProxy.sentText().length > sentBefore, 'the sick sync to start');
      await backend.sync('healthy');
      const healthyDoneFirst = !sickDone;
      await sickSync;

      // The healthy profile's change arrived; nothing else of it changed.
      const after = await backend.waitForEntities('kind=Repository', found =>
        ofProfile(found, 'healthy').some(entity => entity.spec?.repository === added),
      );
      const healthyBefore = ofProfile(before, 'healthy');
      const healthyAfter = ofProfile(after, 'healthy').filter(entity => entity.spec?.repository !== added);
      expect(uids(healthyAfter)).toEqual(uids(healthyBefore));
      expect(healthyAfter.map(entity => entity.spec).sort(bySpec)).toEqual(healthyBefore.map(entity => entity.spec).sort(bySpec));
      // The sick profile's entities all stay.
      expect(uids(ofProfile(after, 'sick'))).toEqual(uids(ofProfile(before, 'sick')));

      const healthyProblems = logs.ofProvider('healthy', since).filter(line => line.level !== 'info' && line.level !== 'debug');
      expect(healthyProblems.filter(line => !/broken-catalog/.test(line.message))).toEqual([]);
      const sickErrors = logs.ofProvider('sick', since).filter(line => line.level === 'error');
      expect(sickErrors).toHaveLength(1);
      expect(sickErrors[0].message).toMatch(/^Sync of profile Sick \(sick\) failed; /);
      expect(sickErrors[0].message).toMatch(cause);
      // Slow failures (a silent host, a long Retry-After) did not hold up the healthy sync.
      if (/never answers|throttled/.test(name)) expect(healthyDoneFirst).toBe(true);
    } finally {
      sick.clearFaults();
      sick.setTokens([SICK_TOKEN]);
      await sickProxy.setMode('forward');
    }
  });
});

function bySpec(a: Entity['spec'], b: Entity['spec']): number {
  return String(a?.repositoryId).localeCompare(String(b?.repositoryId));
}
