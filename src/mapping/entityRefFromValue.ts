import {
  DEFAULT_NAMESPACE,
  KubernetesValidatorFunctions,
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';

/** Defaults used to complete a shorthand entity ref, as in `parseEntityRef`. */
export interface EntityRefDefaults {
  /** Kind for refs without one, e.g. `Group` for an owner. Without it a ref must name its kind. */
  defaultKind?: string;
  /** Namespace for refs without one. Defaults to `default`. */
  defaultNamespace?: string;
}

/**
 * Resolves a possibly shorthand entity ref (`team-a`, `payments/team-a`, `group:payments/team-a`) to
 * its full lower-case string form, the way Backstage resolves `spec.owner` of a Component.
 *
 * `parseEntityRef` accepts anything with non-empty parts (`Team A!` parses), so the parts are also
 * checked against the catalog's default validators: a relation to a name no entity can have would
 * only dangle, and the processor would refuse the entity that carries it.
 *
 * @returns The full ref (`group:payments/team-a`), or undefined when the value is not a usable ref.
 */
export function entityRefFromValue(value: string, defaults: EntityRefDefaults = {}): string | undefined {
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(value.trim(), {
      defaultKind: defaults.defaultKind,
      defaultNamespace: defaults.defaultNamespace ?? DEFAULT_NAMESPACE,
    });
  } catch {
    return undefined;
  }
  return entityRefFromParts(parsed);
}

/**
 * The full lower-case ref of a kind, namespace and name taken as they are (a `/` or `:` in the name
 * is part of the name, not a separator), or undefined when the catalog's default validators refuse
 * a part: no entity can have such a ref.
 */
export function entityRefFromParts(parts: CompoundEntityRef): string | undefined {
  // Refs compare case-insensitively and are stored lower-cased, so validate the stored form.
  const valid =
    KubernetesValidatorFunctions.isValidKind(parts.kind) &&
    KubernetesValidatorFunctions.isValidNamespace(parts.namespace.toLowerCase()) &&
    KubernetesValidatorFunctions.isValidObjectName(parts.name);
  return valid ? stringifyEntityRef(parts) : undefined;
}
