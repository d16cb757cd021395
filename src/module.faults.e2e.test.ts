/**
 * The fault matrix: every way Azure DevOps (or the road to it) can fail, each row against the real
 * catalog on SQLite, the real client and the simulator over loopback. One backend serves the whole
 * matrix, with two profiles broken the same way at once: `pat` (a personal access token) and
 * `brokered` (a Snyk Broker-style URL holding the broker token), each through a proxy that can
 * refuse connections or swallow them. After each row: what the provider handed the catalog, what
 * the catalog serves, and what was logged; then the fault heals and the next sync must bring the
 * catalog back to the truth.
 *
 * The tokens are recognizable, and at the end no log line, entity or request may hold them except
 * where they must be: the PAT in the Authorization header to the configured host, the broker token
 * in the path of requests to the broker.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import {
  AzureDevOpsSimulator,
  DEMO_ORGANIZATION_FIXTURE,
  deterministicGuid,
  loadOrganization,
  type FaultResponse,
} from '../dev/simulator';
import { MAX_LISTING_BYTES } from './client/bodyLimits';
import { startCatalogBackend, type CatalogBackend, profilesConfig } from './__testUtils__/catalogBackend';
import { LogCapture, type LogLine } from './__testUtils__/LogCapture';
import { LoopbackProxy } from './__testUtils__/LoopbackProxy';
import { waitUntil } from './__testUtils__/waitUntil';

const PAT = 'SECRET-PAT-e2f0c1d9a7b3';
const BROKER_TOKEN = 'SECRET-BROKER-5c8d2e7f41';
/** Every spelling of the PAT a request or a message could carry. */
const PAT_FORMS = [PAT, Buffer.from(`PAT:${PAT}`).toString('base64'), Buffer.from(`:${PAT}`).toString('base64')];
const ORGANIZATION = 'demo';
const PROFILE_ANNOTATION = 'azure-devops-repositories.dev/profile';

/** One broken way to Azure DevOps: a profile, its simulator and the proxy in front of it. */
interface Target {
  kind: 'pat' | 'broker';
  profileId: string;
  profileName: string;
  simulator: AzureDevOpsSimulator;
  proxy: LoopbackProxy;
  /** Grants or revokes the profile's credential at the simulator. */
  setCredentialAccepted(accepted: boolean): void;
  /**
   * Lets the profile's credential expire: every answer becomes the 401 `AccessCheckException` of an
   * expired PAT (for the broker profile, as if the PAT the broker adds had expired).
   */
  expireCredential(): void;
  /** The repository listing as the profile's client receives it, per listing request. */
  listings(): Promise<Array<{ project?: string; value: unknown[] }>>;
}

interface Row {
  name: string;
  /** Breaks one target; runs for each target before the sync. */
  break(target: Target): void | Promise<void>;
  /** Runs beside the sync, to break things while it is under way. */
  during?(target: Target): Promise<void>;
  /** What the profile's warn and error lines say. */
  cause: RegExp;
  /**
   * `listingFails`: the sync applies nothing and logs one error. `fileFails`: the sync applies the
   * last known state of the repositories it could not read, with one warning each. `synced`: the
   * fault is absorbed (retries) and the sync succeeds. `clean`: the odd answers are read as they
   * should be, the sync succeeds without a warning and changes nothing. `hostile`: the listing is
   * the truth, however odd.
   */
  outcome: 'listingFails' | 'fileFails' | 'synced' | 'clean' | 'hostile';
  /** Add and remove a repository during the outage, so that recovery has something to catch up on. */
  truthMoves?: boolean;
}

const UNAVAILABLE_503: FaultResponse = { status: 503, body: { message: 'TF400898: An internal error occurred.', typeKey: 'ServiceUnavailableException' } };

/** Pushes to every readable repository, so the next (incremental) sync reads every catalog file again. */
function pushToEveryRepository(target: Target, note: string): void {
  for (const project of target.simulator.organization(ORGANIZATION).projects) {
    for (const repository of project.repositories) {
      if (repository.defaultBranch !== undefined && !repository.isDisabled) {
        target.simulator.setFile(ORGANIZATION, project.name, repository.name, 'README.md', `# ${note}\n`);
      }
    }
  }
}

/** Waits until the simulator answered `count` file reads with 200 since `since`. */
function fileReadsAnswered(simulator: AzureDevOpsSimulator, since: number, count: number): Promise<void> {
  const answered = () => simulator.requests.filter(request => request.route === 'items' && request.status === 200 && request.time >= since);
  return waitUntil(() => answered().length >= count, 'the sync to read catalog files');
}

const ROWS: Row[] = [
  { name: 'the listing fails with 500', outcome: 'listingFails', truthMoves: true, cause: /listing .*failed: Azure DevOps answered 500 after 1 retries: boom/, break: t => void t.simulator.addFault({ route: 'repositories', response: { status: 500, body: { message: 'boom', typeKey: 'ServerException' } } }) },
  { name: 'the listing fails with 503', outcome: 'listingFails', cause: /answered 503 after 1 retries: TF400898/, break: t => void t.simulator.addFault({ route: 'repositories', response: UNAVAILABLE_503 }) },
  { name: 'the listing never answers (timeout)', outcome: 'listingFails', truthMoves: true, cause: /listing .*failed: no answer within 1 s/, break: t => void t.simulator.addFault({ route: 'repositories', response: { type: 'hang' } }) },
  { name: 'the connection is reset', outcome: 'listingFails', cause: /listing .*failed: .*(ECONNRESET|cut)/, break: t => void t.simulator.addFault({ route: 'repositories', response: { type: 'reset' } }) },
  { name: 'the listing is malformed JSON', outcome: 'listingFails', cause: /JSON answer does not parse/, break: t => void t.simulator.addFault({ route: 'repositories', response: { type: 'malformedJson' } }) },
  { name: 'the listing is cut off mid-body', outcome: 'listingFails', cause: /listing .*failed: .*(ECONNRESET|no answer within|cut|does not parse|aborted)/, break: t => void t.simulator.addFault({ route: 'repositories', response: { type: 'truncated' } }) },
  { name: 'the listing is larger than 256 MiB', outcome: 'listingFails', cause: /listing .*failed: the answer has 268435457 bytes, more than the limit of 268435456 bytes \(256 MiB\)/, break: t => void t.simulator.addFault({ route: 'repositories', response: { type: 'oversized', bytes: MAX_LISTING_BYTES + 1 } }) },
  { name: 'an HTML page comes back with 200', outcome: 'listingFails', cause: /expected JSON, got text\/html/, break: t => void t.simulator.addFault({ route: 'repositories', response: { type: 'html200' } }) },
  { name: 'the outage page comes back with 503 ("Azure DevOps Services Unavailable")', outcome: 'listingFails', cause: /listing .*failed: Azure DevOps answered 503 after 1 retries: an HTML page titled "Azure DevOps Services Unavailable"$/, break: t => void t.simulator.addFault({ route: 'repositories', response: { type: 'outage503' } }) },
  { name: 'the listing answers 404 with an HTML page', outcome: 'listingFails', cause: /listing .*failed: not found \(404\): an HTML page titled "Page not found\."; check the organization name and apiUrl$/, break: t => void t.simulator.addFault({ route: 'repositories', response: { type: 'pageNotFound404' } }) },
  { name: 'every JSON answer comes behind a UTF-8 byte order mark', outcome: 'clean', cause: /^$/, break: t => {
    pushToEveryRepository(t, 'byte order marks');
    t.simulator.addFault({ response: { type: 'byteOrderMark' } });
  } },
  { name: 'a sign-in page comes back with 203', outcome: 'listingFails', cause: /answered 203 with a sign-in page .*token was rejected. Check its expiry and scopes/, break: t => void t.simulator.addFault({ route: 'repositories', response: { type: 'signIn203' } }) },
  {
    name: 'the token is revoked (401)',
    outcome: 'listingFails',
    truthMoves: true,
    cause: /token rejected by Azure DevOps \(401.*check its expiry and scopes \(Code \(read\) and Project and Team \(read\)\)/,
    break: t => {
      t.simulator.setAuthFailure('401');
      t.setCredentialAccepted(false);
    },
  },
  {
    name: 'the token has expired (401 AccessCheckException behind a byte order mark)',
    outcome: 'listingFails',
    truthMoves: true,
    cause: /listing .*failed: the token has expired \(401, Access Denied: The Personal Access Token used has expired\.\); renew it, with the scopes Code \(read\) and Project and Team \(read\)$/,
    break: t => t.expireCredential(),
  },
  { name: 'a 401 with an empty body', outcome: 'listingFails', cause: /listing .*failed: token rejected by Azure DevOps \(401 with an empty body: the token is revoked, expired or lacks a scope\); check its expiry and scopes/, break: t => void t.simulator.addFault({ route: 'repositories', response: { type: 'unauthorizedEmpty401' } }) },
  { name: 'access is denied (403)', outcome: 'listingFails', cause: /access denied \(403\): TF401027.*the token needs Code \(read\) and Project and Team \(read\)/, break: t => void t.simulator.addFault({ response: { type: 'error', status: 403, typeKey: 'UnauthorizedRequestException', message: 'TF401027: You need the Git GenericRead permission to perform this action.' } }) },
  { name: 'the organization does not exist (404)', outcome: 'listingFails', cause: /not found \(404\): .*does not exist.*check the organization name and apiUrl/, break: t => void t.simulator.addFault({ response: { type: 'error', status: 404, typeKey: 'OrganizationNotFoundException', message: `TF400813: The organization '${ORGANIZATION}' does not exist.` } }) },
  {
    name: 'the token expires in the middle of a sync',
    outcome: 'listingFails',
    truthMoves: true,
    cause: /token (was )?rejected.*expiry and scopes/,
    break: t => {
      pushToEveryRepository(t, 'token expiry');
      t.simulator.addFault({ route: 'items', response: { type: 'delay', ms: 300 } });
    },
    during: async t => {
      await fileReadsAnswered(t.simulator, Date.now(), 2);
      t.setCredentialAccepted(false);
    },
  },
  {
    name: 'the token expires (401 AccessCheckException) in the middle of a sync',
    outcome: 'listingFails',
    cause: /reading \/catalog-info.yaml of repository .* failed: the token has expired \(401, Access Denied: The Personal Access Token used has expired\.\)/,
    break: t => {
      pushToEveryRepository(t, 'token expiry, AccessCheckException');
      t.simulator.addFault({ route: 'items', response: { type: 'delay', ms: 300 } });
    },
    during: async t => {
      await fileReadsAnswered(t.simulator, Date.now(), 2);
      t.expireCredential();
    },
  },
  { name: 'the apiUrl refuses connections', outcome: 'listingFails', truthMoves: true, cause: /ECONNREFUSED/, break: t => t.proxy.setMode('refuse') },
  { name: 'the host never answers', outcome: 'listingFails', cause: /no answer within 1 s/, break: t => t.proxy.setMode('blackhole') },
  { name: 'a 429 storm with Retry-After', outcome: 'listingFails', cause: /throttled by Azure DevOps \(429\) after 1 retries: TF400733/, break: t => void t.simulator.addFault({ route: 'repositories', response: { status: 429, headers: { 'Retry-After': '1' }, body: { message: 'TF400733: The request has been blocked.' } } }) },
  { name: 'a 429 storm without Retry-After', outcome: 'listingFails', cause: /throttled by Azure DevOps \(429\) after 1 retries/, break: t => void t.simulator.addFault({ route: 'repositories', response: { status: 429 } }) },
  { name: 'one 429 with Retry-After, then answers', outcome: 'synced', cause: /^$/, break: t => void t.simulator.addFault({ route: 'repositories', times: 1, response: { status: 429, headers: { 'Retry-After': '1' } } }) },
  {
    name: "one repository's catalog file fails transiently (503)",
    outcome: 'fileFails',
    cause: /project Commerce, repository api, path catalog-info.yaml: reading the catalog file failed, keeping the last known context: .*answered 503 after 1 retries/,
    break: t => {
      t.simulator.setFile(ORGANIZATION, 'Commerce', 'api', 'README.md', '# pushed\n');
      t.simulator.addFault({ route: 'items', project: 'Commerce', repository: 'api', response: UNAVAILABLE_503 });
    },
  },
  {
    name: "one repository's catalog file answers the outage page (503)",
    outcome: 'fileFails',
    cause: /project Commerce, repository api, path catalog-info.yaml: reading the catalog file failed, keeping the last known context: .*answered 503 after 1 retries: an HTML page titled "Azure DevOps Services Unavailable"$/,
    break: t => {
      t.simulator.setFile(ORGANIZATION, 'Commerce', 'api', 'README.md', '# pushed during the outage\n');
      t.simulator.addFault({ route: 'items', project: 'Commerce', repository: 'api', response: { type: 'outage503' } });
    },
  },
  {
    name: "one repository's catalog file answers 404 with an HTML page",
    outcome: 'fileFails',
    cause: /project Commerce, repository api, path catalog-info.yaml: reading the catalog file failed, keeping the last known context: .*not found \(404\): an HTML page titled "Page not found\."/,
    break: t => {
      t.simulator.setFile(ORGANIZATION, 'Commerce', 'api', 'README.md', '# pushed behind a proxy\n');
      t.simulator.addFault({ route: 'items', project: 'Commerce', repository: 'api', response: { type: 'pageNotFound404' } });
    },
  },
  {
    name: "one repository's catalog file is forbidden (403)",
    outcome: 'fileFails',
    cause: /project Commerce, repository checkout-web, path catalog-info.yaml: reading the catalog file failed, keeping the last known context: .*access denied \(403\)/,
    break: t => {
      t.simulator.setFile(ORGANIZATION, 'Commerce', 'checkout-web', 'README.md', '# pushed\n');
      t.simulator.addFault({ route: 'items', repository: 'checkout-web', response: { type: 'error', status: 403, typeKey: 'UnauthorizedRequestException', message: 'TF401027: no GenericRead' } });
    },
  },
  {
    name: 'a 429 storm on every catalog file',
    outcome: 'fileFails',
    cause: /reading the catalog file failed, keeping the last known context: .*throttled by Azure DevOps \(429\)/,
    break: t => {
      pushToEveryRepository(t, '429 storm');
      t.simulator.addFault({ route: 'items', response: { status: 429, headers: { 'Retry-After': '1' } } });
    },
  },
  {
    name: 'hostile names, duplicate ids and fields of the wrong type',
    outcome: 'hostile',
    cause: /unusable shape|duplicate id|not emitted/,
    break: async t => {
      for (const listing of await t.listings()) {
        const project = (listing.value[0] as { project: unknown }).project;
        const value = listing.project && listing.project !== firstProjectId(t) ? listing.value : [...listing.value, ...hostileEntries(project)];
        t.simulator.addFault({ route: 'repositories', ...(listing.project ? { project: listing.project } : {}), response: { status: 200, body: { count: value.length, value } } });
      }
    },
  },
];

function firstProjectId(target: Target): string {
  return target.simulator.organization(ORGANIZATION).projects[0].id;
}

const hostileId = (n: number) => deterministicGuid('hostile', String(n));

/** Well-formed but hostile entries (empty repositories: nothing to read), then malformed ones. */
function hostileEntries(project: unknown): unknown[] {
  const entry = (n: number, name: unknown, extra: Record<string, unknown> = {}) => ({ id: hostileId(n), name, project, ...extra });
  return [
    entry(1, 'Ünïcødé 日本語 репозиторий'),
    entry(2, 'name with spaces'),
    entry(3, '.dots.in.the.name.'),
    entry(4, 'x'.repeat(300)),
    entry(5, 'control\u0000chars\u0007\u001b[31m\nnewline'),
    entry(6, 'Service'),
    entry(7, 'service'),
    entry(8, 'duplicate-guid-first'),
    { ...entry(8, 'duplicate-guid-second'), id: hostileId(8).toUpperCase() },
    entry(9, 'in a hostile project', { project: { id: hostileId(100), name: `Prøject with spaces.and.dots ${'p'.repeat(300)}`, visibility: 'public' } }),
    entry(10, 'wrong types', { isFork: 'yes', isDisabled: 1, size: 'big', defaultBranch: 7 }),
    entry(11, 'javascript web url', { webUrl: 'javascript:alert(1)' }),
    { id: 42, name: 'numeric id', project },
    entry(12, ['a', 'list']),
    { id: hostileId(13), name: 'no project' },
    null,
    'just a string',
  ];
}

/** Names of the well-formed hostile entries that must become entities. */
const HOSTILE_EMITTED = ['Ünïcødé 日本語 репозиторий', 'name with spaces', '.dots.in.the.name.', 'x'.repeat(300), 'control\u0000chars\u0007\u001b[31m\nnewline', 'Service', 'service', 'duplicate-guid-first', 'in a hostile project', 'wrong types'];

const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

describe('the fault matrix on the real catalog', () => {
  const logs = new LogCapture();
  const targets: Target[] = [];
  let knex: Knex;
  let backend: CatalogBackend;
  /** spec.applicationContext per `project/repository`, per profile, from the first clean sync. */
  const baseline = new Map<string, Map<string, unknown>>();

  beforeAll(async () => {
    const organization = loadOrganization(DEMO_ORGANIZATION_FIXTURE);
    const patSimulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [PAT] });
    const brokerSimulator = await AzureDevOpsSimulator.start({ organizations: [organization], tokens: [], brokerTokens: [BROKER_TOKEN] });
    const patProxy = await LoopbackProxy.start(patSimulator.url);
    const brokerProxy = await LoopbackProxy.start(brokerSimulator.url);
    targets.push(
      {
        kind: 'pat',
        profileId: 'pat',
        profileName: 'Matrix PAT',
        simulator: patSimulator,
        proxy: patProxy,
        setCredentialAccepted: accepted => patSimulator.setTokens(accepted ? [PAT] : []),
        expireCredential: () => patSimulator.setExpiredTokens([PAT]),
        listings: async () => {
          const response = await fetch(`${patSimulator.organizationUrl(ORGANIZATION)}/_apis/git/repositories`, {
            headers: { authorization: `Basic ${Buffer.from(`:${PAT}`).toString('base64')}` },
          });
          return [{ value: ((await response.json()) as { value: unknown[] }).value }];
        },
      },
      {
        kind: 'broker',
        profileId: 'brokered',
        profileName: 'Matrix broker',
        simulator: brokerSimulator,
        proxy: brokerProxy,
        setCredentialAccepted: accepted => brokerSimulator.setBrokerTokens(accepted ? [BROKER_TOKEN] : []),
        expireCredential: () => brokerSimulator.setExpiredTokens([BROKER_TOKEN]),
        listings: () =>
          Promise.all(
            brokerSimulator.organization(ORGANIZATION).projects.map(async project => {
              const response = await fetch(`${brokerSimulator.brokerUrl(BROKER_TOKEN, ORGANIZATION)}/${project.id}/_apis/git/repositories`);
              return { project: project.id, value: ((await response.json()) as { value: unknown[] }).value };
            }),
          ),
      },
    );
    const common = { organization: ORGANIZATION, maxRetries: 1, requestTimeoutSeconds: 1, concurrency: 4 };
    knex = await databases.init('SQLITE_3');
    backend = await startCatalogBackend({
      knex,
      logs,
      config: profilesConfig({
        pat: { ...common, profileName: 'Matrix PAT', apiUrl: `${patProxy.url}/`, token: PAT },
        brokered: { ...common, profileName: 'Matrix broker', broker: { url: brokerProxy.url, token: BROKER_TOKEN } },
      }),
    });
    // Two clean syncs: the first reads every file, the second takes the incremental path.
    await syncAll();
    await syncAll();
    for (const target of targets) {
      const entities = await backend.waitForEntities('kind=Repository', found => sameNames(ofProfile(found, target), truth(target)));
      baseline.set(target.profileId, new Map(ofProfile(entities, target).map(entity => [key(entity), entity.spec?.applicationContext])));
    }
  });

  afterAll(async () => {
    await backend?.stop();
    for (const target of targets) {
      await target.proxy.stop();
      await target.simulator.stop();
    }
  });

  function syncAll(): Promise<unknown> {
    return Promise.all(targets.map(target => backend.sync(target.profileId)));
  }

  function ofProfile(entities: Entity[], target: Target): Entity[] {
    return entities.filter(entity => entity.metadata.annotations?.[PROFILE_ANNOTATION] === target.profileId);
  }

  function key(entity: Entity): string {
    return `${entity.spec?.project}/${entity.spec?.repository}`;
  }

  /** `project/repository` of every repository the simulator holds. */
  function truth(target: Target): string[] {
    return target.simulator
      .organization(ORGANIZATION)
      .projects.flatMap(project => project.repositories.map(repository => `${project.name}/${repository.name}`))
      .sort();
  }

  function sameNames(entities: Entity[], expected: string[]): boolean {
    const names = entities.map(key).sort();
    return names.length === expected.length && names.every((name, index) => name === expected[index]);
  }

  /**
   * What the provider last handed the catalog, straight from the catalog's table: no processing
   * delay. Without the commit insights: the rows push a commit to make a file be read again, and
   * that commit rightly moves them; what a fault must leave alone is the rest.
   */
  async function providerView(target: Target): Promise<Record<string, unknown>> {
    const rows: Array<{ entity_ref: string; unprocessed_entity: string }> = await knex('refresh_state')
      .where('location_key', `AzureDevOpsRepositoriesProvider:${target.profileId}`)
      .select('entity_ref', 'unprocessed_entity');
    return Object.fromEntries(
      rows.map(row => {
        const entity = JSON.parse(row.unprocessed_entity) as Entity;
        const spec = { ...entity.spec };
        for (const field of ['lastCommitAt', 'freshness', 'contributors']) delete spec[field];
        return [row.entity_ref, { ...entity, spec }];
      }),
    );
  }

  /**
   * The profile's warn and error lines since a point, less the one warning every sync repeats on
   * purpose: the demo organization's `broken-catalog` repository holds a file that does not parse.
   */
  function problems(target: Target, since: number): LogLine[] {
    return logs
      .ofProvider(target.profileId, since)
      .filter(line => line.level === 'error' || line.level === 'warn')
      .filter(line => !/repository broken-catalog, path catalog-info.yaml: the file does not parse/.test(line.message));
  }

  function restore(target: Target): Promise<void> {
    target.simulator.clearFaults();
    target.simulator.setAuthFailure('203');
    target.simulator.setExpiredTokens([]);
    target.setCredentialAccepted(true);
    return target.proxy.setMode('forward');
  }

  it.each(ROWS.map(row => [row.name, row] as const))('%s', async (_name, row) => {
    const before = new Map<string, { view: Record<string, unknown>; uids: string[] }>();
    for (const target of targets) {
      const entities = ofProfile(await backend.entities('kind=Repository'), target);
      before.set(target.profileId, { view: await providerView(target), uids: entities.map(entity => entity.metadata.uid!).sort() });
    }
    const since = logs.lines.length;
    const rowStarted = Date.now();

    try {
      for (const target of targets) await row.break(target);
      if (row.truthMoves) {
        // The organization changes during the outage: one repository appears, earlier ones go.
        for (const target of targets) {
          const sandbox = target.simulator.organization(ORGANIZATION).projects.find(project => project.name === 'Sandbox')!;
          for (const { name } of sandbox.repositories.filter(repository => repository.name.startsWith('created-during-'))) {
            target.simulator.removeRepository(ORGANIZATION, 'Sandbox', name);
          }
          target.simulator.addRepository(ORGANIZATION, 'Sandbox', { name: `created-during-${ROWS.indexOf(row)}` });
        }
      }
      await Promise.all([syncAll(), ...(row.during ? targets.map(target => row.during!(target)) : [])]);

      for (const target of targets) {
        const lines = problems(target, since);
        const who = new RegExp(`${target.profileId}|${target.profileName}`);
        switch (row.outcome) {
          case 'listingFails': {
            // Nothing applied: neither what the provider handed over nor what the catalog serves changed.
            expect(await providerView(target)).toEqual(before.get(target.profileId)!.view);
            const served = ofProfile(await backend.entities('kind=Repository'), target);
            expect(served.map(entity => entity.metadata.uid!).sort()).toEqual(before.get(target.profileId)!.uids);
            expect(lines).toHaveLength(1);
            expect(lines[0]).toMatchObject({ level: 'error' });
            expect(lines[0].message).toMatch(who);
            expect(lines[0].message).toMatch(row.cause);
            // The listing, or the first step of a run, failed: nothing of the run was applied.
            expect(lines[0].message).toMatch(/the catalog keeps its entities until a sync succeeds|failed in a step; the steps before it are kept/);
            break;
          }
          case 'fileFails': {
            expect(await providerView(target)).toEqual(before.get(target.profileId)!.view);
            expect(lines.length).toBeGreaterThan(0);
            for (const line of lines) {
              expect(line.level).toBe('warn');
              expect(line.message).toMatch(who);
              expect(line.message).toMatch(row.cause);
            }
            expect(logs.ofProvider(target.profileId, since).some(line => /^Synced profile .* 0 unresolved/.test(line.message))).toBe(true);
            break;
          }
          case 'clean': {
            expect(lines).toEqual([]);
            const synced = logs.ofProvider(target.profileId, since).find(line => line.message.startsWith('Synced profile'));
            expect(synced?.message).toMatch(/ 0 failed, 0 unresolved, /);
            expect(await providerView(target)).toEqual(before.get(target.profileId)!.view);
            break;
          }
          case 'synced': {
            expect(lines).toEqual([]);
            const synced = logs.ofProvider(target.profileId, since).find(line => line.message.startsWith('Synced profile'));
            expect(synced?.message).toMatch(/0 failed, 0 unresolved, .*\d+ requests, 1 retries/);
            const listings = target.simulator.requests.filter(request => request.route === 'repositories' && request.time >= rowStarted);
            const throttled = listings.findIndex(request => request.status === 429);
            const retry = listings.slice(throttled + 1).find(request => request.path === listings[throttled].path);
            // Retry-After: 1 was honoured before the listing was asked again.
            expect(retry!.time - listings[throttled].time).toBeGreaterThanOrEqual(1000);
            break;
          }
          case 'hostile': {
            const emitted = [...truth(target).map(name => name.split('/').slice(1).join('/')), ...HOSTILE_EMITTED].sort();
            const entities = await backend.waitForEntities('kind=Repository', found => ofProfile(found, target).length === emitted.length);
            expect(ofProfile(entities, target).map(entity => entity.spec?.repository).sort()).toEqual(emitted);
            for (const line of lines) {
              expect(line.level).toBe('warn');
              expect(line.message).toMatch(who);
              expect(line.message).toMatch(row.cause);
            }
            // Five unusable entries, one duplicate id, one web URL that is no http(s) URL.
            expect(lines).toHaveLength(7);
            break;
          }
        }
      }
    } finally {
      for (const target of targets) await restore(target);
    }

    // Recovery: the next sync brings the catalog back to the truth.
    const recovery = logs.lines.length;
    await syncAll();
    for (const target of targets) {
      expect(problems(target, recovery)).toEqual([]);
      const expected = truth(target);
      const entities = ofProfile(await backend.waitForEntities('kind=Repository', found => sameNames(ofProfile(found, target), expected)), target);
      const contexts = baseline.get(target.profileId)!;
      for (const entity of entities) {
        if (contexts.has(key(entity))) expect(entity.spec?.applicationContext).toEqual(contexts.get(key(entity)));
      }
    }
  });

  it('leaves no secret in logs, entities, the database or requests, except where each must go', async () => {
    // Every row of every table of the catalog's database, too.
    const tables: Array<{ name: string }> = await knex('sqlite_master').where('type', 'table').select('name');
    const rows = await Promise.all(tables.map(({ name }) => knex(name).select()));
    const everything = [logs.text(), JSON.stringify(await backend.entities()), JSON.stringify(rows)];
    expect(tables.map(({ name }) => name)).toEqual(expect.arrayContaining(['refresh_state', 'final_entities', 'search']));
    for (const text of everything) {
      for (const secret of [...PAT_FORMS, BROKER_TOKEN, encodeURIComponent(BROKER_TOKEN)]) expect(text).not.toContain(secret);
    }

    const [pat, broker] = targets;
    // Every byte the PAT profile sent: the PAT only ever inside an Authorization header.
    const patLines = pat.proxy.sentText().split('\r\n');
    expect(patLines.some(line => /^authorization: basic /i.test(line))).toBe(true);
    for (const line of patLines.filter(candidate => PAT_FORMS.some(form => candidate.includes(form)))) {
      expect(line).toMatch(/^authorization: basic \S+$/i);
    }
    expect(pat.proxy.sentText()).not.toContain(BROKER_TOKEN);

    // Every byte the broker profile sent: no Authorization header, the broker token only in request paths.
    const brokerLines = broker.proxy.sentText().split('\r\n');
    expect(brokerLines.some(line => /^authorization:/i.test(line))).toBe(false);
    const withBrokerToken = brokerLines.filter(line => line.includes(BROKER_TOKEN));
    expect(withBrokerToken.length).toBeGreaterThan(0);
    for (const line of withBrokerToken) {
      expect(line).toMatch(new RegExp(`^(GET|OPTIONS) /broker/${BROKER_TOKEN}/${ORGANIZATION}/[^ ]* HTTP/1\\.1$`));
      expect(line.split(BROKER_TOKEN)).toHaveLength(2);
    }
    for (const form of PAT_FORMS) expect(broker.proxy.sentText()).not.toContain(form);
  });
});
