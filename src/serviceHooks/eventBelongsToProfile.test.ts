import { eventBelongsToProfile } from './eventBelongsToProfile';

const HOSTED = { organizationUrl: 'https://dev.azure.com/Contoso', organization: 'Contoso' };
const LEGACY = { organizationUrl: 'https://contoso.visualstudio.com/contoso', organization: 'contoso' };
const SERVER = { organizationUrl: 'https://tfs.example.com/tfs/Default%20Collection', organization: 'Default Collection' };

describe('eventBelongsToProfile', () => {
  it.each<[string, string, { organizationUrl: string; organization: string }]>([
    ['a repository API URL', 'https://dev.azure.com/contoso/P-1/_apis/git/repositories/R-1', HOSTED],
    ['a project URL', 'https://dev.azure.com/contoso/_apis/projects/P-1', HOSTED],
    ['a clone URL with the organization as user name', 'https://contoso@dev.azure.com/contoso/Payments/_git/api', HOSTED],
    ['a legacy host for a dev.azure.com profile', 'https://contoso.visualstudio.com/P-1/_apis/git/repositories/R-1', HOSTED],
    ['a dev.azure.com URL for a legacy profile', 'https://dev.azure.com/contoso/_apis/projects/P-1', LEGACY],
    ['a collection on a server, encoded differently', 'https://tfs.example.com/tfs/default collection/_apis/projects/P-1', SERVER],
    ['a collection on a server, with a user name', 'https://me@TFS.example.com/tfs/Default%20Collection/P/_git/r', SERVER],
  ])('matches %s', (_, url, profile) => {
    expect(eventBelongsToProfile({ urls: [url] }, profile)).toBe(true);
  });

  it.each<[string, string[], { organizationUrl: string; organization: string }]>([
    ['another organization', ['https://dev.azure.com/fabrikam/_apis/projects/P-1'], HOSTED],
    ['an organization whose name starts alike', ['https://dev.azure.com/contoso-labs/_apis/projects/P-1'], HOSTED],
    ['another legacy organization', ['https://fabrikam.visualstudio.com/_apis/projects/P-1'], HOSTED],
    ['another host', ['https://tfs.other.com/tfs/Default%20Collection/_apis/projects/P-1'], SERVER],
    ['another scheme', ['http://tfs.example.com/tfs/Default%20Collection/_apis/projects/P-1'], SERVER],
    ['another collection', ['https://tfs.example.com/tfs/Other/_apis/projects/P-1'], SERVER],
    ['no URL', [], HOSTED],
    ['URLs that are none', ['not a url', 'ftp://dev.azure.com/contoso'], HOSTED],
  ])('rejects %s', (_, urls, profile) => {
    expect(eventBelongsToProfile({ urls }, profile)).toBe(false);
  });

  it('matches when any one of the URLs is of the organization', () => {
    const urls = ['garbage', 'https://dev.azure.com/contoso/_apis/projects/P-1'];
    expect(eventBelongsToProfile({ urls }, HOSTED)).toBe(true);
  });
});
