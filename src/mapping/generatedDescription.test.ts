import { buildRepository } from '../__testUtils__/builders';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { generatedDescription } from './generatedDescription';

const WHERE = 'payments-api in project Payments of the Azure DevOps organization acme';

describe('generatedDescription', () => {
  it.each<[string, Partial<AzureDevOpsRepository>, string]>([
    ['a plain repository', {}, `Git repository ${WHERE}.`],
    ['a fork of a listing, which names no parent', { isFork: true }, `Git repository ${WHERE}, a fork.`],
    [
      'a fork whose parent is known',
      { isFork: true, parent: { id: 'p', name: 'payments', project: 'Core' } },
      `Git repository ${WHERE}, a fork of Core/payments.`,
    ],
    ['a fork whose parent names no project', { isFork: true, parent: { id: 'p', name: 'payments' } }, `Git repository ${WHERE}, a fork of payments.`],
    ['a disabled repository', { isDisabled: true }, `Disabled Git repository ${WHERE}.`],
    ['an empty repository', { defaultBranch: undefined }, `Empty Git repository ${WHERE}.`],
    [
      'a disabled, empty fork',
      { isDisabled: true, defaultBranch: undefined, isFork: true },
      `Disabled, empty Git repository ${WHERE}, a fork.`,
    ],
    ['a parent on a repository that is no fork', { parent: { id: 'p', name: 'payments' } }, `Git repository ${WHERE}.`],
  ])('describes %s in one sentence', (_name, repository, description) => {
    expect(generatedDescription(buildRepository(repository), 'acme')).toBe(description);
  });

  it('names project and repository as Azure DevOps spells them, spaces and all', () => {
    const repository = buildRepository({ name: 'ios app', project: { id: 'p', name: 'Mobile Apps', visibility: 'private' } });
    expect(generatedDescription(repository, 'Contoso')).toBe(
      'Git repository ios app in project Mobile Apps of the Azure DevOps organization Contoso.',
    );
  });
});
