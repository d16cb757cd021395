import { buildCatalogDocument, buildProfile, buildRepository } from '../__testUtils__/builders';
import { catalogFileUrl, declaredEntitiesFromCatalogFile } from './declaredEntitiesFromCatalogFile';

const repository = buildRepository({ project: { id: 'p', name: 'Web Apps', visibility: 'private' }, name: 'shop' });
const profile = buildProfile();
const location = 'url:https://dev.azure.com/acme/Web%20Apps/_git/shop?path=%2Fcatalog-info.yaml&version=GBmain';

describe('declaredEntitiesFromCatalogFile', () => {
  it('points every entity at the file and adds the Azure DevOps annotations', () => {
    const [entity] = declaredEntitiesFromCatalogFile([buildCatalogDocument()], { repository, profile });
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/managed-by-location': location,
      'backstage.io/managed-by-origin-location': location,
      'dev.azure.com/project-repo': 'Web Apps/shop',
      'dev.azure.com/host-org': 'dev.azure.com/acme',
    });
    expect(entity.spec).toEqual(buildCatalogDocument().spec);
  });

  it.each([
    ['the author keeps their own dev.azure.com annotations', { 'dev.azure.com/project-repo': 'Other/repo' }, 'dev.azure.com/project-repo', 'Other/repo'],
    ['the location annotations are always the provider\'s', { 'backstage.io/managed-by-location': 'url:https://elsewhere' }, 'backstage.io/managed-by-location', location],
  ])('%s', (_name, annotations, key, expected) => {
    const [entity] = declaredEntitiesFromCatalogFile([buildCatalogDocument({ metadata: { annotations } })], { repository, profile });
    expect(entity.metadata.annotations?.[key]).toBe(expected);
  });

  it.each([
    ['no apiVersion', { kind: 'Component', metadata: { name: 'a' } }],
    ['no kind', { apiVersion: 'backstage.io/v1alpha1', metadata: { name: 'a' } }],
    ['no metadata.name', { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: {} }],
    ['metadata that is a list', { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: ['a'] }],
  ])('leaves out a document with %s', (_name, document) => {
    expect(declaredEntitiesFromCatalogFile([document], { repository, profile })).toEqual([]);
  });

  it('emits nothing for an empty repository', () => {
    const empty = buildRepository({ defaultBranch: undefined });
    expect(declaredEntitiesFromCatalogFile([buildCatalogDocument()], { repository: empty, profile })).toEqual([]);
  });

  it('does not modify the parsed document', () => {
    const document = buildCatalogDocument();
    const copy = structuredClone(document);
    declaredEntitiesFromCatalogFile([document], { repository, profile });
    expect(document).toEqual(copy);
  });

  it('builds file URLs that Backstage\'s Azure URL reader understands', () => {
    expect(catalogFileUrl(repository, 'deploy/catalog-info.yaml', 'release/1.0')).toBe(
      'https://dev.azure.com/acme/Web%20Apps/_git/shop?path=%2Fdeploy%2Fcatalog-info.yaml&version=GBrelease%2F1.0',
    );
  });
});
