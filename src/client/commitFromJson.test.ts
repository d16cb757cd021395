import { commitFromJson } from './commitFromJson';

const commit = {
  commitId: 'be67f8871a4d2c75f13a51c1d3c30ac0d74d4ef4',
  author: { name: 'Alice Martin', email: 'alice.martin@contoso.example', date: '2026-11-18T09:00:00Z' },
  committer: { name: 'Azure Pipelines', email: 'azuredevops@microsoft.com', date: '2026-11-20T10:00:00Z' },
  comment: 'Fix the build',
};

describe('commitFromJson', () => {
  it('takes the author from author and the date from committer', () => {
    expect(commitFromJson(commit)).toEqual({
      commitId: 'be67f8871a4d2c75f13a51c1d3c30ac0d74d4ef4',
      author: { name: 'Alice Martin', email: 'alice.martin@contoso.example' },
      committedAt: new Date('2026-11-20T10:00:00Z'),
    });
  });

  it.each([
    ['an author without a name, with an empty name', { author: { email: 'a@b.example' } }, { name: '', email: 'a@b.example' }],
    ['an address padded with spaces, trimmed', { author: { name: 'A', email: ' a@b.example ' } }, { name: 'A', email: 'a@b.example' }],
  ])('keeps %s', (_name, change, author) => {
    expect(commitFromJson({ ...commit, ...change })?.author).toEqual(author);
  });

  it.each([
    ['no object', 'be67f887'],
    ['null', null],
    ['no commit id', { ...commit, commitId: undefined }],
    ['an empty commit id', { ...commit, commitId: '' }],
    ['no author', { ...commit, author: undefined }],
    ['an author without an address', { ...commit, author: { name: 'A' } }],
    ['a blank address', { ...commit, author: { name: 'A', email: '  ' } }],
    ['an address that is no text', { ...commit, author: { name: 'A', email: 42 } }],
    ['no committer', { ...commit, committer: undefined }],
    ['a committer without a date', { ...commit, committer: { name: 'A', email: 'a@b.example' } }],
    ['a date that does not parse', { ...commit, committer: { ...commit.committer, date: 'yesterday' } }],
    ['a date that is no text', { ...commit, committer: { ...commit.committer, date: 1_700_000_000_000 } }],
  ])('leaves out a commit with %s', (_name, item) => {
    expect(commitFromJson(item)).toBeUndefined();
  });
});
