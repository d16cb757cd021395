import { FakeAzureDevOpsApi } from '../__testUtils__/FakeAzureDevOpsApi';
import { buildCatalogDocument, buildCatalogFileYaml, buildProfile, buildRepository } from '../__testUtils__/builders';
import { readCatalogFile } from './readCatalogFile';

const repository = buildRepository();

function read(yaml: string, ingestEntities: boolean) {
  const api = new FakeAzureDevOpsApi([repository]);
  api.files.set(repository.id, yaml);
  return readCatalogFile(api, repository, buildProfile({ backstageCatalog: { ingestEntities } }).backstageCatalog);
}

describe('readCatalogFile', () => {
  const component = (name: string) => buildCatalogDocument({ metadata: { name } });

  it('keeps no parsed document without ingestEntities: only the facts', async () => {
    const outcome = await read(buildCatalogFileYaml(component('a'), component('b')), false);

    expect(outcome).toEqual({
      kind: 'read',
      facts: expect.objectContaining({ declaredEntities: ['component:default/a', 'component:default/b'] }),
      fileId: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(outcome).not.toHaveProperty('documents');
  });

  it('keeps, with ingestEntities, only the first document of each declared entity', async () => {
    const notAnEntity = { apiVersion: 'v1', metadata: { name: 'no-kind' } };
    const invalid = component('not valid');
    const yaml = buildCatalogFileYaml(component('a'), notAnEntity, invalid, { ...component('a'), spec: { owner: 'b' } }, component('b'));

    const outcome = await read(yaml, true);

    expect(outcome).toEqual({ kind: 'read', facts: expect.anything(), documents: [component('a'), component('b')], fileId: expect.any(String) });
  });

  it('identifies the file by its Git blob id', async () => {
    const outcome = await read('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n', false);

    // What `git hash-object` prints for that file.
    expect(outcome).toMatchObject({ kind: 'read', fileId: '911cb3936daa504835072d1cf7bfee42dd761027' });
  });

  it('keeps, with ingestEntities, at most as many documents as entities may be declared', async () => {
    const yaml = buildCatalogFileYaml(...Array.from({ length: 150 }, (_, index) => component(`c-${index}`)));

    const outcome = await read(yaml, true);

    expect(outcome.kind === 'read' && outcome.documents).toHaveLength(100);
  });
});
