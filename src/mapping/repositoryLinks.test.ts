import { buildRepository } from '../__testUtils__/builders';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { repositoryLinks } from './repositoryLinks';

const WEB_URL = 'https://dev.azure.com/acme/Mobile%20Apps/_git/ios-app';

function linksOf(repository: Partial<AzureDevOpsRepository>) {
  return repositoryLinks(buildRepository({ webUrl: WEB_URL, ...repository }));
}

describe('repositoryLinks', () => {
  it('links the repository, its pull requests, the project pipelines and its branches, with default app icons', () => {
    expect(linksOf({})).toEqual([
      { url: WEB_URL, title: 'Repository', icon: 'catalog' },
      { url: `${WEB_URL}/pullrequests`, title: 'Pull requests', icon: 'chat' },
      { url: 'https://dev.azure.com/acme/Mobile%20Apps/_build', title: 'Pipelines', icon: 'dashboard' },
      { url: `${WEB_URL}/branches`, title: 'Branches', icon: 'kind:location' },
    ]);
  });

  it.each<[string, Partial<AzureDevOpsRepository>]>([
    ['a disabled repository, whose pages Azure DevOps does not serve', { isDisabled: true }],
    ['an empty repository, which has no branch', { defaultBranch: undefined }],
  ])('gives %s the repository link alone', (_name, repository) => {
    expect(linksOf(repository)).toEqual([{ url: WEB_URL, title: 'Repository', icon: 'catalog' }]);
  });

  it('follows an Azure DevOps Server URL, collection and all', () => {
    const webUrl = 'https://tfs.example.com:8443/tfs/DefaultCollection/Payments/_git/payments-api';
    expect(linksOf({ webUrl }).map(link => link.url)).toEqual([
      webUrl,
      `${webUrl}/pullrequests`,
      'https://tfs.example.com:8443/tfs/DefaultCollection/Payments/_build',
      `${webUrl}/branches`,
    ]);
  });

  it('never carries a user or password of the web URL into a link', () => {
    const links = linksOf({ webUrl: 'https://acme:secret-pat@dev.azure.com/acme/Mobile%20Apps/_git/ios-app' });
    expect(links.map(link => link.url)).toEqual([
      WEB_URL,
      `${WEB_URL}/pullrequests`,
      'https://dev.azure.com/acme/Mobile%20Apps/_build',
      `${WEB_URL}/branches`,
    ]);
    expect(JSON.stringify(links)).not.toMatch(/secret|acme:/);
  });

  it('leaves the pipelines out when the web URL has no /_git/ to find the project by', () => {
    expect(linksOf({ webUrl: 'https://git.example.com/ios-app/' }).map(link => link.title)).toEqual([
      'Repository',
      'Pull requests',
      'Branches',
    ]);
  });

  it('has no link for a web URL that is no http(s) URL', () => {
    expect(linksOf({ webUrl: 'ssh://acme@vs-ssh.visualstudio.com/v3/acme/P/r' })).toEqual([]);
  });
});
