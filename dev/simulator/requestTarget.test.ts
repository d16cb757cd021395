import { parseRequestTarget, type RequestTarget } from './requestTarget';

const REPO = '3f2b7a9e-0000-4000-8000-000000000001';

describe('parseRequestTarget', () => {
  it.each<[string, string, RequestTarget]>([
    ['OPTIONS', '/demo/_apis/Location', { route: 'location', organization: 'demo', area: 'Location' }],
    ['OPTIONS', '/demo/_apis/git', { route: 'areaOptions', organization: 'demo', area: 'git' }],
    ['GET', '/demo/_apis/ResourceAreas', { route: 'resourceAreas', organization: 'demo' }],
    ['GET', '/demo/_apis/resourceAreas', { route: 'resourceAreas', organization: 'demo' }],
    ['GET', '/demo/_apis/connectionData', { route: 'connectionData', organization: 'demo' }],
    ['GET', '/demo/_apis/projects', { route: 'projects', organization: 'demo' }],
    ['GET', '/demo/_apis/projects/Platform', { route: 'project', organization: 'demo', projectId: 'Platform' }],
    ['GET', '/demo/_apis/git/repositories', { route: 'repositories', organization: 'demo' }],
    [
      'GET',
      '/demo/Mobile%20Apps/_apis/git/repositories',
      { route: 'repositories', organization: 'demo', project: 'Mobile Apps' },
    ],
    [
      'GET',
      `/demo/P/_apis/git/repositories/${REPO}`,
      { route: 'repository', organization: 'demo', project: 'P', repository: REPO },
    ],
    [
      'GET',
      `/demo/P/_apis/git/repositories/${REPO}/items`,
      { route: 'items', organization: 'demo', project: 'P', repository: REPO },
    ],
    [
      'GET',
      `/demo/P/_apis/git/repositories/api/items/docs/README.md`,
      { route: 'items', organization: 'demo', project: 'P', repository: 'api', itemPath: 'docs/README.md' },
    ],
    [
      'GET',
      `/demo/P/_apis/git/repositories/api/refs/heads/main`,
      { route: 'refs', organization: 'demo', project: 'P', repository: 'api', refFilter: 'heads/main' },
    ],
    ['GET', `/demo/_apis/git/repositories/${REPO}/commits`, { route: 'commits', organization: 'demo', repository: REPO }],
    [
      'GET',
      `/demo/P/_apis/git/repositories/api/stats/branches`,
      { route: 'branchStats', organization: 'demo', project: 'P', repository: 'api' },
    ],
    ['GET', '/demo/P/_apis/projectanalysis/languagemetrics', { route: 'languageMetrics', organization: 'demo', project: 'P' }],
    [
      'GET',
      '/demo/P/_apis/projectanalysis/repositoryactivity/metrics/repositories',
      { route: 'activityMetrics', organization: 'demo', project: 'P' },
    ],
    [
      'GET',
      '/broker/b-1/demo/_apis/git/repositories',
      { route: 'repositories', organization: 'demo', brokerToken: 'b-1' },
    ],
  ])('%s %s', (method, path, expected) => {
    expect(parseRequestTarget(method, path)).toEqual(expected);
  });

  it.each([
    ['POST', '/demo/_apis/git/repositories'],
    ['GET', '/demo/_apis/nothing'],
    ['GET', '/demo/a/b/_apis/projects'],
    ['GET', '/demo/P/_apis/projects'],
    ['GET', '/demo/_apis/projectanalysis/languagemetrics'],
    ['OPTIONS', '/demo/P/_apis/git'],
    ['GET', '/demo/%E0%A4%A/_apis/git/repositories'],
    ['GET', '/'],
  ])('does not route %s %s', (method, path) => {
    expect(parseRequestTarget(method, path).route).toBe('unknown');
  });
});
