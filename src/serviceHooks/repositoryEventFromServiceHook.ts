import { isRecord } from '../common/isRecord';

/**
 * The topics `@backstage/plugin-events-backend-module-azure` republishes Azure DevOps service hooks
 * on (`azureDevOps.` and the payload's `eventType`), and what each means for one repository.
 */
const EVENT_TYPES = {
  'azureDevOps.git.push': 'push',
  'azureDevOps.git.repo.created': 'created',
  'azureDevOps.git.repo.renamed': 'renamed',
  'azureDevOps.git.repo.statuschanged': 'statusChanged',
  'azureDevOps.git.repo.deleted': 'deleted',
} as const;

/** The topics a provider subscribes to. */
export const SERVICE_HOOK_TOPICS: readonly string[] = Object.keys(EVENT_TYPES);

/** What a service hook says happened to one repository. */
export interface RepositoryEvent {
  type: (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];
  /** Lower case, as the state keys repositories. */
  repositoryId: string;
  /** The name the payload gives (the new one for a rename); for log lines only. */
  repositoryName?: string;
  /** The project as the payload names it: its id when given, else its name. */
  project: string;
  /** The project's name, when the payload gives it: the profile's project filters apply before any request. */
  projectName?: string;
  /**
   * Branches (without `refs/heads/`) a push updated; undefined when the payload does not say, as
   * with "Resource details to send: Minimal": then any branch may be the default one.
   */
  pushedBranches?: string[];
  /**
   * The URLs the payload carries (the repository's API URL, its project's, its clone URL): which
   * organization the event is of is read from them.
   */
  urls: string[];
}

/**
 * Reads a service hook payload, as the events backend publishes it, into the one-repository event
 * it describes, or says in a few words why it cannot be used. Never throws: the payload comes from
 * whoever knows the webhook secret, in any shape. Fields are read from the real payloads
 * (`shared/reference/azure-devops-events.md`): `git.repo.deleted` has no `repository`, only
 * `repositoryId` and `project`; a push names no changed paths, and its `refUpdates` may be absent.
 */
export function repositoryEventFromServiceHook(topic: string, payload: unknown): RepositoryEvent | { ignored: string } {
  const type = EVENT_TYPES[topic as keyof typeof EVENT_TYPES];
  if (!type) return { ignored: `topic ${topic} is not a repository event` };
  if (!isRecord(payload) || !isRecord(payload.resource)) return { ignored: `${topic}: the payload has no resource` };
  const resource = payload.resource;
  // The envelope names the project by GUID even when "Resource details to send" is Minimal.
  const containers = isRecord(payload.resourceContainers) ? payload.resourceContainers : undefined;
  const containerProject = isRecord(containers?.project) ? text(containers.project.id) : undefined;

  if (type === 'deleted') {
    const project = isRecord(resource.project) ? resource.project : undefined;
    const repositoryId = text(resource.repositoryId);
    const projectRef = text(project?.id) ?? containerProject ?? text(project?.name);
    if (!repositoryId || !projectRef) return { ignored: `${topic}: the payload names no repositoryId or project` };
    return {
      type,
      repositoryId: repositoryId.toLowerCase(),
      repositoryName: text(resource.repositoryName),
      project: projectRef,
      projectName: text(project?.name),
      urls: definedTexts([project?.url, resource.url]),
    };
  }

  const repository = isRecord(resource.repository) ? resource.repository : undefined;
  const project = isRecord(repository?.project) ? repository.project : undefined;
  // A Minimal push keeps only its own URL, which names the repository: `…/_apis/git/repositories/{id}/pushes/{n}`.
  const repositoryId = text(repository?.id) ?? repositoryIdInUrl(resource.url);
  const projectRef = text(project?.id) ?? containerProject ?? text(project?.name);
  if (!repositoryId || !projectRef) return { ignored: `${topic}: the payload names no repository with an id and a project` };
  return {
    type,
    repositoryId: repositoryId.toLowerCase(),
    repositoryName: text(repository?.name) ?? text(resource.newName),
    project: projectRef,
    projectName: text(project?.name),
    ...(type === 'push' ? pushedBranches(resource.refUpdates) : {}),
    urls: definedTexts([repository?.url, project?.url, repository?.remoteUrl, resource.url]),
  };
}

function repositoryIdInUrl(url: unknown): string | undefined {
  const match = /\/_apis\/git\/repositories\/([^/?#]+)/i.exec(text(url) ?? '');
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

/** The branches of `refUpdates`, when it is a list; tags and other refs are no branch. */
function pushedBranches(refUpdates: unknown): { pushedBranches?: string[] } {
  if (!Array.isArray(refUpdates)) return {};
  const names = refUpdates.map(update => (isRecord(update) ? text(update.name) : undefined));
  // An entry without a name could be any branch: as if the payload said nothing.
  if (names.some(name => name === undefined)) return {};
  const branches = (names as string[]).filter(name => name.startsWith('refs/heads/')).map(name => name.slice('refs/heads/'.length));
  return { pushedBranches: branches };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function definedTexts(values: unknown[]): string[] {
  return values.map(text).filter((value): value is string => value !== undefined);
}
