import { mockServices } from '@backstage/backend-test-utils';
import { azureDevOpsError, FakeAzureDevOpsApi } from '../__testUtils__/FakeAzureDevOpsApi';
import { buildProfile, buildRepository, PROJECT_ID, type ProfileOverrides } from '../__testUtils__/builders';
import { AzureDevOpsError } from '../client/AzureDevOpsError';
import { ChangeTracker, type ChangedRepositories } from './ChangeTracker';

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2026-11-27T10:00:00Z');
const pushedTo = buildRepository({ id: 'Repo-1', name: 'payments-api' });
const untouched = buildRepository({ id: 'repo-2', name: 'docs' });

interface Row {
  name: string;
  profile?: ProfileOverrides;
  /** Clean syncs recorded before the one asked about. */
  cleanSyncs: Array<{ startedAt: number; changed: ChangedRepositories }>;
  startedAt: number;
  arrange?: (api: FakeAzureDevOpsApi) => void;
  expected: 'all' | string[];
  /** The start of each activity window asked for; one entry per project asked. */
  windows: string[];
  info?: RegExp;
  warn?: RegExp;
}

const rows: Row[] = [
  {
    name: 'the first sync reads all',
    cleanSyncs: [],
    startedAt: T0,
    expected: 'all',
    windows: [],
  },
  {
    name: 'within 24 h of the full read, the repositories pushed to since an hour before the last start',
    cleanSyncs: [{ startedAt: T0, changed: 'all' }],
    startedAt: T0 + HOUR / 2,
    arrange: api => api.pushes.set(pushedTo.id, T0 + HOUR / 4),
    expected: ['repo-1'],
    windows: ['2026-11-27T09:00:00.000Z'],
  },
  {
    name: 'the window opens an hour before the last clean start, not the last full read',
    cleanSyncs: [
      { startedAt: T0, changed: 'all' },
      { startedAt: T0 + 5 * HOUR, changed: new Set() },
    ],
    startedAt: T0 + 6 * HOUR,
    expected: [],
    windows: ['2026-11-27T14:00:00.000Z'],
  },
  {
    // No daily read of every file for the profile: each file is read again once a day at a time
    // of its own (dueAgain), whatever the activity says.
    name: '24 h after the full read, still only the repositories pushed to',
    cleanSyncs: [
      { startedAt: T0, changed: 'all' },
      { startedAt: T0 + 23 * HOUR, changed: new Set() },
    ],
    startedAt: T0 + 24 * HOUR,
    arrange: api => api.pushes.set(pushedTo.id, T0 + 23 * HOUR + HOUR / 2),
    expected: ['repo-1'],
    windows: ['2026-11-28T08:00:00.000Z'],
  },
  {
    name: 'project analysis unavailable: all, said once at info',
    cleanSyncs: [{ startedAt: T0, changed: 'all' }],
    startedAt: T0 + HOUR,
    arrange: api => {
      api.activityAvailable = false;
    },
    expected: 'all',
    windows: ['2026-11-27T09:00:00.000Z'],
    info: /^Profile acme: Azure DevOps project analysis is not available to this token or server; every sync reads every catalog file until it is asked again in 24 hours$/,
  },
  {
    name: 'the activity listing throws: all, with one warning',
    cleanSyncs: [{ startedAt: T0, changed: 'all' }],
    startedAt: T0 + HOUR,
    arrange: api => {
      jest.spyOn(api, 'listChangedRepositoryIds').mockRejectedValue(azureDevOpsError('serverError', 503));
    },
    expected: 'all',
    windows: [],
    warn: /^Profile acme: listing repository activity failed, reading every catalog file: .*simulated serverError \(503\)/,
  },
  {
    name: 'project analysis refuses the question (400): all, with one warning',
    cleanSyncs: [{ startedAt: T0, changed: 'all' }],
    startedAt: T0 + HOUR,
    arrange: api => {
      jest.spyOn(api, 'listChangedRepositoryIds').mockRejectedValue(azureDevOpsError('badRequest', 400));
    },
    expected: 'all',
    windows: [],
    warn: /^Profile acme: Azure DevOps refused the project analysis question, so every sync reads every catalog file until it is asked again in 24 hours: simulated badRequest \(400\)$/,
  },
  {
    name: 'Add Backstage Catalog off: all, nothing asked',
    profile: { backstageCatalog: { enabled: false } },
    cleanSyncs: [{ startedAt: T0, changed: 'all' }],
    startedAt: T0 + HOUR,
    expected: 'all',
    windows: [],
  },
];

describe('ChangeTracker', () => {
  it.each(rows)('$name', async row => {
    const api = new FakeAzureDevOpsApi([pushedTo, untouched]);
    row.arrange?.(api);
    const logger = mockServices.logger.mock();
    const tracker = new ChangeTracker({ profile: buildProfile(row.profile) });
    for (const sync of row.cleanSyncs) tracker.recordCleanSync(sync);

    const changed = await tracker.changedSinceLastSync({
      api,
      repositories: [pushedTo, untouched],
      startedAt: row.startedAt,
      logger,
    });

    expect(changed === 'all' ? 'all' : [...changed].sort()).toEqual(row.expected);
    expect(api.activityCalls.map(call => call.since.toISOString())).toEqual(row.windows);
    expect(logger.info.mock.calls).toEqual(row.info ? [[expect.stringMatching(row.info)]] : []);
    expect(logger.warn.mock.calls).toEqual(row.warn ? [[expect.stringMatching(row.warn)]] : []);
  });

  it('stops asking once project analysis is unavailable, and asks again a full-read interval later', async () => {
    const api = new FakeAzureDevOpsApi([pushedTo]);
    api.activityAvailable = false;
    const logger = mockServices.logger.mock();
    const tracker = new ChangeTracker({ profile: buildProfile() });
    tracker.recordCleanSync({ startedAt: T0, changed: 'all' });

    for (const startedAt of [T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR, T0 + 24 * HOUR]) {
      await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt, logger })).resolves.toBe('all');
      tracker.recordCleanSync({ startedAt, changed: 'all' });
    }
    expect(api.activityCalls).toHaveLength(1);
    expect(logger.info).toHaveBeenCalledTimes(1);

    // A day after it was found unavailable: asked again, and it answers.
    api.activityAvailable = true;
    api.pushes.set(pushedTo.id, T0 + 24 * HOUR + HOUR / 2);
    await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt: T0 + 25 * HOUR, logger })).resolves.toEqual(
      new Set([pushedTo.id.toLowerCase()]),
    );
    expect(api.activityCalls).toHaveLength(2);
  });

  it('takes a project deleted since the listing as nothing changed there, and keeps asking', async () => {
    const gone = buildRepository({ id: 'repo-3', name: 'orphan', project: { id: 'deleted-project', name: 'Gone', visibility: 'private' } });
    const api = new FakeAzureDevOpsApi([pushedTo]);
    api.deletedProjects.add('deleted-project');
    api.pushes.set(pushedTo.id, T0 + HOUR / 2);
    const logger = mockServices.logger.mock();
    const tracker = new ChangeTracker({ profile: buildProfile() });
    tracker.recordCleanSync({ startedAt: T0, changed: 'all' });

    for (const startedAt of [T0 + HOUR, T0 + 2 * HOUR]) {
      await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo, gone], startedAt, logger })).resolves.toEqual(new Set(['repo-1']));
      tracker.recordCleanSync({ startedAt, changed: new Set(['repo-1']) });
    }
    expect(api.activityCalls.map(call => call.project).sort()).toEqual(['deleted-project', 'deleted-project', PROJECT_ID, PROJECT_ID]);
    expect(logger.info).not.toHaveBeenCalled();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('takes an activity listing a broker blocks as unavailable for a day, with one warning naming the rule', async () => {
    const api = new FakeAzureDevOpsApi([pushedTo]);
    const blocked = new AzureDevOpsError({ kind: 'blocked', statusCode: 401, message: 'the broker blocked the request: none of its accept rules allows it; add one for GET /:org/:project/_apis/projectanalysis/repositoryactivity/metrics/repositories' });
    const listing = jest.spyOn(api, 'listChangedRepositoryIds').mockRejectedValue(blocked);
    const logger = mockServices.logger.mock();
    const tracker = new ChangeTracker({ profile: buildProfile() });
    tracker.recordCleanSync({ startedAt: T0, changed: 'all' });

    for (const startedAt of [T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]) {
      await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt, logger })).resolves.toBe('all');
      tracker.recordCleanSync({ startedAt, changed: 'all' });
    }
    expect(listing).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls).toEqual([
      [
        expect.stringMatching(
          /^Profile acme: the broker does not let project analysis through, so every sync reads every catalog file until it is asked again in 24 hours: .*add one for GET \/:org\/:project\/_apis\/projectanalysis/,
        ),
      ],
    ]);
  });

  it('takes a refused question (400) as unavailable for a full-read interval: one warning, not one per sync', async () => {
    const api = new FakeAzureDevOpsApi([pushedTo]);
    const refused = new AzureDevOpsError({ kind: 'badRequest', statusCode: 400, message: 'listing repository activity of project p failed: Azure DevOps refused the request (400): Specified argument was out of the range of valid values. Parameter name: from time cannot be in future' });
    const listing = jest.spyOn(api, 'listChangedRepositoryIds').mockRejectedValue(refused);
    const logger = mockServices.logger.mock();
    const tracker = new ChangeTracker({ profile: buildProfile() });
    tracker.recordCleanSync({ startedAt: T0, changed: 'all' });

    for (const startedAt of [T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR, T0 + 24 * HOUR]) {
      await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt, logger })).resolves.toBe('all');
      tracker.recordCleanSync({ startedAt, changed: 'all' });
    }
    expect(listing).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.info).not.toHaveBeenCalled();

    // A full-read interval after the refusal it is asked again, and answers.
    listing.mockRestore();
    api.pushes.set(pushedTo.id, T0 + 24 * HOUR + HOUR / 2);
    await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt: T0 + 25 * HOUR, logger })).resolves.toEqual(
      new Set([pushedTo.id.toLowerCase()]),
    );
  });

  it('never asks about a window older than 29 days, which project analysis would refuse; reads all and asks again next time', async () => {
    // A window grows that old when no cycle ends clean for that long (each leaves a repository unresolved).
    const api = new FakeAzureDevOpsApi([pushedTo]);
    const logger = mockServices.logger.mock();
    const tracker = new ChangeTracker({ profile: buildProfile() });
    tracker.recordCleanSync({ startedAt: T0, changed: 'all' });
    const windowOf29Days = T0 - HOUR + 29 * 24 * HOUR;

    await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt: windowOf29Days, logger })).resolves.toEqual(new Set());
    expect(api.activityCalls.map(call => call.since.toISOString())).toEqual(['2026-11-27T09:00:00.000Z']);

    await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt: windowOf29Days + 1, logger })).resolves.toBe('all');
    expect(api.activityCalls).toHaveLength(1);
    tracker.recordCleanSync({ startedAt: windowOf29Days + 1, changed: 'all' });

    await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt: windowOf29Days + HOUR, logger })).resolves.toEqual(new Set());
    expect(api.activityCalls).toHaveLength(2);
    expect(logger.info).not.toHaveBeenCalled();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('carries to the next cycle, in this process or another, where the window opens and until when analysis is unavailable', async () => {
    const api = new FakeAzureDevOpsApi([pushedTo]);
    api.activityAvailable = false;
    const logger = mockServices.logger.mock();
    const tracker = new ChangeTracker({ profile: buildProfile() });
    tracker.recordCleanSync({ startedAt: T0, changed: 'all' });
    await tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt: T0 + HOUR, logger });
    expect(tracker.state()).toEqual({ activityCursor: T0, lastFullReadAt: T0, activityUnavailableUntil: T0 + 25 * HOUR });

    const restored = new ChangeTracker({ profile: buildProfile(), restored: tracker.state() });
    api.activityAvailable = true;
    await expect(restored.changedSinceLastSync({ api, repositories: [pushedTo], startedAt: T0 + 2 * HOUR, logger })).resolves.toBe('all');
    expect(api.activityCalls).toHaveLength(1);
    await expect(restored.changedSinceLastSync({ api, repositories: [pushedTo], startedAt: T0 + 25 * HOUR, logger })).resolves.toEqual(new Set());
    expect(api.activityCalls.map(call => call.since.toISOString())).toEqual(['2026-11-27T09:00:00.000Z', '2026-11-27T09:00:00.000Z']);
  });

  it('asks again after a failed activity listing', async () => {
    const api = new FakeAzureDevOpsApi([pushedTo]);
    const listing = jest.spyOn(api, 'listChangedRepositoryIds').mockRejectedValueOnce(azureDevOpsError('timeout'));
    const logger = mockServices.logger.mock();
    const tracker = new ChangeTracker({ profile: buildProfile() });
    tracker.recordCleanSync({ startedAt: T0, changed: 'all' });

    await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt: T0 + HOUR, logger })).resolves.toBe('all');
    tracker.recordCleanSync({ startedAt: T0 + HOUR, changed: 'all' });
    await expect(tracker.changedSinceLastSync({ api, repositories: [pushedTo], startedAt: T0 + 2 * HOUR, logger })).resolves.toEqual(new Set());
    expect(listing).toHaveBeenCalledTimes(2);
  });
});
