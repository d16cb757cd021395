import { minimalResource } from './minimalResource';

describe('minimalResource', () => {
  it.each([
    [{ pushId: 3, url: 'u', refUpdates: [{ name: 'refs/heads/main' }], repository: { id: 'r' }, date: 'd' }, { pushId: 3, url: 'u' }],
    [{ repositoryId: 'r', repositoryName: 'n', isHardDelete: false, project: { id: 'p' } }, { repositoryId: 'r', repositoryName: 'n' }],
    [{ oldName: 'a', newName: 'b', repository: { id: 'r' }, utcTimestamp: 't' }, { oldName: 'a', newName: 'b' }],
    [{ id: 1, name: 'n', url: 'u', title: 't' }, { id: 1, name: 'n', url: 'u' }],
    [{ disabled: true, repository: { id: 'r' } }, {}],
  ])('keeps the top-level ids, URLs and names of %j', (resource, expected) => {
    expect(minimalResource(resource)).toEqual(expected);
  });
});
