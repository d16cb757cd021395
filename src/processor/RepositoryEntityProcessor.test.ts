import {
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogProcessorResult, LocationSpec } from '@backstage/plugin-catalog-node';
import { buildCatalogDocument, buildCatalogFileYaml, buildProfile, buildRepository } from '../__testUtils__/builders';
import { applicationContextFromDocuments } from '../mapping/applicationContextFromDocuments';
import { catalogFileFromYaml } from '../mapping/catalogFileFromYaml';
import { RELATION_DECLARED_IN, RELATION_DECLARES, type RepositoryEntity } from '../mapping/RepositoryEntity';
import { repositoryEntityFromRepository } from '../mapping/repositoryEntityFromRepository';
import { RepositoryEntityProcessor } from './RepositoryEntityProcessor';

const LOCATION: LocationSpec = { type: 'url', target: 'https://dev.azure.com/acme/Payments/_git/payments-api' };

/** A Repository entity as the mapping builds it, with `spec` fields replaced or removed. */
function buildEntity(spec: Record<string, unknown> = {}): RepositoryEntity {
  const profile = buildProfile();
  const file = catalogFileFromYaml(
    buildCatalogFileYaml(buildCatalogDocument(), buildCatalogDocument({ kind: 'API', metadata: { name: 'payments-openapi' } })),
    { path: 'catalog-info.yaml' },
  );
  const catalogFile =
    file.kind === 'parsed'
      ? applicationContextFromDocuments(file.documents, { path: 'catalog-info.yaml', attributes: profile.backstageCatalog.attributes })
      : undefined;
  const result = repositoryEntityFromRepository(buildRepository(), { profile, catalogFile });
  if ('skipped' in result) {
    throw new Error(result.skipped);
  }
  const merged: Record<string, unknown> = { ...result.entity.spec, ...spec };
  for (const key of Object.keys(merged)) {
    if (merged[key] === undefined) delete merged[key];
  }
  return { ...result.entity, spec: merged as RepositoryEntity['spec'] };
}

/** Removes everything a catalog file contributes. */
const WITHOUT_CATALOG_FILE = {
  type: undefined,
  lifecycle: undefined,
  owner: undefined,
  system: undefined,
  applicationContext: undefined,
  declaredEntities: undefined,
};

const SELF = { kind: 'Repository', namespace: 'default', name: 'payments-payments-api-ab14347f' };

async function relationsOf(entity: Entity) {
  const emitted: CatalogProcessorResult[] = [];
  const returned = await new RepositoryEntityProcessor().postProcessEntity(entity, LOCATION, result => {
    emitted.push(result);
  });
  expect(returned).toBe(entity);
  return emitted.map(result => (result.type === 'relation' ? result.relation : result));
}

describe('RepositoryEntityProcessor', () => {
  const processor = new RepositoryEntityProcessor();

  it('has a stable name', () => {
    expect(processor.getProcessorName()).toBe('AzureDevOpsRepositoryEntityProcessor');
  });

  describe('validateEntityKind', () => {
    it.each([
      ['as the mapping builds it', {}],
      ['without a catalog file', WITHOUT_CATALOG_FILE],
      ['of an empty repository', { defaultBranch: undefined, empty: true }],
      ['with a public, disabled fork', { visibility: 'public', disabled: true, fork: true }],
      ['with a key a newer version may add', { futureField: 'x' }],
      [
        'with a description in its application context',
        { applicationContext: { description: 'Takes card payments.', source: 'Backstage', path: 'catalog-info.yaml' } },
      ],
    ])('accepts a Repository %s', async (_name, spec) => {
      await expect(processor.validateEntityKind(buildEntity(spec))).resolves.toBe(true);
    });

    it.each([
      ['another kind', { kind: 'Component' }],
      ['another apiVersion', { apiVersion: 'backstage.io/v1alpha1' }],
      ['another group of the same kind', { apiVersion: 'example.com/v1alpha1' }],
    ])('leaves %s to other processors', async (_name, envelope) => {
      await expect(processor.validateEntityKind({ ...buildEntity(), ...envelope })).resolves.toBe(false);
    });

    it.each([
      ['a missing organization', { organization: undefined }, 'spec.organization: Invalid input: expected string, received undefined'],
      ['an empty project', { project: '' }, 'spec.project: must not be empty'],
      ['a numeric repositoryId', { repositoryId: 7 }, 'spec.repositoryId: Invalid input: expected string, received number'],
      ['a string flag', { disabled: 'yes' }, 'spec.disabled: Invalid input: expected boolean, received string'],
      ['an unknown visibility', { visibility: 'internal' }, 'spec.visibility: Invalid option: expected one of "private"|"public"'],
      ['a shorthand owner', { owner: 'team-a' }, 'spec.owner: must be a full entity ref such as group:default/team-a'],
      ['an owner with spaces', { owner: 'group:default/Team A' }, 'spec.owner: must be a full entity ref'],
      ['a system that is no string', { system: { name: 'payments' } }, 'spec.system: Invalid input: expected string, received object'],
      ['a bad declared entity', { declaredEntities: ['component:default/ok', 'nope'] }, 'spec.declaredEntities.1: must be a full entity ref'],
      ['an empty context description', { applicationContext: { description: '', source: 'Backstage', path: 'x' } }, 'spec.applicationContext.description: must not be empty'],
      ['an application context of another source', { applicationContext: { source: 'Snyk', path: 'x' } }, 'spec.applicationContext.source: Invalid input: expected "Backstage"'],
      ['empty and a default branch', { empty: true }, 'spec.empty: must be true exactly when spec.defaultBranch is absent'],
      ['not empty without a default branch', { defaultBranch: undefined }, 'spec.empty: must be true exactly when spec.defaultBranch is absent'],
    ])('refuses a Repository with %s, naming the field', async (_name, spec, message) => {
      await expect(processor.validateEntityKind(buildEntity(spec))).rejects.toThrow(
        expect.objectContaining({ name: 'InputError', message: expect.stringContaining(message) }),
      );
    });

    it('names the entity and every invalid field in one message', async () => {
      await expect(processor.validateEntityKind(buildEntity({ fork: 1, visibility: 'x' }))).rejects.toThrow(
        /^Invalid Repository entity repository:default\/payments-payments-api-ab14347f: spec\.fork: .+; spec\.visibility: .+$/,
      );
    });

    it('refuses a Repository without a spec', async () => {
      const entity: Entity = { ...buildEntity() };
      delete entity.spec;

      await expect(processor.validateEntityKind(entity)).rejects.toThrow(/: spec: Invalid input: expected object/);
    });
  });

  describe('postProcessEntity', () => {
    /** The relation to `target` and its reverse, in the order the processor emits them. */
    function both(type: string, reverseType: string, target: string) {
      const [kind, rest] = target.split(':') as [string, string];
      const [namespace, name] = rest.split('/') as [string, string];
      const ref = { kind, namespace, name };
      return [
        { source: SELF, type, target: ref },
        { source: ref, type: reverseType, target: SELF },
      ];
    }
    const declared = [
      ...both(RELATION_DECLARES, RELATION_DECLARED_IN, 'component:default/payments-api'),
      ...both(RELATION_DECLARES, RELATION_DECLARED_IN, 'api:default/payments-openapi'),
    ];

    it.each([
      [
        'owner, system and declared entities',
        {},
        [
          ...both(RELATION_OWNED_BY, RELATION_OWNER_OF, 'group:default/team-a'),
          ...both(RELATION_PART_OF, RELATION_HAS_PART, 'system:default/payments'),
          ...declared,
        ],
      ],
      [
        'an owner of another kind and namespace',
        { owner: 'user:payments/jane', system: undefined, declaredEntities: undefined },
        both(RELATION_OWNED_BY, RELATION_OWNER_OF, 'user:payments/jane'),
      ],
      ['declared entities only', { owner: undefined, system: undefined }, declared],
      ['nothing', { owner: undefined, system: undefined, declaredEntities: undefined }, []],
    ])('emits relations for %s', async (_name, spec, relations) => {
      expect(await relationsOf(buildEntity(spec))).toEqual(relations);
    });

    it.each([
      ['another kind', { ...buildEntity(), kind: 'Component' }],
      ['an invalid Repository', buildEntity({ owner: 'team a' })],
    ])('emits nothing for %s', async (_name, entity) => {
      expect(await relationsOf(entity)).toEqual([]);
    });
  });
});
