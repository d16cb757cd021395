/**
 * Entry of the simulator child process (see simulatorProcess.ts): a synthetic organization in an
 * AzureDevOpsSimulator, controlled by IPC messages.
 */
import {
  AzureDevOpsSimulator,
  CATALOG_FILE_PATH,
  generateOrganization,
  type SimulatedOrganization,
  type SimulatedRepository,
} from '../simulator';
import { readAppliedEntities } from './AppliedEntitiesFile';
import { compareEntities, truthOf } from './expectedEntities';
import type { Mutation, MutationResult, SimulatorCommand, SimulatorMessage, SimulatorReplies, SimulatorStats } from './simulatorProcess';

const ORGANIZATION = 'bench';
const TOKEN = 'bench-token';

let simulator: AzureDevOpsSimulator | undefined;
let mutations = 0;

function running(): AzureDevOpsSimulator {
  if (!simulator) throw new Error('the simulator is not started');
  return simulator;
}

async function handle(command: SimulatorCommand): Promise<SimulatorReplies[SimulatorCommand['cmd']]> {
  switch (command.cmd) {
    case 'start': {
      const { setup } = command;
      const organization = generateOrganization({
        name: ORGANIZATION,
        repos: setup.repos,
        projects: setup.projects,
        withFile: setup.withFile,
        seed: setup.seed,
      });
      simulator = await AzureDevOpsSimulator.start({
        organizations: [organization],
        tokens: [TOKEN],
        latencyMs: setup.latencyMs,
        throttle: setup.throttle,
        // Kept per pass only: the bench resets them after reading the counts.
        recordRequests: true,
      });
      return { url: simulator.url, organization: ORGANIZATION, token: TOKEN };
    }
    case 'truth':
      return truthOf(running().organization(ORGANIZATION));
    case 'verify': {
      // Here rather than in the bench's process, so that neither the organization's truth nor the
      // applied entities weigh on the memory the bench measures there.
      const { repositories, ...counts } = truthOf(running().organization(ORGANIZATION));
      const entities = [...(await readAppliedEntities(command.file)).values()];
      return { ...compareEntities({ repositories, ...counts }, entities), entities: entities.length, counts };
    }
    case 'mutate':
      return mutate(running(), command.mutation);
    case 'stats':
      return stats(running(), command.reset);
    case 'stop':
      await simulator?.stop();
      return {};
  }
}

function stats(simulator: AzureDevOpsSimulator, reset: boolean): SimulatorStats {
  const byRoute: Record<string, number> = {};
  for (const request of simulator.requests) {
    const key = `${request.method} ${request.route}`;
    byRoute[key] = (byRoute[key] ?? 0) + 1;
  }
  const result = { requests: simulator.requests.length, byRoute, throttle: simulator.throttleStats() };
  if (reset) simulator.resetRequests();
  return result;
}

/**
 * Edits `editShare` of the catalog files (pushes that project analysis reports), adds
 * `addShare` and deletes `deleteShare` of the repositories. Deterministic: evenly spread picks.
 */
function mutate(simulator: AzureDevOpsSimulator, mutation: Mutation): MutationResult {
  const round = ++mutations;
  const organization = simulator.organization(ORGANIZATION);
  const all = organization.projects.flatMap(project =>
    project.repositories.map(repository => ({ project: project.name, repository })),
  );
  const total = all.length;

  const withFile = all.filter(
    ({ repository }) => CATALOG_FILE_PATH in repository.files && !repository.isDisabled,
  );
  const toEdit = spread(withFile, Math.round(withFile.length * mutation.editShare), 0);
  for (const { project, repository } of toEdit) {
    simulator.setFile(ORGANIZATION, project, repository.name, CATALOG_FILE_PATH, edited(repository, round));
  }

  const editedIds = new Set(toEdit.map(({ repository }) => repository.id));
  const deletable = all.filter(({ repository }) => !editedIds.has(repository.id));
  const toDelete = spread(deletable, Math.round(total * mutation.deleteShare), 1);
  for (const { project, repository } of toDelete) simulator.removeRepository(ORGANIZATION, project, repository.id);

  const toAdd = Math.round(total * mutation.addShare);
  for (let index = 0; index < toAdd; index++) addRepository(simulator, organization, round, index);

  return { edited: toEdit.length, added: toAdd, deleted: toDelete.length };
}

/** `count` items spread evenly over `items`, starting `offset` items in. */
function spread<T>(items: T[], count: number, offset: number): T[] {
  if (count <= 0 || items.length === 0) return [];
  const step = items.length / count;
  return Array.from({ length: Math.min(count, items.length) }, (_, index) => items[Math.floor(offset + index * step) % items.length]);
}

function edited(repository: SimulatedRepository, round: number): string {
  return repository.files[CATALOG_FILE_PATH]
    .replace(/^( {2}title: .*)$/m, `$1 (edit ${round})`)
    .replace(/^( {2}owner: ).*$/m, `$1team-edited-${round}`)
    .replace(/^( {2}lifecycle: ).*$/m, '$1experimental');
}

function addRepository(simulator: AzureDevOpsSimulator, organization: SimulatedOrganization, round: number, index: number): void {
  const project = organization.projects[(round * 7 + index) % organization.projects.length];
  const name = `added-${round}-${String(index).padStart(4, '0')}`;
  const files: Record<string, string> = { 'README.md': `# ${name}\n` };
  // Every other added repository brings a catalog file.
  if (index % 2 === 0) {
    files[CATALOG_FILE_PATH] = [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: ${name}`,
      `  title: Added ${round} ${index}`,
      'spec:',
      '  type: service',
      '  lifecycle: production',
      `  owner: team-added-${round}`,
      '  system: added',
      '',
    ].join('\n');
  }
  simulator.addRepository(ORGANIZATION, project.name, { name, files, lastPushDate: new Date() });
}

process.on('message', (message: { id: number } & SimulatorCommand) => {
  const reply = (answer: SimulatorMessage) => process.send?.(answer);
  handle(message).then(
    value => {
      reply({ id: message.id, ok: true, value });
      if (message.cmd === 'stop') process.disconnect();
    },
    (error: unknown) => reply({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
process.on('disconnect', () => {
  void (simulator?.stop() ?? Promise.resolve()).then(() => process.exit(0));
});
