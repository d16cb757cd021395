import type { RepositoryEvent } from '../serviceHooks/repositoryEventFromServiceHook';
import { mergeEvents, RepositoryEventQueue, type QueuedEvent } from './RepositoryEventQueue';

const PUSH = 'azureDevOps.git.push';

function event(repositoryId: string, type: RepositoryEvent['type'] = 'push', pushedBranches?: string[]): RepositoryEvent {
  return { type, repositoryId, project: 'P', urls: [], ...(pushedBranches ? { pushedBranches } : {}) };
}

/** A handler that holds each batch until the test releases it. */
function heldHandler() {
  const batches: RepositoryEvent[][] = [];
  const releases: Array<() => void> = [];
  const handle = (batch: QueuedEvent[]) => {
    batches.push(batch.map(({ event }) => event));
    return new Promise<void>(resolve => releases.push(resolve));
  };
  const releaseNext = async () => {
    while (releases.length === 0) await new Promise(resolve => setImmediate(resolve));
    releases.shift()?.();
  };
  return { batches, handle, releaseNext };
}

describe('RepositoryEventQueue', () => {
  it('hands a burst to the handler as one batch, one event per repository', async () => {
    const batches: RepositoryEvent[][] = [];
    const queue = new RepositoryEventQueue({ handle: async batch => void batches.push(batch.map(({ event }) => event)), onError: () => {}, maxBatch: 10 });
    queue.add(event('a', 'push', ['main']), PUSH);
    queue.add(event('b'), PUSH);
    queue.add(event('a', 'push', ['feature']), PUSH);
    await queue.idle();
    expect(batches).toEqual([[event('a', 'push', ['main', 'feature']), event('b')]]);
  });

  it('keeps the topic of every service hook merged into an event', async () => {
    const batches: QueuedEvent[][] = [];
    const queue = new RepositoryEventQueue({ handle: async batch => void batches.push(batch), onError: () => {}, maxBatch: 10 });
    queue.add(event('a', 'renamed'), 'azureDevOps.git.repo.renamed');
    queue.add(event('b'), PUSH);
    queue.add(event('a', 'push', ['main']), PUSH);
    await queue.idle();
    expect(batches).toEqual([
      [
        { event: event('a', 'created'), topics: ['azureDevOps.git.repo.renamed', PUSH] },
        { event: event('b'), topics: [PUSH] },
      ],
    ]);
  });

  it('queues what arrives while a batch is handled, coalesced, for the next batch', async () => {
    const { batches, handle, releaseNext } = heldHandler();
    const queue = new RepositoryEventQueue({ handle, onError: () => {}, maxBatch: 10 });
    queue.add(event('a'), PUSH);
    await new Promise(resolve => setImmediate(resolve));
    queue.add(event('a'), PUSH);
    queue.add(event('a'), PUSH);
    queue.add(event('b'), PUSH);
    await releaseNext();
    await releaseNext();
    await queue.idle();
    expect(batches.map(batch => batch.map(({ repositoryId }) => repositoryId))).toEqual([['a'], ['a', 'b']]);
  });

  it('splits a long queue into batches of at most maxBatch, in arrival order', async () => {
    const batches: string[][] = [];
    const queue = new RepositoryEventQueue({
      handle: async batch => void batches.push(batch.map(({ event }) => event.repositoryId)),
      onError: () => {},
      maxBatch: 2,
    });
    for (const id of ['a', 'b', 'c', 'd', 'e']) queue.add(event(id), PUSH);
    await queue.idle();
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('reports a batch that throws and goes on with the next', async () => {
    const errors: unknown[] = [];
    const handled: string[] = [];
    const queue = new RepositoryEventQueue({
      handle: async ([{ event }]) => {
        if (event.repositoryId === 'a') throw new Error('catalog down');
        handled.push(event.repositoryId);
      },
      onError: error => errors.push(error),
      maxBatch: 1,
    });
    queue.add(event('a'), PUSH);
    queue.add(event('b'), PUSH);
    await queue.idle();
    expect(errors).toEqual([new Error('catalog down')]);
    expect(handled).toEqual(['b']);
  });

  it('after stop, drops what is pending, waits for the batch in hand and takes nothing more', async () => {
    const { batches, handle, releaseNext } = heldHandler();
    const queue = new RepositoryEventQueue({ handle, onError: () => {}, maxBatch: 1 });
    queue.add(event('a'), PUSH);
    queue.add(event('b'), PUSH);
    await new Promise(resolve => setImmediate(resolve));
    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    queue.add(event('c'), PUSH);
    await new Promise(resolve => setImmediate(resolve));
    expect(stopped).toBe(false);
    await releaseNext();
    await stopping;
    expect(batches.map(batch => batch[0].repositoryId)).toEqual(['a']);
  });
});

describe('mergeEvents', () => {
  it.each<[string, RepositoryEvent, RepositoryEvent, RepositoryEvent]>([
    ['pushes: the branches of both', event('a', 'push', ['main']), event('a', 'push', ['dev', 'main']), event('a', 'push', ['main', 'dev'])],
    ['pushes, one of unknown branches: unknown', event('a', 'push', ['main']), event('a', 'push'), event('a', 'push')],
    ['a deletion after anything: the deletion', event('a', 'created'), event('a', 'deleted'), event('a', 'deleted')],
    ['anything after a deletion: read it all again', event('a', 'deleted'), event('a', 'push', ['main']), event('a', 'created')],
    ['a rename and a push: read it all again', event('a', 'renamed'), event('a', 'push', ['main']), event('a', 'created')],
    ['two renames: the later', { ...event('a', 'renamed'), repositoryName: 'one' }, { ...event('a', 'renamed'), repositoryName: 'two' }, { ...event('a', 'renamed'), repositoryName: 'two' }],
  ])('%s', (_, earlier, later, merged) => {
    expect(mergeEvents(earlier, later)).toEqual(merged);
  });
});
