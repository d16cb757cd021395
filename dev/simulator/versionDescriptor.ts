import { badRequest, noBranches, unresolvableVersion } from './azureDevOpsErrors';
import type { SimulatedRepository } from './organization';
import type { Outcome } from './routeContext';

type VersionKind = 'Branch' | 'Tag' | 'Commit';

/** The version an items or commits request names. */
export interface VersionDescriptor {
  kind: VersionKind;
  /** Absent means the default branch. */
  version?: string;
}

/** `versionType` arrives as the enum number (the library sends `0`) or its name. */
const VERSION_KINDS: Record<string, VersionKind> = {
  '0': 'Branch',
  branch: 'Branch',
  '1': 'Tag',
  tag: 'Tag',
  '2': 'Commit',
  commit: 'Commit',
};

/**
 * Reads `{prefix}.version` and `{prefix}.versionType`; for items the legacy `version` and
 * `versionType` parameters too. A `refs/heads/` prefix is not stripped: like the real service,
 * the simulator cannot resolve `<Branch: refs/heads/main >`.
 */
export function readVersionDescriptor(query: URLSearchParams, prefix: string): Outcome<VersionDescriptor> {
  const legacy = prefix === 'versionDescriptor';
  const version = query.get(`${prefix}.version`) ?? (legacy ? query.get('version') : null);
  const rawKind = query.get(`${prefix}.versionType`) ?? (legacy ? query.get('versionType') : null);
  const kind = rawKind === null ? 'Branch' : VERSION_KINDS[rawKind.toLowerCase()];
  if (!kind) return { ok: false, reply: badRequest(`The version type '${rawKind}' is not valid.`) };
  return { ok: true, value: version ? { kind, version } : { kind } };
}

/** The commit a descriptor names; there is one branch, no tags and only the tip commit. */
export function resolveVersion(found: SimulatedRepository, descriptor: VersionDescriptor): Outcome<string> {
  if (found.defaultBranch === undefined) return { ok: false, reply: noBranches(found.name) };
  const { kind, version } = descriptor;
  const resolves =
    version === undefined ||
    (kind === 'Branch' && version.toLowerCase() === found.defaultBranch.toLowerCase()) ||
    (kind === 'Commit' && version.toLowerCase() === found.commitId);
  if (resolves) return { ok: true, value: found.commitId };
  return { ok: false, reply: unresolvableVersion(versionLabel(descriptor, found), found.name) };
}

/** How the service names a version in its messages: `<Branch: main >`. */
export function versionLabel(descriptor: VersionDescriptor, found: SimulatedRepository): string {
  return `<${descriptor.kind}: ${descriptor.version ?? found.defaultBranch ?? ''} >`;
}
