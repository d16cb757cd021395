import {
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  stringifyEntityRef,
  type CompoundEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  processingResult,
  type CatalogProcessor,
  type CatalogProcessorEmit,
  type LocationSpec,
} from '@backstage/plugin-catalog-node';
import { z } from 'zod';
import { entityRefFromValue } from '../mapping/entityRefFromValue';
import {
  RELATION_DECLARED_IN,
  RELATION_DECLARES,
  REPOSITORY_API_VERSION,
  REPOSITORY_KIND,
} from '../mapping/RepositoryEntity';

const nonEmptyString = z.string().min(1, 'must not be empty');

/** Relations need full refs: a shorthand would resolve differently depending on who reads it. */
const fullEntityRef = z
  .string()
  .refine(value => entityRefFromValue(value) !== undefined, {
    message: 'must be a full entity ref such as group:default/team-a',
  });

const applicationContextSchema = z.object({
  name: nonEmptyString.optional(),
  title: nonEmptyString.optional(),
  category: nonEmptyString.optional(),
  lifecycle: nonEmptyString.optional(),
  owner: nonEmptyString.optional(),
  application: nonEmptyString.optional(),
  description: nonEmptyString.optional(),
  source: z.literal('Backstage'),
  path: nonEmptyString,
});

/**
 * The `spec` of a Repository entity, matching `RepositoryEntitySpec`. Unknown keys are allowed, as in
 * Backstage's own kind schemas, so entities written by a newer version of this module still validate
 * during a rolling upgrade.
 */
const repositorySpecSchema = z
  .object({
    organization: nonEmptyString,
    project: nonEmptyString,
    repository: nonEmptyString,
    repositoryId: nonEmptyString,
    defaultBranch: nonEmptyString.optional(),
    empty: z.boolean(),
    disabled: z.boolean(),
    fork: z.boolean(),
    visibility: z.enum(['private', 'public']),
    type: nonEmptyString.optional(),
    lifecycle: nonEmptyString.optional(),
    owner: fullEntityRef.optional(),
    system: fullEntityRef.optional(),
    applicationContext: applicationContextSchema.optional(),
    declaredEntities: z.array(fullEntityRef).optional(),
    lastCommitAt: z.iso.datetime({ offset: true }).optional(),
    freshness: z.enum(['active', 'inactive', 'dormant', 'unknown']).optional(),
    languages: z.array(z.object({ name: nonEmptyString, percentage: z.number().min(0).max(100) })).optional(),
    contributors: z.object({ count: z.number().int().min(0), windowDays: z.number().int().positive() }).optional(),
  })
  .superRefine((spec, context) => {
    // An empty repository is exactly one without a default branch; both fields say the same thing.
    if (spec.empty !== (spec.defaultBranch === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['empty'],
        message: 'must be true exactly when spec.defaultBranch is absent',
      });
    }
  });

type RepositorySpec = z.infer<typeof repositorySpecSchema>;

/**
 * Catalog processor for the `Repository` kind this module emits. The catalog refuses entities of a
 * kind no processor accepts, so this processor is what lets Repository entities in at all.
 *
 * Relations, each emitted in both directions:
 * - `ownedBy` / `ownerOf` with `spec.owner`;
 * - `partOf` / `hasPart` with `spec.system`;
 * - `declares` / `declaredIn` with every ref of `spec.declaredEntities` (the entities the
 *   repository's catalog file declares).
 */
export class RepositoryEntityProcessor implements CatalogProcessor {
  /** The name the catalog keys this processor's cache and log lines by. */
  getProcessorName(): string {
    return 'AzureDevOpsRepositoryEntityProcessor';
  }

  /**
   * Accepts entities of this module's `apiVersion` and kind whose spec is valid.
   *
   * @returns false for any other entity, so other processors get to judge it.
   * @throws InputError naming the first invalid fields of the spec.
   */
  async validateEntityKind(entity: Entity): Promise<boolean> {
    if (!isRepositoryEntity(entity)) {
      return false;
    }
    const result = repositorySpecSchema.safeParse(entity.spec);
    if (!result.success) {
      const problems = result.error.issues.map(issue =>
        [issue.path.length > 0 ? `spec.${issue.path.join('.')}` : 'spec', issue.message].join(': '),
      );
      throw new InputError(
        `Invalid ${REPOSITORY_KIND} entity ${stringifyEntityRef(entity)}: ${problems.join('; ')}`,
      );
    }
    return true;
  }

  /** Emits the relations of a valid Repository entity; returns the entity unchanged. */
  async postProcessEntity(entity: Entity, _location: LocationSpec, emit: CatalogProcessorEmit): Promise<Entity> {
    if (!isRepositoryEntity(entity)) {
      return entity;
    }
    // validateEntityKind ran before and reported any problem; an invalid spec simply has no relations.
    const parsed = repositorySpecSchema.safeParse(entity.spec);
    if (!parsed.success) {
      return entity;
    }
    const self = getCompoundEntityRef(entity);
    for (const [type, reverseType, target] of relationsOf(parsed.data, self)) {
      emit(processingResult.relation({ source: self, type, target }));
      emit(processingResult.relation({ source: target, type: reverseType, target: self }));
    }
    return entity;
  }
}

function isRepositoryEntity(entity: Entity): boolean {
  return entity.apiVersion === REPOSITORY_API_VERSION && entity.kind === REPOSITORY_KIND;
}

/** `[type, reverse type, target]` for every relation of the spec, outgoing direction first. */
function relationsOf(
  spec: RepositorySpec,
  self: CompoundEntityRef,
): Array<[string, string, CompoundEntityRef]> {
  // The schema guarantees full refs; the defaults only mirror how Backstage reads these fields.
  const context = { defaultNamespace: self.namespace };
  const relations: Array<[string, string, CompoundEntityRef]> = [];
  if (spec.owner) {
    relations.push([
      RELATION_OWNED_BY,
      RELATION_OWNER_OF,
      parseEntityRef(spec.owner, { ...context, defaultKind: 'Group' }),
    ]);
  }
  if (spec.system) {
    relations.push([
      RELATION_PART_OF,
      RELATION_HAS_PART,
      parseEntityRef(spec.system, { ...context, defaultKind: 'System' }),
    ]);
  }
  for (const declared of spec.declaredEntities ?? []) {
    relations.push([RELATION_DECLARES, RELATION_DECLARED_IN, parseEntityRef(declared, context)]);
  }
  return relations;
}
