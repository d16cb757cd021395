import type { AzureDevOpsApi, AzureDevOpsCommit, AzureDevOpsRepository, ProjectLanguages } from '../client/AzureDevOpsApi';
import type { ProfileConfig } from '../config/types';
import { CONTRIBUTOR_WINDOW_DAYS, contributorsOf } from '../mapping/contributorsOf';
import type { ChangedRepositories } from './ChangeTracker';
import { dueAgain } from './dueAgain';
import type { KnownInsights, KnownRepositories } from './KnownRepositories';
import { errorMessage } from './errorMessage';
import { mapConcurrently } from './mapConcurrently';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Commit data and languages older than this are read again, pushes or not. */
export const INSIGHTS_MAX_AGE_MS = DAY_MS;
/** Commits per page; a page full of commits inside the contributor window asks for the next. */
export const COMMITS_PAGE = 100;
/** Pages of commits at most per repository: beyond 1,000 commits in the window, the count is a floor. */
export const MAX_COMMIT_PAGES = 10;

/** What one step read of the insights, by repository id. */
export interface InsightReads {
  byRepository: Map<string, KnownInsights>;
  /** One line per read that failed; the previous values stay. */
  failures: string[];
}

/**
 * The language metrics of the projects of one cycle, asked for once a day: a project's answer is
 * kept while the cycle's steps go through its repositories (they come project by project), so a
 * project costs one request, or two when its forks come later. Whether every project gave a full
 * answer decides whether the cycle's end counts as the day's read.
 */
export class CycleLanguages {
  /** The answer of the last project of the last step: the next step may begin with the same project. */
  #last?: { project: string; answer: ProjectLanguages | undefined };
  /** Projects whose answer failed or was preliminary (206): the next cycle asks them again. */
  readonly incomplete = new Set<string>();
  /** When set, the only projects asked. */
  readonly #only?: ReadonlySet<string>;

  constructor(options: { only?: readonly string[] } = {}) {
    if (options.only) this.#only = new Set(options.only);
  }

  /**
   * The answers for the projects of one step, asked side by side (the request gate keeps to the
   * profile's concurrency); a project that failed is missing, with its error in `failures`.
   */
  async ofProjects(
    api: AzureDevOpsApi,
    projects: string[],
    options: { concurrency: number; signal?: AbortSignal },
  ): Promise<{ answers: Map<string, ProjectLanguages | undefined>; failures: Map<string, unknown> }> {
    const answers = new Map<string, ProjectLanguages | undefined>();
    const failures = new Map<string, unknown>();
    const last = this.#last;
    const only = this.#only;
    await mapConcurrently(
      only ? projects.filter(project => only.has(project)) : projects,
      options.concurrency,
      async project => {
        if (last?.project === project) {
          answers.set(project, last.answer);
          return;
        }
        try {
          const answer = await api.getProjectLanguages({ project });
          // No answer at all (no analysis there) is an answer too: asked again in a day.
          if (answer?.phase === 'preliminary') this.incomplete.add(project);
          answers.set(project, answer);
        } catch (error) {
          this.incomplete.add(project);
          failures.set(project, error);
        }
      },
      options.signal,
    );
    const lastProject = projects[projects.length - 1];
    this.#last = lastProject !== undefined && answers.has(lastProject) ? { project: lastProject, answer: answers.get(lastProject) } : undefined;
    return { answers, failures };
  }
}

/** Options of {@link readInsights}. */
export interface ReadInsightsOptions {
  api: AzureDevOpsApi;
  profile: ProfileConfig;
  /** The repositories the sync emits. */
  repositories: AzureDevOpsRepository[];
  knownRepositories: KnownRepositories;
  changed: ChangedRepositories;
  /** The cycle's languages when they are due (once a day); undefined when they are not. */
  languages?: CycleLanguages;
  now: number;
  signal?: AbortSignal;
}

/**
 * Reads the insights a step needs again, at a bounded cost: a repository's commits when nothing
 * is known of them, when it was pushed to (project analysis says so), when its default branch
 * changed, or once a day at a time of its own (the contributor window slides; {@link dueAgain});
 * its project's languages when the cycle reads them (once a day). Nothing else: freshness moves
 * with the clock alone. A read that fails keeps what was known.
 */
export async function readInsights(options: ReadInsightsOptions): Promise<InsightReads> {
  const { api, profile, repositories, now } = options;
  const reads: InsightReads = { byRepository: new Map(), failures: [] };
  const record = (id: string, insights: KnownInsights) => reads.byRepository.set(id, { ...reads.byRepository.get(id), ...insights });

  const commits = async () => {
    if (!(profile.insights.freshness || profile.insights.contributors)) return;
    const due = repositories.filter(repository => commitsDue(repository, options));
    await mapConcurrently(
      due,
      profile.concurrency,
      async repository => {
        try {
          record(repository.id, { commits: await readCommitInsights(api, repository, now) });
        } catch (error) {
          reads.failures.push(`commits of project ${repository.project.name}, repository ${repository.name}: ${errorMessage(error)}`);
        }
      },
      options.signal,
    );
  };

  const languages = async () => {
    if (!profile.insights.languages || !options.languages) return;
    const byProject = new Map<string, AzureDevOpsRepository[]>();
    for (const repository of repositories) {
      const listed = byProject.get(repository.project.id);
      if (listed) listed.push(repository);
      else byProject.set(repository.project.id, [repository]);
    }
    const { answers, failures } = await options.languages.ofProjects(api, [...byProject.keys()], {
      concurrency: profile.concurrency,
      signal: options.signal,
    });
    for (const [project, listed] of byProject) {
      const failure = failures.get(project);
      if (failure !== undefined) reads.failures.push(`languages of project ${listed[0].project.name}: ${errorMessage(failure)}`);
      const answer = answers.get(project);
      // A preliminary answer (206) or none at all leaves the previous languages.
      if (answer?.phase !== 'full') continue;
      for (const repository of listed) record(repository.id, { languages: answer.repositories.get(repository.id.toLowerCase()) ?? [] });
    }
  };

  // Side by side: the request gate keeps to the profile's concurrency.
  await Promise.all([commits(), languages()]);
  return reads;
}

function commitsDue(repository: AzureDevOpsRepository, options: ReadInsightsOptions): boolean {
  // Azure DevOps refuses every read of a disabled repository's content, its history included.
  if (repository.isDisabled) return false;
  const known = options.knownRepositories.insightsOf(repository.id).commits;
  if (!known || known.branch !== repository.defaultBranch) return true;
  if (options.changed !== 'all' && options.changed.has(repository.id.toLowerCase())) return true;
  return dueAgain(known.readAt, options.now, repository.id, INSIGHTS_MAX_AGE_MS);
}

/**
 * The default branch's latest commit date and its contributors in the window, from as many pages
 * of commits, newest first, as the window takes (one for most repositories). An empty repository
 * costs no request.
 */
export async function readCommitInsights(
  api: AzureDevOpsApi,
  repository: AzureDevOpsRepository,
  now: number,
): Promise<NonNullable<KnownInsights['commits']>> {
  const branch = repository.defaultBranch;
  if (!branch) return { contributors: 0, readAt: now };
  const since = now - CONTRIBUTOR_WINDOW_DAYS * DAY_MS;
  const commits: AzureDevOpsCommit[] = [];
  for (let page = 0; page < MAX_COMMIT_PAGES; page++) {
    const listed = await api.listCommits({
      project: repository.project.id,
      repositoryId: repository.id,
      branch,
      top: COMMITS_PAGE,
      ...(page > 0 ? { skip: page * COMMITS_PAGE } : {}),
    });
    commits.push(...listed);
    const last = listed.at(-1);
    if (listed.length < COMMITS_PAGE || !last || last.committedAt.getTime() < since) break;
  }
  const latest = commits[0];
  return {
    ...(latest ? { lastCommitAt: latest.committedAt.toISOString() } : {}),
    contributors: contributorsOf(commits, since),
    readAt: now,
    branch,
  };
}
