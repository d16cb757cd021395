import type { IncomingMessage } from 'node:http';
import { normalizeFilePath, type RepositoryInit, type SimulatedRepository } from './organization';
import type { RecordedPush } from './PushLedger';
import { jsonReply, type Reply } from './reply';
import type { ServiceHookDelivery } from './serviceHooks/ServiceHookSender';
import { SimulatorStateError } from './SimulatorStateError';

/** Outside every Azure DevOps path: an organization name cannot start with an underscore. */
const CONTROL_PREFIX = '/_simulator/';
/** Enough for any catalog file the demo writes. */
const BODY_LIMIT = 1024 * 1024;

/** The simulator as the control routes drive it. */
export interface ControlledSimulator {
  repository(organization: string, project: string, repository: string): SimulatedRepository;
  setFile(organization: string, project: string, repository: string, path: string, content: string | undefined): SimulatedRepository;
  pushToBranch(organization: string, project: string, repository: string, branch: string): RecordedPush;
  addRepository(organization: string, project: string, init: RepositoryInit): SimulatedRepository;
  removeRepository(organization: string, project: string, repository: string): boolean;
  renameRepository(organization: string, project: string, repository: string, newName: string): SimulatedRepository;
  setRepositoryDisabled(organization: string, project: string, repository: string, disabled: boolean): SimulatedRepository;
  withServiceHookDeliveries<T>(change: () => T): Promise<{ result: T; deliveries: ServiceHookDelivery[] }>;
}

export function isControlPath(pathname: string): boolean {
  return pathname.startsWith(CONTROL_PREFIX);
}

/**
 * The demo's control surface: changes to the simulated organizations over HTTP, each answered
 * with what changed and the outcome of the service hooks it sent (empty without a subscription).
 *
 * - `GET    /_simulator/{org}/{project}/{repo}/file?path=…`          the file at the default branch's tip
 * - `POST   /_simulator/{org}/{project}/{repo}/file`  `{path, content}` a push writing it (`content: null` deletes)
 * - `POST   /_simulator/{org}/{project}/{repo}/push`  `{branch}`       a push to another branch
 * - `POST   /_simulator/{org}/{project}/{repo}/disable` and `/enable`
 * - `POST   /_simulator/{org}/{project}/{repo}/rename`  `{name}`
 * - `DELETE /_simulator/{org}/{project}/{repo}`
 * - `POST   /_simulator/{org}/{project}/repositories`  `{name, files?, empty?}`
 *
 * No credentials are asked: the simulator listens on loopback only.
 */
export async function answerControlRequest(
  request: IncomingMessage,
  method: string,
  url: URL,
  simulator: ControlledSimulator,
): Promise<Reply> {
  try {
    const body = await readBody(request);
    if (body === undefined) return jsonReply({ message: `A control request body holds at most ${BODY_LIMIT} bytes` }, 413);
    return await answer(method, url, body, simulator);
  } catch (error) {
    return jsonReply({ message: String(error) }, 500);
  }
}

async function answer(method: string, url: URL, body: string, simulator: ControlledSimulator): Promise<Reply> {
  const segments = decodeSegments(url.pathname.slice(CONTROL_PREFIX.length));
  if (!segments || segments.length < 3 || segments.length > 4) return notFound(method, url);
  const [organization, project, repository, action] = segments;
  try {
    const input = method === 'POST' ? parseBody(body) : {};
    const hooked = async <T>(change: () => T, describe: (result: T) => Record<string, unknown>, status = 200) => {
      const { result, deliveries } = await simulator.withServiceHookDeliveries(change);
      return jsonReply({ ...describe(result), serviceHooks: deliveries }, status);
    };
    const summary = (found: SimulatedRepository) => repositorySummary(project, found);

    if (action === undefined) {
      if (method === 'POST' && repository === 'repositories') {
        const init = repositoryInit(input);
        return await hooked(() => simulator.addRepository(organization, project, init), created => ({ repository: summary(created) }), 201);
      }
      if (method === 'DELETE') {
        const removed = summary(simulator.repository(organization, project, repository));
        return await hooked(() => simulator.removeRepository(organization, project, repository), () => ({ removed }));
      }
      return notFound(method, url);
    }
    if (method === 'GET' && action === 'file') {
      const path = normalizeFilePath(url.searchParams.get('path') ?? '');
      const found = simulator.repository(organization, project, repository);
      if (!path || !Object.hasOwn(found.files, path)) {
        return jsonReply({ message: `No file '${path}' in ${project}/${found.name}` }, 404);
      }
      return jsonReply({ path, content: found.files[path], commitId: found.commitId });
    }
    if (method !== 'POST') return notFound(method, url);
    switch (action) {
      case 'file': {
        const path = requiredString(input, 'path');
        const content = input.content === null ? undefined : input.content;
        if (content !== undefined && typeof content !== 'string') {
          throw new SimulatorStateError('invalid', '"content" must be a string, or null to delete the file');
        }
        return await hooked(
          () => simulator.setFile(organization, project, repository, path, content),
          changed => ({ repository: summary(changed), path: normalizeFilePath(path), deleted: content === undefined }),
        );
      }
      case 'push': {
        const branch = requiredString(input, 'branch');
        return await hooked(
          () => simulator.pushToBranch(organization, project, repository, branch),
          push => ({ repository: summary(simulator.repository(organization, project, repository)), push }),
        );
      }
      case 'disable':
      case 'enable':
        return await hooked(
          () => simulator.setRepositoryDisabled(organization, project, repository, action === 'disable'),
          changed => ({ repository: summary(changed) }),
        );
      case 'rename': {
        const name = requiredString(input, 'name');
        const oldName = simulator.repository(organization, project, repository).name;
        return await hooked(
          () => simulator.renameRepository(organization, project, repository, name),
          renamed => ({ repository: summary(renamed), oldName }),
        );
      }
      default:
        return notFound(method, url);
    }
  } catch (error) {
    if (error instanceof SimulatorStateError) {
      const status = { notFound: 404, conflict: 409, invalid: 400 }[error.kind];
      return jsonReply({ message: error.message }, status);
    }
    throw error;
  }
}

function repositorySummary(project: string, repository: SimulatedRepository): Record<string, unknown> {
  return {
    id: repository.id,
    name: repository.name,
    project,
    ...(repository.defaultBranch === undefined ? {} : { defaultBranch: repository.defaultBranch }),
    commitId: repository.commitId,
    isDisabled: repository.isDisabled,
  };
}

function repositoryInit(input: Record<string, unknown>): RepositoryInit {
  const init: RepositoryInit = { name: requiredString(input, 'name') };
  if (input.empty !== undefined) {
    if (typeof input.empty !== 'boolean') throw new SimulatorStateError('invalid', '"empty" must be true or false');
    init.empty = input.empty;
  }
  if (input.files !== undefined) {
    const files = input.files;
    if (typeof files !== 'object' || files === null || Array.isArray(files) || Object.values(files).some(value => typeof value !== 'string')) {
      throw new SimulatorStateError('invalid', '"files" must map paths to string contents');
    }
    init.files = files as Record<string, string>;
  }
  return init;
}

function parseBody(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    throw new SimulatorStateError('invalid', 'The body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SimulatorStateError('invalid', 'The body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function requiredString(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value === '') throw new SimulatorStateError('invalid', `"${key}" must be a non-empty string`);
  return value;
}

function notFound(method: string, url: URL): Reply {
  return jsonReply({ message: `No control route ${method} ${url.pathname}` }, 404);
}

function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split('/').filter(segment => segment.length > 0).map(segment => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/** The body as text; undefined when it is larger than {@link BODY_LIMIT}. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
