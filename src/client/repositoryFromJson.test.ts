import { repositoryFromJson } from './repositoryFromJson';

const ORGANIZATION_URL = 'https://dev.azure.com/acme';

/** A `GitRepository` as a listing carries it, with `fields` added or replaced. */
function repositoryJson(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'a1',
    name: 'ios-app-fork',
    project: { id: 'p1', name: 'Mobile Apps', visibility: 'private' },
    defaultBranch: 'refs/heads/main',
    webUrl: 'https://dev.azure.com/acme/Mobile%20Apps/_git/ios-app-fork',
    isDisabled: false,
    ...fields,
  };
}

const PARENT = { id: 'a0', name: 'ios-app', project: { id: 'p1', name: 'Mobile Apps' }, url: 'https://dev.azure.com/acme/_apis/git/repositories/a0' };

describe('repositoryFromJson', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ['a fork whose parent the answer names', { isFork: true, parentRepository: PARENT }, { id: 'a0', name: 'ios-app', project: 'Mobile Apps' }],
    ['a parent without a project', { isFork: true, parentRepository: { id: 'a0', name: 'ios-app' } }, { id: 'a0', name: 'ios-app' }],
    ['a fork as a listing carries it, without parentRepository', { isFork: true }, undefined],
    ['a parent without a name', { isFork: true, parentRepository: { id: 'a0' } }, undefined],
    ['a parentRepository of null', { isFork: true, parentRepository: null }, undefined],
    ['a parent on a repository that is no fork', { parentRepository: PARENT }, undefined],
  ])('reads the parent of %s', (_name, fields, parent) => {
    const repository = repositoryFromJson(repositoryJson(fields), ORGANIZATION_URL);
    if (typeof repository === 'string') throw new Error(repository);
    if (parent === undefined) expect(repository).not.toHaveProperty('parent');
    else expect(repository.parent).toEqual(parent);
  });

  it('strips refs/heads/ and defaults the flags', () => {
    expect(repositoryFromJson(repositoryJson({ isDisabled: undefined }), ORGANIZATION_URL)).toEqual({
      id: 'a1',
      name: 'ios-app-fork',
      project: { id: 'p1', name: 'Mobile Apps', visibility: 'private' },
      defaultBranch: 'main',
      webUrl: 'https://dev.azure.com/acme/Mobile%20Apps/_git/ios-app-fork',
      isDisabled: false,
      isFork: false,
    });
  });
});
