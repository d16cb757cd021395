import {
  nextCommitId,
  NULL_COMMIT_ID,
  SIMULATED_COMMIT_COMMENT,
  type RepositoryInit,
  type SimulatedProject,
  type SimulatedRepository,
} from './organization';
import type { OrganizationStore } from './OrganizationStore';
import { PushLedger, type RecordedPush } from './PushLedger';
import { gitPushPayload } from './serviceHooks/gitPushPayload';
import { repositoryCreatedPayload } from './serviceHooks/repositoryCreatedPayload';
import { repositoryDeletedPayload } from './serviceHooks/repositoryDeletedPayload';
import { repositoryRenamedPayload } from './serviceHooks/repositoryRenamedPayload';
import { repositoryStatusChangedPayload } from './serviceHooks/repositoryStatusChangedPayload';
import type { ServiceHookEventType, ServiceHookPayload } from './serviceHooks/ServiceHookPayload';
import type { PayloadBuilder, ServiceHookPublisher } from './serviceHooks/ServiceHookPublisher';
import { SimulatorStateError } from './SimulatorStateError';

/** What `payload` needs beyond the repository, per event. */
export interface PayloadDetails {
  /** git.push: the branch, short or `refs/heads/…`. Defaults to the default branch. */
  branch?: string;
  /** git.repo.renamed: the name before. Defaults to the current name. */
  oldName?: string;
}

/**
 * Changes to the simulated organizations that Azure DevOps would announce through service hooks,
 * each published as the event it is: the store makes the change, the ledger numbers the pushes,
 * the publisher sends (when a subscription is configured).
 */
export class OrganizationChanges {
  readonly #store: OrganizationStore;
  readonly #hooks: ServiceHookPublisher;
  readonly #clock: () => number;
  readonly #pushes = new PushLedger();

  constructor(options: { store: OrganizationStore; hooks: ServiceHookPublisher; clock: () => number }) {
    this.#store = options.store;
    this.#hooks = options.hooks;
    this.#clock = options.clock;
  }

  /** A commit on the default branch that writes (or, with `undefined`, deletes) one file: git.push. */
  setFile(organization: string, project: string, repository: string, path: string, content: string | undefined): SimulatedRepository {
    const { repository: before } = this.#store.locateRepository(organization, project, repository);
    const oldObjectId = before.commitId;
    const changed = this.#store.setFile(organization, project, repository, path, content);
    this.#pushed(organization, project, changed, {
      branch: changed.defaultBranch ?? 'main',
      oldObjectId,
      newObjectId: changed.commitId,
      date: changed.lastPushDate,
      comment: SIMULATED_COMMIT_COMMENT,
    });
    return changed;
  }

  /**
   * A commit on another branch than the default, which stays as it is: git.push. The first push
   * to a branch creates it from the default branch's tip.
   */
  pushToBranch(organization: string, project: string, repository: string, branch: string): RecordedPush {
    const { repository: target } = this.#store.locateRepository(organization, project, repository);
    const name = shortBranchName(branch);
    if (target.defaultBranch === undefined) {
      throw new SimulatorStateError('invalid', `${target.name} is empty: write a file to create its default branch first`);
    }
    if (name === target.defaultBranch) {
      throw new SimulatorStateError('invalid', `${name} is the default branch of ${target.name}: write a file to push to it`);
    }
    const tip = this.#pushes.last(target, name)?.newObjectId;
    return this.#pushed(organization, project, target, {
      branch: name,
      oldObjectId: tip ?? NULL_COMMIT_ID,
      newObjectId: nextCommitId(tip ?? target.commitId, `refs/heads/${name}`, String(this.#pushes.nextPushId(target))),
      date: new Date(this.#clock()),
      comment: SIMULATED_COMMIT_COMMENT,
    });
  }

  /**
   * git.repo.created; a repository created with files then gets the push of its default branch,
   * as a repository initialized with a first commit would.
   */
  addRepository(organization: string, project: string, init: RepositoryInit): SimulatedRepository {
    const created = this.#store.addRepository(organization, project, init);
    const owner = this.#project(organization, project);
    this.#publish(organization, owner, 'git.repo.created', (origin, notification) =>
      repositoryCreatedPayload(origin, notification, { project: owner, repository: created, at: new Date(this.#clock()) }),
    );
    if (created.defaultBranch !== undefined) {
      this.#pushed(organization, project, created, {
        branch: created.defaultBranch,
        oldObjectId: NULL_COMMIT_ID,
        newObjectId: created.commitId,
        date: created.lastPushDate,
        comment: SIMULATED_COMMIT_COMMENT,
      });
    }
    return created;
  }

  /** git.repo.deleted, a soft delete as from the web UI; false, and no event, when there was no such repository. */
  removeRepository(organization: string, project: string, repository: string): boolean {
    const owner = this.#store.findProject(organization, project);
    const located = owner && this.#store.findRepository(organization, repository, owner);
    if (!located || !this.#store.removeRepository(organization, project, repository)) return false;
    this.#publish(organization, located.project, 'git.repo.deleted', (origin, notification) =>
      repositoryDeletedPayload(origin, notification, { ...located, at: new Date(this.#clock()), isHardDelete: false }),
    );
    return true;
  }

  /** git.repo.renamed, unless the name stays as it is. */
  renameRepository(organization: string, project: string, repository: string, newName: string): SimulatedRepository {
    const { repository: target } = this.#store.locateRepository(organization, project, repository);
    const oldName = target.name;
    if (newName === oldName) return target;
    const renamed = this.#store.renameRepository(organization, project, repository, newName);
    this.#publish(organization, renamed.project, 'git.repo.renamed', (origin, notification) =>
      repositoryRenamedPayload(origin, notification, { ...renamed, oldName, at: new Date(this.#clock()) }),
    );
    return renamed.repository;
  }

  /** git.repo.statuschanged, unless the repository already was so. */
  setRepositoryDisabled(organization: string, project: string, repository: string, disabled: boolean): SimulatedRepository {
    const { repository: target } = this.#store.locateRepository(organization, project, repository);
    if (target.isDisabled === disabled) return target;
    const changed = this.#store.setRepositoryDisabled(organization, project, repository, disabled);
    this.#publish(organization, changed.project, 'git.repo.statuschanged', (origin, notification) =>
      repositoryStatusChangedPayload(origin, notification, changed),
    );
    return changed.repository;
  }

  /**
   * The payload the event would carry for the repository as it is now, built without sending and
   * without changing anything: git.push repeats the branch's last push, or, when none was made
   * while the simulator ran, the push that created the branch at its current tip.
   */
  payload(
    eventType: ServiceHookEventType,
    organization: string,
    project: string,
    repository: string,
    details: PayloadDetails = {},
  ): ServiceHookPayload {
    const located = this.#store.locateRepository(organization, project, repository);
    const at = new Date(this.#clock());
    const build = (builder: PayloadBuilder) =>
      this.#hooks.build(this.#organizationName(organization), located.project, eventType, builder);
    switch (eventType) {
      case 'git.push': {
        const push = this.#lastPush(located.repository, details.branch);
        return build((origin, notification) => gitPushPayload(origin, notification, { ...located, ...push }));
      }
      case 'git.repo.created':
        return build((origin, notification) => repositoryCreatedPayload(origin, notification, { ...located, at }));
      case 'git.repo.renamed': {
        const oldName = details.oldName ?? located.repository.name;
        return build((origin, notification) => repositoryRenamedPayload(origin, notification, { ...located, at, oldName }));
      }
      case 'git.repo.deleted':
        return build((origin, notification) => repositoryDeletedPayload(origin, notification, { ...located, at, isHardDelete: false }));
      case 'git.repo.statuschanged':
        return build((origin, notification) => repositoryStatusChangedPayload(origin, notification, located));
    }
  }

  #pushed(organization: string, project: string, repository: SimulatedRepository, push: Omit<RecordedPush, 'pushId'>): RecordedPush {
    const recorded = this.#pushes.record(repository, push);
    const owner = this.#project(organization, project);
    this.#publish(organization, owner, 'git.push', (origin, notification) =>
      gitPushPayload(origin, notification, { project: owner, repository, ...recorded }),
    );
    return recorded;
  }

  #publish(organization: string, project: SimulatedProject, eventType: ServiceHookEventType, builder: PayloadBuilder): void {
    this.#hooks.publish(this.#organizationName(organization), project, eventType, builder);
  }

  #lastPush(repository: SimulatedRepository, branch: string | undefined): RecordedPush {
    const name = branch === undefined ? repository.defaultBranch : shortBranchName(branch);
    const recorded = name === undefined ? undefined : this.#pushes.last(repository, name);
    if (recorded) return recorded;
    if (name === undefined || name !== repository.defaultBranch) {
      throw new SimulatorStateError('notFound', `${repository.name} has no branch ${name ?? '(it is empty)'}`);
    }
    return {
      branch: name,
      oldObjectId: NULL_COMMIT_ID,
      newObjectId: repository.commitId,
      pushId: this.#pushes.nextPushId(repository),
      date: repository.lastPushDate,
      comment: SIMULATED_COMMIT_COMMENT,
    };
  }

  #project(organization: string, project: string): SimulatedProject {
    const found = this.#store.findProject(organization, project);
    if (!found) throw new SimulatorStateError('notFound', `Unknown project ${organization}/${project}`);
    return found;
  }

  /** As the organization spells its name, whatever the caller's case. */
  #organizationName(organization: string): string {
    return this.#store.organization(organization)?.name ?? organization;
  }
}

function shortBranchName(branch: string): string {
  return branch.replace(/^refs\/heads\//, '');
}
