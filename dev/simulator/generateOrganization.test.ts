import { parse } from 'yaml';
import { CATALOG_FILE_PATH, generateOrganization, summarizeOrganization } from './generateOrganization';

describe('generateOrganization', () => {
  const options = { name: 'synthetic', repos: 1000, projects: 7, withFile: 0.4, seed: 42 };

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateOrganization(options)).toEqual(generateOrganization(options));
    expect(generateOrganization({ ...options, seed: 43 })).not.toEqual(generateOrganization(options));
  });

  it('spreads repositories with exact file shares and small special-case shares', () => {
    const organization = generateOrganization(options);
    const summary = summarizeOrganization(organization);
    expect(summary).toMatchObject({ projects: 7, repositories: 1000, withCatalogFile: 400, empty: 20 });
    expect(summary.disabled).toBeGreaterThan(0);
    expect(summary.disabled).toBeLessThan(40);
    expect(summary.forks).toBeGreaterThan(0);
    expect(summary.forks).toBeLessThan(60);
    expect(organization.projects.map(project => project.repositories.length)).toEqual([143, 143, 143, 143, 143, 143, 142]);
    expect(organization.projects.some(project => project.name.includes(' '))).toBe(true);

    const ids = organization.projects.flatMap(project => project.repositories.map(repository => repository.id));
    expect(new Set(ids).size).toBe(1000);
    const forks = organization.projects.flatMap(project => project.repositories.filter(repository => repository.isFork));
    expect(forks.every(fork => fork.parentRepositoryId !== undefined && ids.includes(fork.parentRepositoryId))).toBe(true);
  });

  it('writes valid Backstage components named after their repository', () => {
    const organization = generateOrganization({ ...options, repos: 50, withFile: 1 });
    const repositories = organization.projects.flatMap(project => project.repositories);
    expect(repositories.every(repository => CATALOG_FILE_PATH in repository.files)).toBe(true);
    for (const repository of repositories) {
      const entity = parse(repository.files[CATALOG_FILE_PATH]);
      expect(entity).toMatchObject({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: repository.name },
        spec: {
          owner: expect.stringMatching(/^team-/),
          system: expect.any(String),
          type: expect.any(String),
          lifecycle: expect.any(String),
        },
      });
    }
  });

  it('refuses impossible options', () => {
    expect(() => generateOrganization({ ...options, projects: 0 })).toThrow('projects');
    expect(() => generateOrganization({ ...options, withFile: 1.5 })).toThrow('withFile');
  });
});
