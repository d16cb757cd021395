import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { REPOSITORY_ID } from '../__testUtils__/builders';
import { repositoryEntityName, type RepositoryEntityNameInput } from './repositoryEntityName';

const BASE: RepositoryEntityNameInput = {
  profileId: 'acme',
  host: 'dev.azure.com',
  organization: 'acme',
  project: 'Payments',
  repository: 'payments-api',
  repositoryId: REPOSITORY_ID,
};

function nameOf(overrides: Partial<RepositoryEntityNameInput>): string {
  return repositoryEntityName({ ...BASE, ...overrides });
}

const HASH = /-[0-9a-f]{8}$/;

describe('repositoryEntityName', () => {
  it('is <project>-<repository>-<8 hex>', () => {
    expect(nameOf({})).toMatch(/^payments-payments-api-[0-9a-f]{8}$/);
  });

  it.each([
    ['plain names', 'Payments', 'payments-api', /^payments-payments-api$/],
    ['dots and spaces', 'Web Apps', 'my.repo name', /^web-apps-my-repo-name$/],
    ['accents', 'Café', 'Résumé-Über', /^cafe-resume-uber$/],
    ['runs of symbols', '--Core__', '__init__.py!!', /^core-init-py$/],
    ['control characters', 'a\u0000b', 'c\td\n', /^a-b-c-d$/],
    ['an all-unicode project', 'プロジェクト', 'api', /^api$/],
    ['an all-unicode repository', 'Payments', '支付', /^payments$/],
    ['all-unicode names', 'プロジェクト', '支付', /^repo$/],
    ['emoji', '🚀', '🔥 hot', /^hot$/],
    ['a 300-character project', 'p'.repeat(300), 'api', /^p{50}-api$/],
    ['a 300-character repository', 'web', 'r'.repeat(300), /^web-r{50}$/],
    ['two 300-character names', 'p'.repeat(300), 'r'.repeat(300), /^p{26}-r{27}$/],
    ['a long name cut at a dash', 'p', `${'a'.repeat(51)}-${'b'.repeat(100)}`, /^p-a{51}$/],
    ['a 300-character unicode name', 'é'.repeat(300), 'ü'.repeat(300), /^e{26}-u{27}$/],
    ['a 300-character dotted name', 'x', '.a'.repeat(150), /^x-a(-a)+$/],
  ])('is valid and readable for %s', (_name, project, repository, readable) => {
    const name = nameOf({ project, repository });

    expect(KubernetesValidatorFunctions.isValidObjectName(name)).toBe(true);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(HASH);
    expect(name.replace(HASH, '')).toMatch(readable);
  });

  it('is stable across releases: changing it would delete and recreate every entity', () => {
    // sha256("acme\ndev.azure.com\nacme\n5febef5a-833d-4e14-b9c0-14cb638f91e6"), first 8 hex digits.
    expect(nameOf({})).toBe('payments-payments-api-ab14347f');
  });

  it.each([
    ['the repository GUID', { repositoryId: REPOSITORY_ID.toUpperCase() }],
    ['the host', { host: 'DEV.AZURE.COM' }],
    ['the organization', { organization: 'ACME' }],
  ])('ignores the letter case of %s, which Azure DevOps ignores too', (_name, overrides) => {
    expect(nameOf(overrides)).toBe(nameOf({}));
  });

  it('keeps the hash when the repository is renamed or moved to another project', () => {
    const hash = nameOf({}).slice(-8);

    expect(nameOf({ repository: 'billing', project: 'Finance' })).toBe(`finance-billing-${hash}`);
  });

  it.each([
    ['another profile', { profileId: 'acme-2' }],
    ['a profile id differing only by case', { profileId: 'Acme' }],
    ['another host', { host: 'tfs.example.com' }],
    ['another organization', { organization: 'globex' }],
    ['another repository GUID', { repositoryId: '0a1b2c3d-0000-4000-8000-000000000000' }],
  ])('differs for %s', (_name, overrides) => {
    expect(nameOf(overrides)).not.toBe(nameOf({}));
  });

  it('tells apart two repositories named api in two projects', () => {
    const first = nameOf({ project: 'Payments', repository: 'api', repositoryId: 'b4f4a6e1-0000-4000-8000-000000000001' });
    const second = nameOf({ project: 'Billing', repository: 'api', repositoryId: 'b4f4a6e1-0000-4000-8000-000000000002' });

    expect(first).toMatch(/^payments-api-/);
    expect(second).toMatch(/^billing-api-/);
  });

  it('tells apart repositories whose names differ only by case or by dropped characters', () => {
    const names = [
      nameOf({ repository: 'API', repositoryId: 'b4f4a6e1-0000-4000-8000-000000000001' }),
      nameOf({ repository: 'api', repositoryId: 'b4f4a6e1-0000-4000-8000-000000000002' }),
      nameOf({ repository: 'a.p.i', repositoryId: 'b4f4a6e1-0000-4000-8000-000000000003' }),
      nameOf({ repository: 'a p i', repositoryId: 'b4f4a6e1-0000-4000-8000-000000000004' }),
    ];

    expect(new Set(names.map(name => name.toLowerCase())).size).toBe(names.length);
  });

  it('stays unique and valid over many generated names', () => {
    const names = new Set<string>();
    for (let index = 0; index < 2_000; index++) {
      const name = nameOf({
        project: `Project ${index % 7}`,
        repository: index % 3 === 0 ? '支付' : `repo.${index % 11}`,
        repositoryId: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
      });
      expect(KubernetesValidatorFunctions.isValidObjectName(name)).toBe(true);
      names.add(name);
    }

    expect(names.size).toBe(2_000);
  });
});
