import { projectLanguagesFromJson } from './projectLanguagesFromJson';

const REPOSITORY_ID = '0F1E2D3C-0000-4000-8000-0000000000A1';

function analytics(languageBreakdown: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'p', resultPhase: 'full', languageBreakdown: [], repositoryLanguageAnalytics: [{ id: REPOSITORY_ID, name: 'r', resultPhase: 'full', languageBreakdown }], ...extra };
}

function languagesOf(body: unknown, preliminary = false) {
  const result = projectLanguagesFromJson(body, preliminary);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

describe('projectLanguagesFromJson', () => {
  it('keys repositories by lower-case id, languages largest first with shares to one decimal', () => {
    const body = analytics([
      { name: 'JavaScript', files: 3, filesPercentage: 42.86, bytes: 1000, languagePercentage: 33.33 },
      { name: 'TypeScript', files: 4, filesPercentage: 57.14, bytes: 2000, languagePercentage: 66.67 },
    ]);
    expect(languagesOf(body)).toEqual({
      phase: 'full',
      repositories: new Map([[REPOSITORY_ID.toLowerCase(), [{ name: 'TypeScript', percentage: 66.7 }, { name: 'JavaScript', percentage: 33.3 }]]]),
    });
  });

  it('orders languages that round alike by their true shares', () => {
    const body = analytics([
      { name: 'Go', languagePercentage: 10.04 },
      { name: 'Rust', languagePercentage: 10.06 },
    ]);
    expect(languagesOf(body).repositories.get(REPOSITORY_ID.toLowerCase())).toEqual([
      { name: 'Rust', percentage: 10.1 },
      { name: 'Go', percentage: 10 },
    ]);
  });

  it.each([
    ['an unrecognized language, which has no share', { name: '.h', files: 2, bytes: 10 }],
    ['a preliminary entry, which counts files only', { name: 'C#', files: 2, filesPercentage: 100 }],
    ['a share that is no number', { name: 'Go', languagePercentage: '50' }],
    ['a negative share', { name: 'Go', languagePercentage: -1 }],
    ['no name', { languagePercentage: 50 }],
    ['an empty name', { name: '', languagePercentage: 50 }],
    ['no object', 'Go'],
  ])('leaves out %s', (_name, entry) => {
    const body = analytics([entry, { name: 'Python', languagePercentage: 50 }]);
    expect(languagesOf(body).repositories.get(REPOSITORY_ID.toLowerCase())).toEqual([{ name: 'Python', percentage: 50 }]);
  });

  it('gives a repository without a breakdown no languages, and leaves out entries without an id', () => {
    const body = {
      resultPhase: 'full',
      repositoryLanguageAnalytics: [{ id: REPOSITORY_ID, name: 'waiting', resultPhase: 'preliminary' }, { name: 'no id' }, 'no object', { id: '', name: 'empty id' }],
    };
    expect(languagesOf(body).repositories).toEqual(new Map([[REPOSITORY_ID.toLowerCase(), []]]));
  });

  it.each([
    ['the status said so (206)', true, 'full', 'preliminary'],
    ['the body says so', false, 'preliminary', 'preliminary'],
    ['neither says so', false, 'full', 'full'],
  ])('is preliminary when %s', (_name, preliminary, resultPhase, phase) => {
    expect(languagesOf(analytics([], { resultPhase }), preliminary).phase).toBe(phase);
  });

  it.each([
    ['no object', []],
    ['no repository list', { resultPhase: 'full' }],
    ['a repository list that is no list', { repositoryLanguageAnalytics: {} }],
  ])('says why a body with %s is no language analysis', (_name, body) => {
    expect(projectLanguagesFromJson(body, false)).toBe('the answer has no "repositoryLanguageAnalytics" list');
  });
});
