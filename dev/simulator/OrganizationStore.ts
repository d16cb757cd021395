import {
  commitHistory,
  createProject,
  createRepository,
  nextCommitId,
  normalizeFilePath,
  sizeOfFiles,
  type ProjectInit,
  type RepositoryInit,
  type SimulatedOrganization,
  type SimulatedProject,
  type SimulatedRepository,
  SIMULATED_COMMIT_COMMENT,
  SIMULATED_PUSHER,
} from './organization';
import { SimulatorStateError } from './SimulatorStateError';

/** A repository with the project that holds it. */
export interface LocatedRepository {
  project: SimulatedProject;
  repository: SimulatedRepository;
}

interface OrganizationIndex {
  organization: SimulatedOrganization;
  /** Lower-case project name or id → project. */
  projects: Map<string, SimulatedProject>;
  /** Lower-case repository id → repository and project. */
  repositoriesById: Map<string, LocatedRepository>;
  /** Project → lower-case repository name → repository. */
  repositoriesByName: Map<SimulatedProject, Map<string, SimulatedRepository>>;
  /** Project and repository counts when indexed, to notice structural edits made on the live objects. */
  shape: string;
}

/**
 * The live organizations with lookup indexes, so a request never scans a big organization.
 *
 * The objects handed out are live: change their fields freely. Add or remove projects and
 * repositories through the methods here; additions and removals made directly on the arrays are
 * picked up at the next lookup that misses, renames only after {@link OrganizationStore.reindex}.
 */
export class OrganizationStore {
  readonly #indexes = new Map<string, OrganizationIndex>();
  /** Push times per repository, for activity metrics. */
  readonly #pushes = new WeakMap<SimulatedRepository, number[]>();
  readonly #clock: () => number;

  constructor(organizations: SimulatedOrganization[], clock: () => number) {
    this.#clock = clock;
    for (const organization of organizations) {
      const key = organization.name.toLowerCase();
      if (this.#indexes.has(key)) throw new Error(`Duplicate organization ${organization.name}`);
      for (const project of organization.projects) project.repositories.forEach(checkTip);
      this.#indexes.set(key, buildIndex(organization));
    }
  }

  organizations(): SimulatedOrganization[] {
    return [...this.#indexes.values()].map(index => index.organization);
  }

  /** Organization names are case-insensitive, as on dev.azure.com. */
  organization(name: string): SimulatedOrganization | undefined {
    return this.#indexes.get(name.toLowerCase())?.organization;
  }

  /** By name (case-insensitive) or id. */
  findProject(organization: string, nameOrId: string): SimulatedProject | undefined {
    return this.#lookup(organization, index => {
      const project = index.projects.get(nameOrId.toLowerCase());
      return project && matchesKey(project, nameOrId) ? project : undefined;
    });
  }

  /**
   * By id anywhere in the organization (restricted to `project` when given), or by name
   * (case-insensitive) inside `project`.
   */
  findRepository(
    organization: string,
    nameOrId: string,
    project?: SimulatedProject,
  ): LocatedRepository | undefined {
    const key = nameOrId.toLowerCase();
    return this.#lookup(organization, index => {
      const byId = index.repositoriesById.get(key);
      if (byId && byId.repository.id.toLowerCase() === key && (!project || byId.project === project)) {
        return byId;
      }
      if (!project) return undefined;
      const byName = index.repositoriesByName.get(project)?.get(key);
      return byName && byName.name.toLowerCase() === key ? { project, repository: byName } : undefined;
    });
  }

  /**
   * Times (epoch ms) of the pushes to the default branch, oldest first: each commit of the history
   * the repository started with counts as one push, and so does each push made since.
   */
  pushTimes(repository: SimulatedRepository): readonly number[] {
    const recorded = this.#pushes.get(repository);
    if (recorded) return recorded;
    return commitHistory(repository)
      .map(commit => commit.committedAt.getTime())
      .reverse();
  }

  /**
   * Pushes one commit to the default branch that writes (or, with `undefined`, deletes) one file.
   * A push to an empty repository creates its `main` branch.
   */
  setFile(
    organization: string,
    project: string,
    repository: string,
    path: string,
    content: string | undefined,
  ): SimulatedRepository {
    const target = this.locateRepository(organization, project, repository).repository;
    const filePath = normalizeFilePath(path);
    const history = [...this.pushTimes(target)];
    const commits = commitHistory(target);
    if (content === undefined) delete target.files[filePath];
    else target.files[filePath] = content;
    target.defaultBranch ??= 'main';
    target.commitId = nextCommitId(target.commitId, filePath, content);
    target.size = sizeOfFiles(target.files);
    target.lastPushDate = new Date(this.#clock());
    target.commits = [
      {
        id: target.commitId,
        author: { name: SIMULATED_PUSHER.displayName, email: SIMULATED_PUSHER.email },
        committedAt: target.lastPushDate,
        comment: SIMULATED_COMMIT_COMMENT,
      },
      ...commits,
    ];
    history.push(target.lastPushDate.getTime());
    this.#pushes.set(target, history);
    return target;
  }

  addProject(organization: string, init: ProjectInit): SimulatedProject {
    const index = this.#requireIndex(organization);
    const project = createProject(index.organization.name, init);
    if (index.projects.has(project.name.toLowerCase()) || index.projects.has(project.id)) {
      throw new SimulatorStateError('conflict', `Project ${init.name} already exists in ${organization}`);
    }
    index.organization.projects.push(project);
    this.reindex(organization);
    return project;
  }

  addRepository(organization: string, project: string, init: RepositoryInit): SimulatedRepository {
    const index = this.#requireIndex(organization);
    const owner = this.#requireProject(organization, project);
    if (this.findRepository(organization, init.name, owner)) {
      throw new SimulatorStateError('conflict', `Repository ${project}/${init.name} already exists in ${organization}`);
    }
    const repository = createRepository(index.organization.name, owner.name, init);
    if (index.repositoriesById.has(repository.id)) {
      throw new SimulatorStateError('conflict', `Repository id ${repository.id} is taken`);
    }
    owner.repositories.push(repository);
    this.reindex(organization);
    return repository;
  }

  /** Keeps the id, as a rename on the service does; the new name must be free in the project. */
  renameRepository(organization: string, project: string, repository: string, newName: string): LocatedRepository {
    const located = this.locateRepository(organization, project, repository);
    if (newName.trim() === '') throw new SimulatorStateError('invalid', 'A repository name cannot be empty');
    const taken = this.findRepository(organization, newName, located.project);
    if (taken && taken.repository !== located.repository) {
      throw new SimulatorStateError('conflict', `Repository ${project}/${newName} already exists in ${organization}`);
    }
    located.repository.name = newName;
    this.reindex(organization);
    return located;
  }

  setRepositoryDisabled(organization: string, project: string, repository: string, disabled: boolean): LocatedRepository {
    const located = this.locateRepository(organization, project, repository);
    located.repository.isDisabled = disabled;
    return located;
  }

  /** By name or id inside the project; throws when the organization, project or repository is unknown. */
  locateRepository(organization: string, project: string, repository: string): LocatedRepository {
    const located = this.findRepository(organization, repository, this.#requireProject(organization, project));
    if (!located) throw new SimulatorStateError('notFound', `Unknown repository ${organization}/${project}/${repository}`);
    return located;
  }

  /** Returns false when there was no such repository. */
  removeRepository(organization: string, project: string, repository: string): boolean {
    const owner = this.findProject(organization, project);
    const located = owner && this.findRepository(organization, repository, owner);
    if (!located) return false;
    located.project.repositories.splice(located.project.repositories.indexOf(located.repository), 1);
    this.reindex(organization);
    return true;
  }

  /** Rebuilds the indexes after projects or repositories were added or removed on the live objects. */
  reindex(organization?: string): void {
    for (const [key, index] of this.#indexes) {
      if (organization === undefined || key === organization.toLowerCase()) {
        this.#indexes.set(key, buildIndex(index.organization));
      }
    }
  }

  #lookup<T>(organization: string, find: (index: OrganizationIndex) => T | undefined): T | undefined {
    const key = organization.toLowerCase();
    const index = this.#indexes.get(key);
    if (!index) return undefined;
    const found = find(index);
    if (found !== undefined || shapeOf(index.organization) === index.shape) return found;
    const rebuilt = buildIndex(index.organization);
    this.#indexes.set(key, rebuilt);
    return find(rebuilt);
  }

  #requireIndex(organization: string): OrganizationIndex {
    const index = this.#indexes.get(organization.toLowerCase());
    if (!index) throw new SimulatorStateError('notFound', `Unknown organization ${organization}`);
    return index;
  }

  #requireProject(organization: string, project: string): SimulatedProject {
    const found = this.findProject(organization, project);
    if (!found) throw new SimulatorStateError('notFound', `Unknown project ${organization}/${project}`);
    return found;
  }

}

/** A history whose newest commit is not the tip would answer one commit through refs and another through commits. */
function checkTip(repository: SimulatedRepository): void {
  const tip = repository.commits?.[0];
  if (!tip) return;
  if (tip.id !== repository.commitId || tip.committedAt.getTime() !== repository.lastPushDate.getTime()) {
    throw new SimulatorStateError(
      'invalid',
      `Repository ${repository.name}: its newest commit must be its tip (commitId ${repository.commitId}, lastPushDate ${repository.lastPushDate.toISOString()})`,
    );
  }
}

function matchesKey(project: SimulatedProject, nameOrId: string): boolean {
  const key = nameOrId.toLowerCase();
  return project.id.toLowerCase() === key || project.name.toLowerCase() === key;
}

function shapeOf(organization: SimulatedOrganization): string {
  return organization.projects.map(project => project.repositories.length).join(',');
}

function buildIndex(organization: SimulatedOrganization): OrganizationIndex {
  const index: OrganizationIndex = {
    organization,
    projects: new Map(),
    repositoriesById: new Map(),
    repositoriesByName: new Map(),
    shape: shapeOf(organization),
  };
  for (const project of organization.projects) {
    index.projects.set(project.id.toLowerCase(), project);
    index.projects.set(project.name.toLowerCase(), project);
    const byName = new Map<string, SimulatedRepository>();
    for (const repository of project.repositories) {
      index.repositoriesById.set(repository.id.toLowerCase(), { project, repository });
      byName.set(repository.name.toLowerCase(), repository);
    }
    index.repositoriesByName.set(project, byName);
  }
  return index;
}
