/**
 * The token check: a handful of requests that show whether a profile's credentials give the module
 * what it needs, each answered as a check (see {@link VerificationCheck}), never as a throw.
 *
 * Nothing lists a token's scopes (Azure DevOps API reference, section 4), so each scope is probed by
 * the cheapest call that needs it, in this order, each using what the one before found:
 *
 * 1. connection: `connectionData`, which any valid token may read; an unreachable host or a refused
 *    token ends the check here;
 * 2. projects (Project and Team (read)): the first page of the project listing;
 * 3. repositories (Code (read)): one project's repositories, the first of the profile's projects
 *    first (the organization-wide listing when no project could be listed, except through a broker,
 *    whose rules allow only per-project listings); a few more projects only while none has a
 *    repository with a branch to read;
 * 4. file (Code (read)): the profile's catalog file in that repository; a 404 saying the file is not
 *    there proves the read was allowed as well as the file itself does;
 * 5. project analysis (Analytics (read), optional: without it no incremental sync): one page of
 *    that project's repository activity;
 * 6. languages (Analytics (read), optional): that project's language metrics.
 *
 * Six requests, after the library's location discovery (five with a token, the OPTIONS of each
 * area alone through a broker), and up to two more repository listings while the first projects
 * hold no repository to read from.
 */
import type { AzureDevOpsApi, AzureDevOpsProject, AzureDevOpsRepository } from '../client/AzureDevOpsApi';
import type { AzureDevOpsApiFactory } from '../client/createAzureDevOpsApiFactory';
import { AzureDevOpsError } from '../client/AzureDevOpsError';
import type { ProfileConfig } from '../config/types';
import { checkFromFailure, type CheckQuestion } from './checkFromFailure';
import { ok, question, skipped } from './checkResults';
import { brokerVerdict, tokenVerdict } from './credentialVerdicts';
import { profileProjectsFirst, readableRepository } from './probeTargets';
import { redactedVerification, secretsOf } from './redactedVerification';
import {
  SCOPES,
  VERIFICATION_CHECK_NAMES,
  type ProfileVerification,
  type VerificationCheck,
  type VerificationCheckName,
} from './ProfileVerification';

/** One page of the project listing: enough to find a project of the profile's filters. */
const PROJECTS_ASKED = 100;
/** Repository listings asked at most while looking for a repository with a branch to read a file from. */
const PROJECTS_SEARCHED = 3;
/** The activity window asked: well inside the 30 days the service answers for. */
const ACTIVITY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Options of {@link verifyProfile}. */
export interface VerifyProfileOptions {
  /** The port for the profile, as the provider gets it. */
  createApi: AzureDevOpsApiFactory;
  /** The clock, for `checkedAt` and the activity window. Defaults to `Date.now`. */
  now?: () => number;
  /** Stops the check between requests; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Checks what a profile's credentials give the module, with a handful of requests. Access problems,
 * unreachable hosts and odd answers become checks; it rejects only when `signal` aborts it. No
 * secret of the profile appears anywhere in the result.
 */
export async function verifyProfile(profile: ProfileConfig, options: VerifyProfileOptions): Promise<ProfileVerification> {
  const now = options.now ?? Date.now;
  const checkedAt = new Date(now()).toISOString();
  const probe = new ProfileProbe(profile, now, options.signal);
  await probe.run(options.createApi);
  return redactedVerification(probe.result(checkedAt), secretsOf(profile));
}

/** The checks of one run, filled in one after the other. */
class ProfileProbe {
  readonly #profile: ProfileConfig;
  readonly #now: () => number;
  readonly #signal?: AbortSignal;
  readonly #checks = new Map<VerificationCheckName, VerificationCheck>();
  #connectionError: unknown;
  #connectionTried = false;
  /** Whether an answer showed the token works (connection data, or a listing). */
  #tokenAccepted = false;
  /** Whether any answer said the token has expired. */
  #tokenExpired = false;

  constructor(profile: ProfileConfig, now: () => number, signal: AbortSignal | undefined) {
    this.#profile = profile;
    this.#now = now;
    this.#signal = signal;
  }

  async run(createApi: AzureDevOpsApiFactory): Promise<void> {
    this.#signal?.throwIfAborted();
    let api: AzureDevOpsApi;
    try {
      api = await createApi(this.#profile);
    } catch (error) {
      // No credentials (integrations.azure has none for this organization), or a broken factory.
      this.#connectionError = error;
      this.#fail(question('connection', 'preparing the connection'), error);
      return;
    }
    if (!(await this.#checkConnection(api))) return;
    const projects = await this.#checkProjects(api);
    const repository = await this.#checkRepositories(api, projects);
    await this.#checkFile(api, repository);
    const project = repository?.project ?? projects?.[0];
    await this.#checkProjectAnalysis(api, project);
    await this.#checkLanguages(api, project);
  }

  /** True when the other checks can go on. */
  async #checkConnection(api: AzureDevOpsApi): Promise<boolean> {
    this.#signal?.throwIfAborted();
    this.#connectionTried = true;
    const asked = question('connection', 'reading the connection data');
    try {
      const connection = await api.getConnection();
      const where = { hosted: 'Azure DevOps Services', onPremises: 'Azure DevOps Server', unknown: 'Azure DevOps' }[connection.deployment];
      this.#tokenAccepted = true;
      this.#set(ok(asked, `authenticated as ${connection.userName || connection.userId} on ${where}`));
      return true;
    } catch (error) {
      if (error instanceof AzureDevOpsError && error.kind === 'blocked') {
        // The broker answered, with its token known and its client connected; only this request is
        // outside its rules, which syncs never need. The next checks try the token itself.
        this.#set(ok(asked, 'the broker answered, but its accept rules leave out connectionData, so who the token is stays unknown (add GET /:org/_apis/connectionData to see it here); the checks below show what the token may do'));
        return true;
      }
      // Without a scope to miss, a refused connection is a failed one (see checkFromFailure).
      this.#connectionError = error;
      this.#fail(asked, error);
      return false;
    }
  }

  /** The projects listed, the profile's own first; undefined when the listing failed. */
  async #checkProjects(api: AzureDevOpsApi): Promise<AzureDevOpsProject[] | undefined> {
    this.#signal?.throwIfAborted();
    const asked = question('projects', 'listing projects');
    try {
      const projects = await api.listProjects({ limit: PROJECTS_ASKED });
      const count = projects.length >= PROJECTS_ASKED ? `the first ${PROJECTS_ASKED} projects listed` : `${projects.length} ${plural(projects.length, 'project')} listed`;
      const none = projects.length === 0 ? ' (an organization without projects, or a token that may see none)' : '';
      this.#tokenAccepted = true;
      this.#set(ok(asked, `${count}${none}`));
      return profileProjectsFirst(projects, this.#profile);
    } catch (error) {
      this.#fail(asked, error);
      return undefined;
    }
  }

  /**
   * Lists repositories until one has a branch to read a file from; the first listing decides the
   * check. Returns that repository, if any.
   */
  async #checkRepositories(api: AzureDevOpsApi, projects: AzureDevOpsProject[] | undefined): Promise<AzureDevOpsRepository | undefined> {
    const scopes: Array<AzureDevOpsProject | undefined> =
      projects && projects.length > 0 ? projects.slice(0, PROJECTS_SEARCHED) : this.#profile.broker ? [] : [undefined];
    if (scopes.length === 0) {
      const why = projects ? 'no project was listed' : 'the projects could not be listed';
      this.#set(skipped('repositories', `not tried: ${why}, and through a broker repositories are listed per project only`));
      return undefined;
    }
    let listedAny = false;
    for (const project of scopes) {
      this.#signal?.throwIfAborted();
      const asked = question('repositories', project ? `listing the repositories of project ${project.name}` : 'listing the repositories of the organization');
      let repositories: AzureDevOpsRepository[];
      try {
        repositories = (await api.listRepositories(project ? { project: project.id } : {})).repositories;
      } catch (error) {
        // A later project's failure leaves the check as the first listing made it.
        if (!listedAny) this.#fail(asked, error);
        return undefined;
      }
      if (!listedAny) {
        listedAny = true;
        this.#tokenAccepted = true;
        const where = project ? ` in project ${project.name}` : ' in the organization';
        this.#set(ok(asked, `${repositories.length} ${plural(repositories.length, 'repository', 'repositories')} listed${where}`));
      }
      const readable = readableRepository(repositories, this.#profile);
      if (readable) return readable;
    }
    return undefined;
  }

  async #checkFile(api: AzureDevOpsApi, repository: AzureDevOpsRepository | undefined): Promise<void> {
    const { backstageCatalog } = this.#profile;
    if (!backstageCatalog.enabled) {
      this.#set({ ...skipped('file', 'not needed: backstageCatalog.enabled is false, so the module reads no file'), required: false });
      return;
    }
    if (!repository?.defaultBranch) {
      const repositoriesCheck = this.#checks.get('repositories');
      const why =
        repositoriesCheck?.status === 'ok'
          ? `no repository with a branch to read among the first ${PROJECTS_SEARCHED} ${plural(PROJECTS_SEARCHED, 'project')}' listings`
          : 'no repository could be listed';
      this.#set(skipped('file', `not tried: ${why}`));
      return;
    }
    this.#signal?.throwIfAborted();
    const path = `/${backstageCatalog.filename.replace(/^\/+/, '')}`;
    const repositoryName = `${repository.project.name}/${repository.name}`;
    const asked = question('file', `reading ${path} of repository ${repositoryName}`);
    try {
      const result = await api.readFile({
        project: repository.project.id,
        repositoryId: repository.id,
        path,
        branch: repository.defaultBranch,
        maxBytes: backstageCatalog.maxFileBytes,
      });
      switch (result.kind) {
        case 'found':
          this.#set(ok(asked, `read ${path} of repository ${repositoryName}`));
          return;
        case 'tooLarge':
          this.#set(ok(asked, `${path} of repository ${repositoryName} may be read (it is larger than maxFileBytes)`));
          return;
        case 'missing':
        case 'branchMissing':
        case 'emptyRepository':
          this.#set(ok(asked, `${path} is not in repository ${repositoryName} (404), an answer only a token that may read files gets`));
          return;
        case 'repositoryMissing':
          // TF401019 for a repository the listing just named: not for this token.
          this.#set({
            name: 'file',
            status: 'missing',
            required: asked.required,
            scope: SCOPES.code,
            detail: `${SCOPES.code} missing: ${asked.asking} answered 404 GitRepositoryNotFoundException, though the listing names the repository`,
          });
          return;
      }
    } catch (error) {
      this.#fail(asked, error);
    }
  }

  async #checkProjectAnalysis(api: AzureDevOpsApi, project: AzureDevOpsProject | undefined): Promise<void> {
    const without = 'without it every sync reads every catalog file (no incremental sync)';
    if (!project) {
      this.#set(skipped('projectAnalysis', 'not tried: no project to ask about'));
      return;
    }
    this.#signal?.throwIfAborted();
    const asked = question('projectAnalysis', `listing the repository activity of project ${project.name}`, without);
    try {
      await api.checkProjectAnalysis({ project: project.id, metrics: 'activity', since: new Date(this.#now() - ACTIVITY_WINDOW_MS) });
      this.#set(ok(asked, `the repository activity of project ${project.name} answered: syncs read only the files of repositories pushed to`));
    } catch (error) {
      this.#fail(asked, error);
    }
  }

  async #checkLanguages(api: AzureDevOpsApi, project: AzureDevOpsProject | undefined): Promise<void> {
    if (!this.#profile.insights.languages) {
      this.#set(skipped('languages', 'not needed: insights.languages is false'));
      return;
    }
    if (!project) {
      this.#set(skipped('languages', 'not tried: no project to ask about'));
      return;
    }
    this.#signal?.throwIfAborted();
    const asked = question('languages', `reading the language metrics of project ${project.name}`, 'without it repositories get no languages');
    try {
      await api.checkProjectAnalysis({ project: project.id, metrics: 'languages', since: new Date(this.#now()) });
      this.#set(ok(asked, `the language metrics of project ${project.name} answered`));
    } catch (error) {
      this.#fail(asked, error);
    }
  }

  #set(check: VerificationCheck): void {
    this.#checks.set(check.name, check);
  }

  #fail(asked: CheckQuestion, error: unknown): void {
    if (error instanceof AzureDevOpsError && error.tokenExpired) this.#tokenExpired = true;
    this.#set(checkFromFailure(asked, error));
  }

  result(checkedAt: string): ProfileVerification {
    const connection = this.#checks.get('connection');
    const notTried = connection?.status === 'ok' ? 'not tried' : 'not tried: the connection failed';
    const checks = VERIFICATION_CHECK_NAMES.map(name => this.#checks.get(name) ?? skipped(name, notTried));
    return {
      profileId: this.#profile.id,
      checkedAt,
      ok: checks.every(check => !check.required || check.status === 'ok'),
      checks,
      token: tokenVerdict(this.#profile, { expired: this.#tokenExpired, accepted: this.#tokenAccepted, connectionError: this.#connectionError }),
      ...(this.#profile.broker
        ? { broker: brokerVerdict(this.#profile.broker.url, { tried: this.#connectionTried, connectionError: this.#connectionError }) }
        : {}),
    };
  }

}

function plural(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}
