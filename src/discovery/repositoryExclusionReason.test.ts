import { buildRepository, PROJECT_ID } from '../__testUtils__/builders';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { compileGlobs } from '../config/compileGlobs';
import type { RepositoryFilters } from '../config/types';
import { matchesGlobs, projectExclusionReason, repositoryExclusionReason } from './repositoryExclusionReason';

/** A repository of project `Platform` unless `projectName` says otherwise. */
function repository(overrides: Partial<AzureDevOpsRepository> & { projectName?: string } = {}) {
  const { projectName = 'Platform', ...rest } = overrides;
  return buildRepository({ project: { id: PROJECT_ID, name: projectName, visibility: 'private' }, ...rest });
}

type FilterGlobs = {
  projects?: string[];
  excludeProjects?: string[];
  repositories?: string[];
  excludeRepositories?: string[];
};

function filters(globs: FilterGlobs = {}, flags: Partial<RepositoryFilters> = {}): RepositoryFilters {
  const compiled = Object.fromEntries(
    Object.entries(globs).map(([key, patterns]) => [key, compileGlobs(patterns)]),
  );
  return { includeDisabled: true, includeForks: true, ...compiled, ...flags };
}

describe('matchesGlobs', () => {
  it.each([
    [['web-*'], 'Web-Shop', true],
    [['web-*', 'api'], 'API', true],
    [['web-*', 'api'], 'apis', false],
    [[], 'anything', false],
  ])('%j matches %j: %s', (patterns, name, expected) => {
    expect(matchesGlobs(name, compileGlobs(patterns))).toBe(expected);
  });
});

describe('repositoryExclusionReason', () => {
  it.each([
    ['no filters', {}, {}, undefined],
    ['an included project', { projectName: 'Platform' }, filters({ projects: ['plat*'] }), undefined],
    ['a project outside the include list', { projectName: 'Sales' }, filters({ projects: ['plat*'] }), 'project-not-included'],
    ['an excluded project', { projectName: 'scratch-1' }, filters({ excludeProjects: ['SCRATCH-*'] }), 'project-excluded'],
    ['a project both included and excluded', { projectName: 'plat-old' }, filters({ projects: ['plat*'], excludeProjects: ['*-old'] }), 'project-excluded'],
    ['an included repository', { name: 'svc-01' }, filters({ repositories: ['svc-??'] }), undefined],
    ['a repository outside the include list', { name: 'svc-001' }, filters({ repositories: ['svc-??'] }), 'repository-not-included'],
    ['an excluded repository', { name: 'docs.wiki' }, filters({ excludeRepositories: ['*.wiki'] }), 'repository-excluded'],
    ['a repository both included and excluded', { name: 'svc-tmp' }, filters({ repositories: ['svc-*'], excludeRepositories: ['*-tmp'] }), 'repository-excluded'],
    ['an excluded project before an excluded repository', { projectName: 'x', name: 'y' }, filters({ excludeProjects: ['x'], excludeRepositories: ['y'] }), 'project-excluded'],
    ['a disabled repository by default', { isDisabled: true }, filters(), undefined],
    ['a disabled repository when disabled ones are left out', { isDisabled: true }, filters({}, { includeDisabled: false }), 'disabled'],
    ['a fork by default', { isFork: true }, filters(), undefined],
    ['a fork when forks are left out', { isFork: true }, filters({}, { includeForks: false }), 'fork'],
    ['an active, original repository with both flags off', {}, filters({}, { includeDisabled: false, includeForks: false }), undefined],
    ['an excluded disabled fork', { name: 'old', isDisabled: true, isFork: true }, filters({ excludeRepositories: ['old'] }, { includeDisabled: false, includeForks: false }), 'repository-excluded'],
  ] as const)('%s', (_name, overrides, repositoryFilters, expected) => {
    const all = { includeDisabled: true, includeForks: true, ...repositoryFilters };
    expect(repositoryExclusionReason(repository(overrides), all)).toBe(expected);
  });
});

describe('projectExclusionReason', () => {
  it.each([
    ['no project globs', filters(), undefined],
    ['a project outside the include list', filters({ projects: ['sales'] }), 'project-not-included'],
    ['a project both included and excluded', filters({ projects: ['platform'], excludeProjects: ['PLAT*'] }), 'project-excluded'],
  ])('%s', (_name, projectFilters, expected) => {
    expect(projectExclusionReason('Platform', projectFilters)).toBe(expected);
  });
});
