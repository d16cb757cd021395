/**
 * `npm run simulator:event -- <command> …`: changes the running simulator's organization through
 * its /_simulator control routes, so that it sends the service hooks Azure DevOps would.
 */
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { catalogFileWithOwner } from './catalogFileWithOwner';

const USAGE = `Usage: npm run simulator:event -- <command> <project>/<repository> [arguments] [options]

Commands (each a change that sends its service hook):
  set-owner <project>/<repo> <owner>        set spec.owner in the catalog file (git.push)
  push <project>/<repo> <path> <content>    write a file on the default branch (git.push)
  push <project>/<repo> <path> --delete     delete a file on the default branch (git.push)
  push <project>/<repo> --branch <name>     push a commit to another branch (git.push)
  create <project>/<repo> [--owner <ref>]   create a repository with a catalog file, or --empty
                                            (git.repo.created, then git.push)
  rename <project>/<repo> <new name>        (git.repo.renamed)
  disable <project>/<repo>                  (git.repo.statuschanged)
  enable <project>/<repo>                   (git.repo.statuschanged)
  delete <project>/<repo>                   (git.repo.deleted)

Options:
  --simulator <url>   the simulator (default http://127.0.0.1:8081)
  --org <name>        the organization (default demo)
  --path <file>       the catalog file of set-owner (default catalog-info.yaml)

Example: npm run simulator:event -- set-owner Platform/api group:default/new-team
`;

interface Request {
  method: 'GET' | 'POST' | 'DELETE';
  /** Below /_simulator/{org}/{project}/. */
  path: string;
  body?: unknown;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      simulator: { type: 'string', default: 'http://127.0.0.1:8081' },
      org: { type: 'string', default: 'demo' },
      path: { type: 'string', default: 'catalog-info.yaml' },
      branch: { type: 'string' },
      delete: { type: 'boolean', default: false },
      owner: { type: 'string', default: 'group:default/demo-team' },
      empty: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, target, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return;
  }
  const slash = target?.indexOf('/') ?? -1;
  if (!target || slash <= 0 || slash === target.length - 1) throw new Error('Name the repository as <project>/<repository>');
  const project = target.slice(0, slash);
  const repository = target.slice(slash + 1);
  const base = `${values.simulator.replace(/\/+$/, '')}/_simulator/${encodeURIComponent(values.org)}/${encodeURIComponent(project)}/`;
  const send = async ({ method, path, body }: Request) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((error: unknown) => {
      throw new Error(`Cannot reach the simulator at ${values.simulator} (${String(error)}): is it running?`);
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${response.status}: ${String(answer.message)}`);
    return answer;
  };
  const repositoryPath = encodeURIComponent(repository);
  const argument = (index: number, name: string) => {
    const value = rest[index];
    if (value === undefined) throw new Error(`${command} needs ${name}`);
    return value;
  };

  let request: Request;
  switch (command) {
    case 'set-owner': {
      const owner = argument(0, 'an owner such as group:default/new-team');
      const file = await send({ method: 'GET', path: `${repositoryPath}/file?path=${encodeURIComponent(values.path)}` });
      const content = catalogFileWithOwner(String(file.content), owner);
      request = { method: 'POST', path: `${repositoryPath}/file`, body: { path: values.path, content } };
      break;
    }
    case 'push':
      if (values.branch !== undefined) {
        request = { method: 'POST', path: `${repositoryPath}/push`, body: { branch: values.branch } };
      } else {
        const path = argument(0, 'a file path');
        const content = values.delete ? null : argument(1, 'the content to write (or --delete)');
        request = { method: 'POST', path: `${repositoryPath}/file`, body: { path, content } };
      }
      break;
    case 'create':
      request = {
        method: 'POST',
        path: 'repositories',
        body: values.empty
          ? { name: repository, empty: true }
          : { name: repository, files: { 'catalog-info.yaml': newCatalogFile(repository, values.owner) } },
      };
      break;
    case 'rename':
      request = { method: 'POST', path: `${repositoryPath}/rename`, body: { name: argument(0, 'the new name') } };
      break;
    case 'disable':
    case 'enable':
      request = { method: 'POST', path: `${repositoryPath}/${command}` };
      break;
    case 'delete':
      request = { method: 'DELETE', path: repositoryPath };
      break;
    default:
      throw new Error(`Unknown command ${command}`);
  }
  const answer = await send(request);
  const { serviceHooks, ...changed } = answer;
  process.stdout.write(`${JSON.stringify(changed, null, 2)}\n${describeDeliveries(serviceHooks)}\n`);
}

/** A Component named after the repository, as lowercase letters, digits and dashes. */
function newCatalogFile(repository: string, owner: string): string {
  const name = repository.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'component';
  return stringify({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: { type: 'service', lifecycle: 'experimental', owner },
  });
}

function describeDeliveries(deliveries: unknown): string {
  if (!Array.isArray(deliveries) || deliveries.length === 0) {
    return 'No service hook sent: start the simulator with a service hook URL (serviceHooks option or --hook-url).';
  }
  return deliveries
    .map((delivery: { eventType: string; url: string; status?: number; error?: string; attempts: number }) => {
      const outcome = delivery.status === undefined ? `failed: ${delivery.error}` : `answered ${delivery.status}`;
      const attempts = delivery.attempts === 1 ? '' : ` after ${delivery.attempts} attempts`;
      return `${delivery.eventType} → ${delivery.url}: ${outcome}${attempts}`;
    })
    .join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(1);
});
