import { makeValidator } from '@backstage/catalog-model';
import { buildRepository } from '../__testUtils__/builders';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { FLAG_TAGS, flagTags } from './flagTags';

describe('flagTags', () => {
  it.each<[string, Partial<AzureDevOpsRepository>, string[]]>([
    ['an ordinary repository', {}, []],
    ['a fork', { isFork: true }, ['fork']],
    ['a disabled repository', { isDisabled: true }, ['disabled']],
    ['an empty repository', { defaultBranch: undefined }, ['empty']],
    ['an empty, disabled fork', { isFork: true, isDisabled: true, defaultBranch: undefined }, ['fork', 'disabled', 'empty']],
  ])('tags %s with %j', (_name, repository, tags) => {
    expect(flagTags(buildRepository(repository))).toEqual(tags);
  });

  it('uses only tags the catalog accepts', () => {
    const validator = makeValidator();
    for (const tag of Object.values(FLAG_TAGS)) expect(validator.isValidTag(tag)).toBe(true);
  });
});
