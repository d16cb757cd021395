import { mockServices } from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { AzureDevOpsError } from '../client/AzureDevOpsError';
import type { RepositoryEvent } from '../serviceHooks/repositoryEventFromServiceHook';
import { buildCatalogDocument, buildCatalogFileYaml, buildProfile, buildRepository, PROJECT_ID, type ProfileOverrides } from '../__testUtils__/builders';
import { FakeAzureDevOpsApi } from '../__testUtils__/FakeAzureDevOpsApi';
import { KnownRepositories } from './KnownRepositories';
import { readRepositoryEvents, type RepositoryEventsResult } from './readRepositoryEvents';
import { readStep } from './readStep';

const API = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000001', name: 'payments-api' });
const WEB = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000002', name: 'payments-web' });
const OWNER_A = buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-a' } }));
const OWNER_B = buildCatalogFileYaml(buildCatalogDocument({ spec: { owner: 'team-b' } }));
const LOCATION_KEY = 'AzureDevOpsRepositoriesProvider:acme';

function event(type: RepositoryEvent['type'], repositoryId: string, extra: Partial<RepositoryEvent> = {}): RepositoryEvent {
  return { type, repositoryId, project: PROJECT_ID, projectName: 'Payments', urls: [], ...extra };
}

/** A profile whose repositories one step of a cycle read over the fake organization, then handed events. */
async function setup(overrides: ProfileOverrides = {}) {
  const profile = buildProfile(overrides);
  const api = new FakeAzureDevOpsApi([{ ...API }, { ...WEB }]);
  api.files.set(API.id, OWNER_A);
  const knownRepositories = new KnownRepositories({ profile });
  const logger = mockServices.logger.mock();
  // Which repository holds each ref: shared by the step and every batch, as the store would be.
  const refHolders = new Map<string, string>();
  const step = await readStep({
    api,
    profile,
    repositories: [...api.repositories],
    changed: 'all',
    knownRepositories,
    refHolders,
    now: Date.now(),
    locationKey: LOCATION_KEY,
    logger,
  });
  const refs = [...step.emissions.values()].flatMap(emission => emission.entities.map(({ entity }) => stringifyEntityRef(entity)));
  api.fileReads.length = 0;
  api.listingCalls.length = 0;
  const handle = (...events: RepositoryEvent[]) =>
    readRepositoryEvents({ events, api, profile, knownRepositories, refHolders, locationKey: LOCATION_KEY, logger, now: Date.now() });
  api.commitCalls.length = 0;
  api.languageCalls.length = 0;
  const requests = () => api.fileReads.length + api.repositoryCalls.length + api.listingCalls.length + api.commitCalls.length;
  return { api, knownRepositories, handle, refs, requests, logger };
}

function ownerOf(result: RepositoryEventsResult) {
  return result.entities.map(({ entity }) => (entity.spec as { applicationContext?: { owner?: string } }).applicationContext?.owner);
}

describe('readRepositoryEvents', () => {
  it('re-reads the repository, its file and its commits on a push to the default branch: three requests, the new context', async () => {
    const { api, handle, requests } = await setup();
    api.push(API.id, OWNER_B);
    const result = await handle(event('push', API.id, { pushedBranches: ['main'] }));
    expect(requests()).toBe(3);
    expect(api.commitCalls).toHaveLength(1);
    expect(ownerOf(result)).toEqual(['team-b']);
    expect(result.removed).toEqual([]);
    expect(result.counts).toMatchObject({ applied: 1 });
  });

  it('with commit insights off, changes nothing for a push that left the catalog file as it was', async () => {
    const { handle, requests } = await setup({ insights: { freshness: false, contributors: false } });
    const result = await handle(event('push', API.id, { pushedBranches: ['main'] }));
    expect(requests()).toBe(2);
    expect(result).toMatchObject({ entities: [], removed: [], counts: { unchanged: 1 } });
  });

  it('moves lastCommitAt and the contributors with a push, even when the file stayed as it was', async () => {
    const { api, handle } = await setup();
    const at = new Date();
    api.commits.set(API.id, [{ commitId: 'c2', author: { name: 'Ada', email: 'ada@example.com' }, committedAt: at }]);
    const result = await handle(event('push', API.id, { pushedBranches: ['main'] }));
    expect(result.entities.map(({ entity }) => entity.spec)).toEqual([
      expect.objectContaining({ lastCommitAt: at.toISOString(), freshness: 'active', contributors: { count: 1, windowDays: 90 } }),
    ]);
  });

  it('ignores a push to another branch of a known repository without a request', async () => {
    const { api, handle, requests } = await setup();
    api.push(API.id, OWNER_B);
    const result = await handle(event('push', API.id, { pushedBranches: ['feature/x'] }));
    expect(requests()).toBe(0);
    expect(result).toMatchObject({ entities: [], counts: { ignored: 1 } });
  });

  it('reads a push whose branches the payload does not name', async () => {
    const { api, handle } = await setup();
    api.push(API.id, OWNER_B);
    const result = await handle(event('push', API.id));
    expect(ownerOf(result)).toEqual(['team-b']);
  });

  it('adds a created repository, with its context', async () => {
    const { api, handle } = await setup();
    const created = buildRepository({ id: 'aaaaaaaa-0000-0000-0000-000000000003', name: 'ledger' });
    api.repositories.push(created);
    api.files.set(created.id, OWNER_B);
    const result = await handle(event('created', created.id.toUpperCase()));
    expect(result.entities.map(({ entity }) => entity.spec?.repository)).toEqual(['ledger']);
    expect(ownerOf(result)).toEqual(['team-b']);
  });

  it('removes a deleted repository by its id, without a request, and ignores one it never emitted', async () => {
    const { handle, refs, requests } = await setup();
    const result = await handle(event('deleted', API.id), event('deleted', 'bbbbbbbb-0000-0000-0000-000000000009'));
    expect(requests()).toBe(0);
    expect(result.removed).toEqual([refs[0]]);
    expect(result.counts).toMatchObject({ removed: 1, ignored: 1 });
  });

  it('tells what each event came to, in the order of the events', async () => {
    const { api, handle } = await setup();
    api.push(API.id, OWNER_B);
    api.repositoryErrors.set(WEB.id, new AzureDevOpsError({ kind: 'serverError', message: 'Azure DevOps answered 503' }));
    const result = await handle(
      event('deleted', 'bbbbbbbb-0000-0000-0000-000000000009'),
      event('push', API.id, { pushedBranches: ['main'] }),
      event('push', WEB.id, { pushedBranches: ['main'] }),
    );
    expect(result.outcomes).toEqual(['ignored', 'applied', 'failed']);
  });

  it('names the repositories whose entities it emits, for the cycle in progress to count as seen', async () => {
    const { api, handle } = await setup();
    api.push(API.id, OWNER_B);
    api.repositoryErrors.set(WEB.id, new AzureDevOpsError({ kind: 'serverError', message: 'Azure DevOps answered 503' }));
    const result = await handle(
      event('push', API.id, { pushedBranches: ['main'] }),
      event('push', WEB.id, { pushedBranches: ['main'] }),
      event('deleted', 'bbbbbbbb-0000-0000-0000-000000000009'),
    );
    expect(result.applied).toEqual([API.id]);
    // A deleted one is not seen: the cycle's end would remove it if the event had not.
    expect((await handle(event('deleted', API.id))).applied).toEqual([]);
  });

  it('moves a renamed repository to its new name without reading its unchanged file', async () => {
    const { api, handle, refs } = await setup();
    api.repositories[0].name = 'payments-service';
    const result = await handle(event('renamed', API.id));
    expect(api.fileReads).toHaveLength(0);
    expect(result.entities.map(({ entity }) => entity.spec?.repository)).toEqual(['payments-service']);
    expect(ownerOf(result)).toEqual(['team-a']);
    expect(result.removed).toEqual([refs[0]]);
  });

  it('flips spec.disabled from the project listing, since a disabled repository answers its own GET as missing', async () => {
    const { api, handle, requests } = await setup();
    api.repositories[0].isDisabled = true;
    const result = await handle(event('statusChanged', API.id));
    expect(requests()).toBe(2);
    expect(api.listingCalls).toEqual([PROJECT_ID]);
    expect(result.entities.map(({ entity }) => entity.spec?.disabled)).toEqual([true]);
  });

  it('removes a repository that is disabled when the profile leaves disabled ones out', async () => {
    const { api, handle, refs } = await setup({ filters: { includeDisabled: false } });
    api.repositories[0].isDisabled = true;
    const result = await handle(event('statusChanged', API.id));
    expect(result.entities).toEqual([]);
    expect(result.removed).toEqual([refs[0]]);
  });

  it('removes a repository that is neither found nor listed any more', async () => {
    const { api, handle, refs } = await setup();
    api.repositories.splice(0, 1);
    const result = await handle(event('push', API.id, { pushedBranches: ['main'] }));
    expect(result.removed).toEqual([refs[0]]);
  });

  it('ignores an event of a project the filters leave out, without a request', async () => {
    const { handle, requests } = await setup({ filters: { excludeProjects: { patterns: ['Pay*'], expressions: [/^pay.*$/i] } } });
    const result = await handle(event('created', API.id));
    expect(requests()).toBe(0);
    expect(result.counts).toMatchObject({ ignored: 1 });
  });

  it('leaves a repository as it is when reading it fails, with one warning', async () => {
    const { api, handle, knownRepositories, logger } = await setup();
    const before = knownRepositories.toStored();
    api.repositoryErrors.set(API.id, new AzureDevOpsError({ kind: 'serverError', message: 'Azure DevOps answered 503' }));
    const result = await handle(event('push', API.id, { pushedBranches: ['main'] }));
    expect(result).toMatchObject({ entities: [], removed: [], counts: { failed: 1 } });
    expect(knownRepositories.toStored()).toEqual(before);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('Azure DevOps answered 503'));
  });

  it('leaves a repository as it is when its file read fails', async () => {
    const { api, handle, knownRepositories } = await setup();
    const before = knownRepositories.toStored();
    api.push(API.id, OWNER_B);
    api.fileErrors.set(API.id, new AzureDevOpsError({ kind: 'timeout', message: 'no answer within 60 s' }));
    const result = await handle(event('push', API.id, { pushedBranches: ['main'] }));
    expect(result).toMatchObject({ entities: [], counts: { failed: 1 } });
    expect(knownRepositories.toStored()).toEqual(before);
  });

  describe('with ingestEntities', () => {
    const component = (name: string, owner = 'team-a') =>
      buildCatalogDocument({ metadata: { name }, spec: { owner } });

    it('ingests what the pushed file declares and removes what it no longer does', async () => {
      const { api, handle } = await setup({ backstageCatalog: { ingestEntities: true } });
      api.push(API.id, buildCatalogFileYaml(component('payments-api'), component('payments-worker')));
      const first = await handle(event('push', API.id, { pushedBranches: ['main'] }));
      expect(first.entities.map(({ entity }) => stringifyEntityRef(entity))).toEqual([
        expect.stringMatching(/^repository:/),
        'component:default/payments-api',
        'component:default/payments-worker',
      ]);
      api.push(API.id, buildCatalogFileYaml(component('payments-api', 'team-b')));
      const second = await handle(event('push', API.id, { pushedBranches: ['main'] }));
      expect(second.removed).toEqual(['component:default/payments-worker']);
    });

    it('never takes an entity another repository holds', async () => {
      const { api, handle, logger } = await setup({ backstageCatalog: { ingestEntities: true } });
      api.push(API.id, buildCatalogFileYaml(component('payments-api')));
      await handle(event('push', API.id, { pushedBranches: ['main'] }));
      api.push(WEB.id, buildCatalogFileYaml(component('payments-api', 'team-b')));
      const result = await handle(event('push', WEB.id, { pushedBranches: ['main'] }));
      expect(result.entities.map(({ entity }) => entity.kind)).toEqual(['Repository']);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('component:default/payments-api not ingested'));
    });
  });
});
