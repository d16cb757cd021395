/**
 * Through a Snyk Broker whose accept rules are exactly the README's "Broker accept rules": the
 * module syncs, cold and incremental, without one blocked request. A file read the broker blocks
 * costs that repository its context and one warning naming the rule to add, never the sync; a
 * blocked listing fails the sync cleanly, naming the rule. Against the real catalog on SQLite,
 * the real client and the simulator's broker over loopback.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization, countRepositories } from '../dev/simulator';
import { startCatalogBackend, type CatalogBackend, profilesConfig } from './__testUtils__/catalogBackend';
import { LogCapture, type LogLine } from './__testUtils__/LogCapture';
import { acceptRulesWithout, MODULE_BROKER_ACCEPT_RULES } from './__testUtils__/moduleBrokerAcceptRules';

const BROKER_TOKEN = 'accept-rules-broker-0123456789';
const ORGANIZATION = 'demo';
const PROFILE = 'brokered';
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

describe('a broker with accept rules', () => {
  const logs = new LogCapture();
  let simulator: AzureDevOpsSimulator;
  let knex: Knex;
  let backend: CatalogBackend;
  let repositoryCount: number;

  beforeAll(async () => {
    const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
    repositoryCount = countRepositories(organization);
    simulator = await AzureDevOpsSimulator.start({
      organizations: [organization],
      tokens: [],
      brokerTokens: [BROKER_TOKEN],
      brokerAcceptRules: MODULE_BROKER_ACCEPT_RULES,
    });
    knex = await databases.init('SQLITE_3');
    backend = await startCatalogBackend({
      knex,
      logs,
      config: profilesConfig({
        [PROFILE]: {
          profileName: 'Accept rules',
          organization: ORGANIZATION,
          broker: { url: simulator.url, token: BROKER_TOKEN },
          maxRetries: 0,
          requestTimeoutSeconds: 5,
        },
      }),
    });
    // The start-up token check asks for connectionData, which these rules (the required ones) leave
    // out: the broker refuses it, and the check goes on through the rules the sync needs.
    expect(logs.ofProvider(PROFILE).find(line => line.message.startsWith('Token check'))?.message).toMatch(/^Token check of profile brokered: ok/);
    simulator.resetRequests();
  });

  afterAll(async () => {
    await backend?.stop();
    await simulator?.stop();
  });

  afterEach(() => {
    simulator.clearFaults();
    simulator.setBrokerAcceptRules(MODULE_BROKER_ACCEPT_RULES);
  });

  /** What the provider last handed the catalog, per entity ref, straight from the catalog's table. */
  async function providerView(): Promise<Map<string, { spec?: Record<string, unknown> }>> {
    const rows: Array<{ entity_ref: string; unprocessed_entity: string }> = await knex('refresh_state')
      .where('location_key', `AzureDevOpsRepositoriesProvider:${PROFILE}`)
      .select('entity_ref', 'unprocessed_entity');
    return new Map(rows.map(row => [row.entity_ref, JSON.parse(row.unprocessed_entity)]));
  }

  function contextOf(view: Map<string, { spec?: Record<string, unknown> }>, project: string, repository: string): unknown {
    const entity = [...view.values()].find(candidate => candidate.spec?.project === project && candidate.spec?.repository === repository);
    if (!entity) throw new Error(`no entity for ${project}/${repository}`);
    return entity.spec?.applicationContext;
  }

  /**
   * The profile's warn and error lines since a point, less the one warning every sync repeats on
   * purpose: the demo organization's `broken-catalog` repository holds a file that does not parse.
   */
  function problems(since: number): LogLine[] {
    return logs
      .ofProvider(PROFILE, since)
      .filter(line => line.level === 'error' || line.level === 'warn')
      .filter(line => !/repository broken-catalog, path catalog-info.yaml: the file does not parse/.test(line.message));
  }

  it('syncs cold and then incrementally with exactly the rules the README lists, none blocked', async () => {
    const since = logs.lines.length;
    await backend.sync(PROFILE);
    await backend.sync(PROFILE);

    expect(problems(since)).toEqual([]);
    expect((await providerView()).size).toBe(repositoryCount);
    expect(simulator.requests.filter(request => request.status === 401)).toEqual([]);
    // The second sync took the incremental path: project analysis answered through the broker.
    expect(simulator.requests.some(request => request.route === 'activityMetrics' && request.status === 200)).toBe(true);
    expect(simulator.requests.some(request => request.route === 'items' && request.status === 200)).toBe(true);
  });

  it('emits a repository whose file read the broker blocks without context, with one warning naming the rule', async () => {
    const before = await providerView();
    expect(contextOf(before, 'Commerce', 'api')).toBeDefined();
    simulator.setFile(ORGANIZATION, 'Commerce', 'api', 'README.md', '# pushed\n');
    simulator.addFault({ route: 'items', project: 'Commerce', repository: 'api', response: { type: 'brokerBlocked' } });
    const since = logs.lines.length;
    await backend.sync(PROFILE);

    const after = await providerView();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(contextOf(after, 'Commerce', 'api')).toBeUndefined();
    expect(contextOf(after, 'Platform', 'api')).toEqual(contextOf(before, 'Platform', 'api'));
    const lines = problems(since);
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe('warn');
    expect(lines[0].message).toMatch(/^Profile brokered, project Commerce, repository api, path catalog-info.yaml: /);
    expect(lines[0].message).toContain(
      'the broker blocked the request: none of its accept rules allows it; add one for GET /:org/:project/_apis/git/repositories/:repo/items with query parameter path=/catalog-info.yaml',
    );
    expect(lines[0].message).not.toContain(BROKER_TOKEN);
    expect(logs.ofProvider(PROFILE, since).some(line => /^Synced profile .* 0 unresolved/.test(line.message))).toBe(true);

    // Once the broker lets it through, the next push brings the context back.
    simulator.clearFaults();
    simulator.setFile(ORGANIZATION, 'Commerce', 'api', 'README.md', '# pushed again\n');
    await backend.sync(PROFILE);
    expect(contextOf(await providerView(), 'Commerce', 'api')).toEqual(contextOf(before, 'Commerce', 'api'));
  });

  it('fails the sync cleanly, naming the rule, when the broker blocks the project listing', async () => {
    const before = await providerView();
    simulator.setBrokerAcceptRules(acceptRulesWithout('GET /:org/_apis/projects'));
    const since = logs.lines.length;
    await backend.sync(PROFILE);

    expect(await providerView()).toEqual(before);
    const lines = problems(since);
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe('error');
    expect(lines[0].message).toMatch(/the catalog keeps its entities until a sync succeeds/);
    expect(lines[0].message).toMatch(/listing projects failed: the broker blocked the request: none of its accept rules allows it; add one for GET \/:org\/_apis\/projects/);
  });

  it('lists every rule in the README', () => {
    const readme = readFileSync(path.join(__dirname, '../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Broker accept rules'));
    expect(section.length).toBeLessThan(readme.length);
    for (const rule of MODULE_BROKER_ACCEPT_RULES) {
      expect(section).toContain(`| \`${rule.method}\` | \`${rule.path}\``);
      for (const { queryParam, values } of rule.valid ?? []) expect(section).toContain(`"queryParam": "${queryParam}", "values": ${JSON.stringify(values)}`);
    }
  });
});
