import { buildRepository } from '../__testUtils__/builders';
import { cycleOrderKey, inCycleOrder, positionAfter } from './SyncCycle';

const ALPHA = { id: 'project-a', name: 'Alpha', visibility: 'private' as const };
const BETA = { id: 'Project-B', name: 'Beta', visibility: 'private' as const };

describe('cycle order', () => {
  it('puts originals before forks, then goes project by project, then by id, whatever the case', () => {
    const repositories = [
      buildRepository({ id: 'a-fork', name: 'fork-in-alpha', project: ALPHA, isFork: true }),
      buildRepository({ id: 'C-beta', name: 'c-in-beta', project: BETA }),
      buildRepository({ id: 'z-alpha', name: 'z-in-alpha', project: ALPHA }),
      buildRepository({ id: 'B-alpha', name: 'b-in-alpha', project: ALPHA }),
      buildRepository({ id: 'a-beta', name: 'a-in-beta', project: BETA }),
      buildRepository({ id: '0-fork', name: 'fork-in-beta', project: BETA, isFork: true }),
    ];
    const ordered = inCycleOrder(repositories);
    expect(ordered.map(repository => repository.name)).toEqual([
      'b-in-alpha',
      'z-in-alpha',
      'a-in-beta',
      'c-in-beta',
      'fork-in-alpha',
      'fork-in-beta',
    ]);
    const keys = ordered.map(cycleOrderKey);
    expect(keys).toEqual([...keys].sort());
    // Not the listing's order: the same whatever order the repositories came in.
    expect(inCycleOrder([...repositories].reverse())).toEqual(ordered);
  });

  it('keys a repository by fork, project id and id, in lower case', () => {
    expect(cycleOrderKey(buildRepository({ id: 'Repo-1', project: BETA }))).toBe('0/project-b/repo-1');
    expect(cycleOrderKey(buildRepository({ id: 'Repo-1', project: BETA, isFork: true }))).toBe('1/project-b/repo-1');
  });
});

describe('positionAfter', () => {
  const P = { id: 'p', name: 'P', visibility: 'private' as const };
  const Q = { id: 'q', name: 'Q', visibility: 'private' as const };
  // Keys 0/p/a, 0/p/c, 0/q/b, 1/p/a.
  const ordered = [
    buildRepository({ id: 'a', project: P }),
    buildRepository({ id: 'c', project: P }),
    buildRepository({ id: 'b', project: Q }),
    buildRepository({ id: 'a', project: P, isFork: true }),
  ];

  it.each<[string, string | undefined, number]>([
    ['no cursor: from the start', undefined, 0],
    ['a cursor before every key', '0/a/a', 0],
    ['the first key', '0/p/a', 1],
    ['a key in the middle', '0/q/b', 3],
    ['a cursor between keys (its repository is gone since)', '0/p/b', 1],
    ['the last key: nothing left', '1/p/a', 4],
    ['a cursor after every key', '2/z/z', 4],
  ])('%s', (_name, cursor, expected) => {
    expect(positionAfter(ordered, cursor)).toBe(expected);
  });

  it('is 0 for an empty listing', () => {
    expect(positionAfter([], '0/p/a')).toBe(0);
  });
});
