import { buildAttributes, buildCatalogDocument, buildProfile, buildRepository, type ProfileOverrides } from '../__testUtils__/builders';
import type { AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import { applicationContextFromDocuments } from './applicationContextFromDocuments';
import { catalogFileUrl, declaredEntitiesFromCatalogFile } from './declaredEntitiesFromCatalogFile';

const repository = buildRepository({ project: { id: 'p', name: 'Web Apps', visibility: 'private' }, name: 'shop' });
const location = 'url:https://dev.azure.com/acme/Web%20Apps/_git/shop?path=%2Fcatalog-info.yaml&version=GBmain';
const KINDS = 'Component, API, Resource, System, Domain';

/** Ingests documents as the provider does: only what the repository's entity links. */
function ingest(
  documents: Array<Record<string, unknown>>,
  options: { profile?: ProfileOverrides; repository?: AzureDevOpsRepository } = {},
) {
  const { declaredEntities } = applicationContextFromDocuments(documents, { path: 'catalog-info.yaml', attributes: buildAttributes() });
  return declaredEntitiesFromCatalogFile(documents, {
    repository: options.repository ?? repository,
    profile: buildProfile(options.profile),
    declaredEntities,
  });
}

const document = (kind: string, name: string, apiVersion = 'backstage.io/v1alpha1') =>
  buildCatalogDocument({ apiVersion, kind, metadata: { name } });

describe('declaredEntitiesFromCatalogFile', () => {
  it('points every entity at the file and adds the Azure DevOps annotations', () => {
    const { entities: [entity], warnings } = ingest([buildCatalogDocument()]);
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/managed-by-location': location,
      'backstage.io/managed-by-origin-location': location,
      'dev.azure.com/project-repo': 'Web Apps/shop',
      'dev.azure.com/host-org': 'dev.azure.com/acme',
    });
    expect(entity.spec).toEqual(buildCatalogDocument().spec);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['the author keeps their own dev.azure.com annotations', { 'dev.azure.com/project-repo': 'Other/repo' }, 'dev.azure.com/project-repo', 'Other/repo'],
    ['the location annotations are always the provider\'s', { 'backstage.io/managed-by-location': 'url:https://elsewhere' }, 'backstage.io/managed-by-location', location],
  ])('%s', (_name, annotations, key, expected) => {
    const { entities: [entity] } = ingest([buildCatalogDocument({ metadata: { annotations } })]);
    expect(entity.metadata.annotations?.[key]).toBe(expected);
  });

  it.each([
    ['no apiVersion', { kind: 'Component', metadata: { name: 'a' } }],
    ['no kind', { apiVersion: 'backstage.io/v1alpha1', metadata: { name: 'a' } }],
    ['no metadata.name', { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: {} }],
    ['metadata that is a list', { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: ['a'] }],
  ])('leaves out a document with %s', (_name, input) => {
    expect(ingest([input])).toEqual({ entities: [], warnings: [] });
  });

  it.each([
    ['Component', 'Component'],
    ['API', 'API'],
    ['Resource', 'Resource'],
    ['System', 'System'],
    ['Domain', 'Domain'],
    ['a kind spelt in another case', 'component'],
  ])('ingests a default kind: %s', (_name, kind) => {
    expect(ingest([document(kind, 'x')]).entities.map(entity => entity.kind)).toEqual([kind]);
  });

  it.each([
    ['a Location', document('Location', 'evil'), `location:default/evil not ingested: its kind is not in backstageCatalog.ingestKinds (${KINDS})`],
    ['a Group', document('Group', 'admins'), `group:default/admins not ingested: its kind is not in backstageCatalog.ingestKinds (${KINDS})`],
    ['a User', document('User', 'root'), `user:default/root not ingested: its kind is not in backstageCatalog.ingestKinds (${KINDS})`],
    ['a Repository of another apiVersion', document('Repository', 'r', 'example.com/v1'), `repository:default/r not ingested: its kind is not in backstageCatalog.ingestKinds (${KINDS})`],
    [
      'a Repository of this module',
      document('Repository', 'r', 'azure-devops-repositories.dev/v1alpha1'),
      'repository:default/r not ingested: only this module emits azure-devops-repositories.dev/v1alpha1 entities',
    ],
    [
      'any kind of this module\'s apiVersion',
      document('Component', 'c', 'azure-devops-repositories.dev/v1alpha1'),
      'component:default/c not ingested: only this module emits azure-devops-repositories.dev/v1alpha1 entities',
    ],
    [
      'this module\'s apiVersion in capitals',
      document('Repository', 'r', ' Azure-DevOps-Repositories.dev/V1alpha1 '),
      'repository:default/r not ingested: only this module emits azure-devops-repositories.dev/v1alpha1 entities',
    ],
  ])('leaves out %s with one warning naming its ref, and keeps the rest', (_name, bad, warning) => {
    const result = ingest([document('Component', 'shop-web'), bad]);
    expect(result.entities.map(entity => entity.metadata.name)).toEqual(['shop-web']);
    expect(result.warnings).toEqual([warning]);
  });

  it.each([
    ['Location listed anyway', ['Component', 'Location'], document('Location', 'evil'), 'location:default/evil not ingested: its kind is not in backstageCatalog.ingestKinds (Component, Location)'],
    ['Repository listed, this module\'s apiVersion', ['Repository'], document('Repository', 'r', 'azure-devops-repositories.dev/v1alpha1'), 'repository:default/r not ingested: only this module emits azure-devops-repositories.dev/v1alpha1 entities'],
  ])('never ingests with %s', (_name, ingestKinds, bad, warning) => {
    expect(ingest([bad], { profile: { backstageCatalog: { ingestKinds } } })).toEqual({ entities: [], warnings: [warning] });
  });

  it('ingests only the configured kinds', () => {
    const result = ingest([document('Component', 'c'), document('Template', 't')], { profile: { backstageCatalog: { ingestKinds: ['template'] } } });
    expect(result.entities.map(entity => entity.kind)).toEqual(['Template']);
    expect(result.warnings).toEqual(['component:default/c not ingested: its kind is not in backstageCatalog.ingestKinds (template)']);
  });

  it('ingests a ref the file declares twice once, from the first document; the links report it', () => {
    const result = ingest([document('Component', 'Shop'), document('component', 'shop')]);
    expect(result).toEqual({ entities: [expect.objectContaining({ kind: 'Component' })], warnings: [] });
  });

  it('ingests nothing the repository does not link: invalid refs are reported once, by the links', () => {
    const result = ingest([document('Component', 'my service'), document('Component', 'x'.repeat(70))]);
    expect(result).toEqual({ entities: [], warnings: [] });
  });

  it('emits nothing for an empty repository', () => {
    expect(ingest([buildCatalogDocument()], { repository: buildRepository({ defaultBranch: undefined }) }).entities).toEqual([]);
  });

  it('does not modify the parsed document', () => {
    const input = buildCatalogDocument();
    const copy = structuredClone(input);
    ingest([input]);
    expect(input).toEqual(copy);
  });

  it('builds file URLs that Backstage\'s Azure URL reader understands', () => {
    expect(catalogFileUrl(repository, 'deploy/catalog-info.yaml', 'release/1.0')).toBe(
      'https://dev.azure.com/acme/Web%20Apps/_git/shop?path=%2Fdeploy%2Fcatalog-info.yaml&version=GBrelease%2F1.0',
    );
  });
});
