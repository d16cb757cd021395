import { languageTags } from './languageTags';

describe('languageTags', () => {
  it('makes tags of the main languages, by share, in Backstage tag syntax', () => {
    expect(
      languageTags([
        { name: 'TypeScript', percentage: 20 },
        { name: 'C#', percentage: 60 },
        { name: 'Objective-C', percentage: 10 },
        { name: 'Visual Basic .NET', percentage: 5 },
        { name: 'C++', percentage: 3 },
        { name: 'Shell', percentage: 2 },
      ]),
    ).toEqual(['c#', 'typescript', 'objective-c', 'visual-basic-net', 'c++']);
  });

  it('leaves out names that make no tag, and duplicates', () => {
    expect(
      languageTags([
        { name: '', percentage: 50 },
        { name: '…', percentage: 30 },
        { name: 'F#', percentage: 10 },
        { name: 'f#', percentage: 5 },
        { name: 'x'.repeat(64), percentage: 1 },
      ]),
    ).toEqual(['f#']);
  });

  it('gives no tag without languages', () => {
    expect(languageTags([])).toEqual([]);
  });
});
