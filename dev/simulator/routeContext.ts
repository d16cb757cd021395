import { badRequest, repositoryNotFound } from './azureDevOpsErrors';
import type { SimulatedIdentity } from './authentication';
import type { DeploymentSettings } from './deployment';
import {
  DEFAULT_PROJECT_UPDATE_TIME,
  type SimulatedOrganization,
  type SimulatedProject,
  type SimulatedRepository,
} from './organization';
import type { LocatedRepository, OrganizationStore } from './OrganizationStore';
import type { Reply } from './reply';
import type { RequestTarget } from './requestTarget';

/** Everything a route needs; the organization and the project segment are already resolved. */
export interface RouteContext {
  target: RequestTarget;
  store: OrganizationStore;
  organization: SimulatedOrganization;
  /** The project named before `_apis`, when there was one. */
  project?: SimulatedProject;
  query: URLSearchParams;
  /** Media type of the Accept header, lower case, without parameters. */
  acceptType: string;
  urls: ResourceUrls;
  identity: SimulatedIdentity;
  /** When the request arrived, epoch ms from the simulator clock. */
  now: number;
  deployment: DeploymentSettings;
}

export type RouteHandler = (context: RouteContext) => Reply;

export type Outcome<T> = { ok: true; value: T } | { ok: false; reply: Reply };

/** Builds the absolute URLs that appear in answers, pointing back at the simulator. */
export class ResourceUrls {
  readonly #organizationUrl: string;
  /** The organization URL with the organization as user name, the shape of real remote URLs. */
  readonly #remoteOrganizationUrl: string;
  readonly #sshPrefix: string;

  constructor(baseUrl: string, organization: string) {
    const base = new URL(baseUrl);
    const encodedOrganization = encodeURIComponent(organization);
    this.#organizationUrl = `${base.origin}/${encodedOrganization}`;
    this.#remoteOrganizationUrl = `${base.protocol}//${encodedOrganization}@${base.host}/${encodedOrganization}`;
    this.#sshPrefix = `git@${base.hostname}:v3/${encodedOrganization}`;
  }

  organization(): string {
    return this.#organizationUrl;
  }

  project(project: SimulatedProject): string {
    return `${this.#organizationUrl}/_apis/projects/${project.id}`;
  }

  repository(project: SimulatedProject, repository: SimulatedRepository): string {
    return `${this.#organizationUrl}/${project.id}/_apis/git/repositories/${repository.id}`;
  }

  /**
   * The repository by id alone, without its project: how service hook payloads name it, while
   * REST answers put the project id before `_apis` (recorded git.push deliveries in
   * argoproj/argo-cd util/webhook/testdata/azuredevops-git-push-event.json and Microsoft's
   * git.repo.* samples).
   */
  organizationRepository(repository: SimulatedRepository): string {
    return `${this.#organizationUrl}/_apis/git/repositories/${repository.id}`;
  }

  push(repository: SimulatedRepository, pushId: number): string {
    return `${this.organizationRepository(repository)}/pushes/${pushId}`;
  }

  commit(repository: SimulatedRepository, commitId: string): string {
    return `${this.organizationRepository(repository)}/commits/${commitId}`;
  }

  identity(id: string): string {
    return `${this.#organizationUrl}/_apis/Identities/${id}`;
  }

  identityImage(id: string): string {
    return `${this.#organizationUrl}/_api/_common/identityImage?id=${id}`;
  }

  /** Also the `remoteUrl` of service hook payloads, which carry no user name. */
  web(project: SimulatedProject, repository: SimulatedRepository): string {
    return `${this.#organizationUrl}/${gitPath(project, repository)}`;
  }

  /** Like `https://org@dev.azure.com/org/project/_git/repo`. */
  remote(project: SimulatedProject, repository: SimulatedRepository): string {
    return `${this.#remoteOrganizationUrl}/${gitPath(project, repository)}`;
  }

  /** Like `git@ssh.dev.azure.com:v3/org/project/repo`. */
  ssh(project: SimulatedProject, repository: SimulatedRepository): string {
    return `${this.#sshPrefix}/${encodeURIComponent(project.name)}/${encodeURIComponent(repository.name)}`;
  }
}

function gitPath(project: SimulatedProject, repository: SimulatedRepository): string {
  return `${encodeURIComponent(project.name)}/_git/${encodeURIComponent(repository.name)}`;
}

export function projectReferenceJson(project: SimulatedProject, urls: ResourceUrls): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    ...(project.description !== undefined ? { description: project.description } : {}),
    url: urls.project(project),
    state: 'wellFormed',
    revision: project.revision ?? 1,
    visibility: project.visibility,
    lastUpdateTime: (project.lastUpdateTime ?? DEFAULT_PROJECT_UPDATE_TIME).toISOString(),
  };
}

/**
 * The repository of a repository-scoped route. Disabled repositories are listed, but the Git
 * routes that name one, its single GET included, answer as for a missing repository (TF401019):
 * the server looks the repository up with `includeDisabled` false
 * (GitServerUtils.FindRepositoryByFilters in mjwrona/decompiled), as observed on Services.
 */
export function requireRepository(
  context: RouteContext,
  { includeDisabled }: { includeDisabled: boolean },
): Outcome<LocatedRepository> {
  const reference = context.target.repository ?? '';
  const located = context.store.findRepository(context.organization.name, reference, context.project);
  if (!located || (!includeDisabled && located.repository.isDisabled)) {
    return { ok: false, reply: repositoryNotFound(reference) };
  }
  return { ok: true, value: located };
}

/** A whole number ≥ 0 from the query, `fallback` when absent. */
export function wholeNumberParam(query: URLSearchParams, name: string, fallback: number): Outcome<number> {
  const raw = query.get(name);
  if (raw === null || raw === '') return { ok: true, value: fallback };
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    return { ok: false, reply: badRequest(`The value '${raw}' of parameter ${name} is not a whole number.`) };
  }
  return { ok: true, value };
}

export function isTrue(value: string | null): boolean {
  return value?.toLowerCase() === 'true';
}
