import {
  badRequest,
  itemNotFound,
  noBranches,
  unresolvableVersion,
} from './azureDevOpsErrors';
import {
  gitBlobSha1,
  normalizeFilePath,
  type SimulatedProject,
  type SimulatedRepository,
} from './organization';
import { jsonReply, listReply } from './reply';
import {
  isTrue,
  projectReferenceJson,
  requireRepository,
  wholeNumberParam,
  type Outcome,
  type RouteContext,
  type RouteHandler,
} from './routeContext';

type VersionKind = 'Branch' | 'Tag' | 'Commit';

interface VersionDescriptor {
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

export const repositories: RouteHandler = context => {
  const projects = context.project ? [context.project] : context.organization.projects;
  const value: Record<string, unknown>[] = [];
  for (const project of projects) {
    const projectJson = projectReferenceJson(project, context.urls);
    for (const repository of project.repositories) {
      value.push(repositoryJson(context, project, repository, projectJson));
    }
  }
  return listReply(value);
};

export const repository: RouteHandler = context => {
  const located = requireRepository(context, { readsContent: false });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  return jsonReply(repositoryJson(context, project, found, projectReferenceJson(project, context.urls)));
};

/**
 * One file at a version. `Accept: application/json` (or `$format=json`) gives the item metadata,
 * with `content` only when `includeContent=true`; `text/plain` and `application/octet-stream`
 * give the raw content. Errors stay JSON envelopes whatever the Accept header.
 */
export const items: RouteHandler = context => {
  const located = requireRepository(context, { readsContent: true });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  const rawPath = context.query.get('path') ?? context.target.itemPath;
  if (!rawPath) return badRequest('The path parameter must be given.');
  const descriptor = readVersionDescriptor(context.query, 'versionDescriptor');
  if (!descriptor.ok) return descriptor.reply;
  const commitId = resolveVersion(found, descriptor.value);
  if (!commitId.ok) return commitId.reply;

  const filePath = normalizeFilePath(rawPath);
  const content = Object.hasOwn(found.files, filePath) ? found.files[filePath] : undefined;
  if (content === undefined && Object.keys(found.files).some(path => path.startsWith(`${filePath}/`))) {
    // A folder is an item too: its metadata, a tree and no content, whatever includeContent says.
    return jsonReply({ objectId: gitBlobSha1(filePath), gitObjectType: 'tree', commitId: commitId.value, path: `/${filePath}`, isFolder: true });
  }
  if (content === undefined) {
    return itemNotFound(`/${filePath}`, found.name, versionLabel(descriptor.value, found));
  }
  switch (responseFormat(context.query.get('$format'), context.acceptType)) {
    case 'text':
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: content };
    case 'octetStream':
      return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: content };
    case 'json': {
      const url = `${context.urls.repository(project, found)}/items?path=${encodeURIComponent(`/${filePath}`)}&versionType=${descriptor.value.kind}&version=${encodeURIComponent(descriptor.value.version ?? found.defaultBranch ?? '')}`;
      return jsonReply({
        objectId: gitBlobSha1(content),
        gitObjectType: 'blob',
        commitId: commitId.value,
        path: `/${filePath}`,
        ...(isTrue(context.query.get('includeContent')) ? { content } : {}),
        url,
      });
    }
  }
};

/** Prefix match on the name without `refs/` (`filter=heads/main`); only the default branch exists. */
export const refs: RouteHandler = context => {
  const located = requireRepository(context, { readsContent: true });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  const filter = (context.query.get('filter') ?? context.target.refFilter ?? '').replace(/^refs\//, '');
  const contains = context.query.get('filterContains');
  if (found.defaultBranch === undefined) return listReply([]);
  const name = `refs/heads/${found.defaultBranch}`;
  const matches = name.slice('refs/'.length).startsWith(filter) && (!contains || name.includes(contains));
  const ref = {
    name,
    objectId: found.commitId,
    creator: { displayName: 'Simulated Pusher', id: context.identity.id },
    url: `${context.urls.repository(project, found)}/refs?filter=${encodeURIComponent(name.slice('refs/'.length))}`,
  };
  return listReply(matches ? [ref] : []);
};

/**
 * The latest commit of the branch in `searchCriteria.itemVersion` (default branch when absent);
 * the simulator keeps no history, so there is at most one. With `searchCriteria.itemPath` the
 * list is empty when the file does not exist at the tip.
 */
export const commits: RouteHandler = context => {
  const located = requireRepository(context, { readsContent: true });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  const { query } = context;
  const top = wholeNumberParam(query, query.has('searchCriteria.$top') ? 'searchCriteria.$top' : '$top', 100);
  if (!top.ok) return top.reply;
  if (found.defaultBranch === undefined) return listReply([]);
  const descriptor = readVersionDescriptor(query, 'searchCriteria.itemVersion');
  if (!descriptor.ok) return descriptor.reply;
  const commitId = resolveVersion(found, descriptor.value);
  if (!commitId.ok) return commitId.reply;
  const itemPath = query.get('searchCriteria.itemPath');
  const touchesItem = !itemPath || Object.hasOwn(found.files, normalizeFilePath(itemPath));
  return listReply(top.value > 0 && touchesItem ? [commitJson(context, project, found)] : []);
};

/** Tip and date of one branch (`?name=main`), or of all branches. */
export const branchStats: RouteHandler = context => {
  const located = requireRepository(context, { readsContent: true });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  const name = context.query.get('name');
  const stats =
    found.defaultBranch === undefined
      ? []
      : [
          {
            commit: commitJson(context, project, found),
            name: found.defaultBranch,
            aheadCount: 0,
            behindCount: 0,
            isBaseVersion: true,
          },
        ];
  if (name === null) return listReply(stats);
  const match = stats.find(candidate => candidate.name.toLowerCase() === name.toLowerCase());
  return match ? jsonReply(match) : unresolvableVersion(`<Branch: ${name} >`, found.name);
};

function repositoryJson(
  context: RouteContext,
  project: SimulatedProject,
  found: SimulatedRepository,
  projectJson: Record<string, unknown>,
): Record<string, unknown> {
  const { urls } = context;
  const json: Record<string, unknown> = {
    id: found.id,
    name: found.name,
    url: urls.repository(project, found),
    project: projectJson,
  };
  // Empty repositories have no default branch, and the field is then absent rather than null.
  if (found.defaultBranch !== undefined) json.defaultBranch = `refs/heads/${found.defaultBranch}`;
  Object.assign(json, {
    size: found.size,
    remoteUrl: urls.remote(project, found),
    sshUrl: urls.ssh(project, found),
    webUrl: urls.web(project, found),
    isDisabled: found.isDisabled,
    isInMaintenance: false,
    isFork: found.isFork,
  });
  const parent = found.isFork && found.parentRepositoryId
    ? context.store.findRepository(context.organization.name, found.parentRepositoryId)
    : undefined;
  if (parent) {
    json.parentRepository = {
      id: parent.repository.id,
      name: parent.repository.name,
      url: urls.repository(parent.project, parent.repository),
      project: projectReferenceJson(parent.project, urls),
      isFork: parent.repository.isFork,
      remoteUrl: urls.remote(parent.project, parent.repository),
      sshUrl: urls.ssh(parent.project, parent.repository),
    };
  }
  return json;
}

function commitJson(
  context: RouteContext,
  project: SimulatedProject,
  found: SimulatedRepository,
): Record<string, unknown> {
  const person = { name: 'Simulated Pusher', email: 'pusher@simulator.invalid', date: found.lastPushDate.toISOString() };
  return {
    commitId: found.commitId,
    author: person,
    committer: person,
    comment: 'Simulated push',
    url: `${context.urls.repository(project, found)}/commits/${found.commitId}`,
    remoteUrl: `${context.urls.web(project, found)}/commit/${found.commitId}`,
  };
}

/**
 * Reads `{prefix}.version` and `{prefix}.versionType`; for items the legacy `version` and
 * `versionType` parameters too. A `refs/heads/` prefix is not stripped: like the real service,
 * the simulator cannot resolve `<Branch: refs/heads/main >`.
 */
function readVersionDescriptor(query: URLSearchParams, prefix: string): Outcome<VersionDescriptor> {
  const legacy = prefix === 'versionDescriptor';
  const version = query.get(`${prefix}.version`) ?? (legacy ? query.get('version') : null);
  const rawKind = query.get(`${prefix}.versionType`) ?? (legacy ? query.get('versionType') : null);
  const kind = rawKind === null ? 'Branch' : VERSION_KINDS[rawKind.toLowerCase()];
  if (!kind) return { ok: false, reply: badRequest(`The version type '${rawKind}' is not valid.`) };
  return { ok: true, value: version ? { kind, version } : { kind } };
}

/** The commit a descriptor names; there is one branch, no tags and only the tip commit. */
function resolveVersion(found: SimulatedRepository, descriptor: VersionDescriptor): Outcome<string> {
  if (found.defaultBranch === undefined) return { ok: false, reply: noBranches(found.name) };
  const { kind, version } = descriptor;
  const resolves =
    version === undefined ||
    (kind === 'Branch' && version.toLowerCase() === found.defaultBranch.toLowerCase()) ||
    (kind === 'Commit' && version.toLowerCase() === found.commitId);
  if (resolves) return { ok: true, value: found.commitId };
  return { ok: false, reply: unresolvableVersion(versionLabel(descriptor, found), found.name) };
}

function versionLabel(descriptor: VersionDescriptor, found: SimulatedRepository): string {
  return `<${descriptor.kind}: ${descriptor.version ?? found.defaultBranch ?? ''} >`;
}

function responseFormat(format: string | null, acceptType: string): 'json' | 'text' | 'octetStream' {
  const requested = format?.toLowerCase();
  if (requested === 'text') return 'text';
  if (requested === 'octetstream') return 'octetStream';
  if (requested === 'json') return 'json';
  if (acceptType === 'text/plain') return 'text';
  if (acceptType === 'application/octet-stream') return 'octetStream';
  return 'json';
}
