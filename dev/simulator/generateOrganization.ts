import { generatedHistory } from './generatedHistory';
import { generatedLanguages } from './generatedLanguages';
import {
  createProject,
  createRepository,
  type SimulatedOrganization,
  type SimulatedProject,
} from './organization';

export interface GenerateOrganizationOptions {
  name: string;
  /** Number of repositories, spread evenly over the projects. */
  repos: number;
  /** Number of projects; at least 1. */
  projects: number;
  /** Share (0..1) of all repositories holding a `catalog-info.yaml`. */
  withFile: number;
  /** Same seed (and `now`), same organization. Defaults to 1. */
  seed?: number;
  /** Commit dates are spread back from this time. Defaults to the time of the call. */
  now?: Date;
}

/** Shares of the special cases, small like in real organizations. */
export const GENERATED_SHARES = { empty: 0.02, disabled: 0.01, fork: 0.02 } as const;

export const CATALOG_FILE_PATH = 'catalog-info.yaml';

const PROJECT_WORDS = ['Platform', 'Commerce', 'Mobile Apps', 'Data', 'Identity', 'Operations', 'Web Sites', 'Finance'];
const DOMAINS = ['billing', 'catalog', 'checkout', 'identity', 'inventory', 'search', 'shipping', 'payments', 'orders', 'pricing'];
const KINDS = ['api', 'service', 'web', 'worker', 'lib', 'gateway', 'jobs', 'ui'];
const COMPONENT_TYPES = ['service', 'website', 'library'];
const LIFECYCLES = ['production', 'production', 'experimental', 'deprecated'];
/**
 * A deterministic synthetic organization for load tests: every repository has a README, a
 * `withFile` share (exact, rounded) has a valid Backstage Component as `catalog-info.yaml`,
 * and small shares are empty, disabled or forks. Every non-empty repository has a short commit
 * history (see `generatedHistory.ts`: about 60% active, 20% inactive, 20% dormant at `now`) and
 * bytes per language.
 */
export function generateOrganization(options: GenerateOrganizationOptions): SimulatedOrganization {
  const { name, repos, projects: projectCount, withFile } = options;
  if (!Number.isInteger(repos) || repos < 0) throw new Error(`repos must be a whole number ≥ 0, got ${repos}`);
  if (!Number.isInteger(projectCount) || projectCount < 1) {
    throw new Error(`projects must be a whole number ≥ 1, got ${projectCount}`);
  }
  if (!(withFile >= 0 && withFile <= 1)) throw new Error(`withFile must be between 0 and 1, got ${withFile}`);

  const random = seededRandom(options.seed ?? 1);
  // A stream of its own, so histories and languages leave the rest of a seed's organization as it was.
  const insightRandom = seededRandom(((options.seed ?? 1) ^ 0x5bd1e995) >>> 0);
  const now = (options.now ?? new Date()).getTime();
  const projects = Array.from({ length: projectCount }, (_, index) =>
    createProject(name, { name: projectName(index), visibility: index % 5 === 4 ? 'public' : 'private' }),
  );

  const order = shuffledIndices(repos, random);
  const withCatalogFile = new Set(order.slice(0, Math.round(repos * withFile)));
  const emptyCount = Math.round(repos * GENERATED_SHARES.empty);
  const empty = new Set(order.slice(withCatalogFile.size, withCatalogFile.size + emptyCount));

  const created: string[] = [];
  for (let index = 0; index < repos; index += 1) {
    const project = projects[index % projectCount];
    const repositoryName = `${DOMAINS[index % DOMAINS.length]}-${KINDS[Math.floor(index / DOMAINS.length) % KINDS.length]}-${String(index).padStart(5, '0')}`;
    const isFork = created.length > 0 && random() < GENERATED_SHARES.fork;
    const files: Record<string, string> = { 'README.md': `# ${repositoryName}\n\nSynthetic repository.\n` };
    if (withCatalogFile.has(index)) files[CATALOG_FILE_PATH] = componentYaml(repositoryName, index, random);
    const isDisabled = random() < GENERATED_SHARES.disabled;
    const parentRepositoryId = isFork ? created[Math.floor(random() * created.length)] : undefined;
    const freshnessDraw = random();
    const repository = createRepository(name, project.name, {
      name: repositoryName,
      empty: empty.has(index),
      files: empty.has(index) ? undefined : files,
      isDisabled,
      isFork,
      parentRepositoryId,
      ...(empty.has(index)
        ? {}
        : { commits: generatedHistory(freshnessDraw, insightRandom, now), languages: generatedLanguages(insightRandom) }),
    });
    project.repositories.push(repository);
    created.push(repository.id);
  }
  return { name, projects };
}

/** Counts of the special cases, for benchmarks and tests. */
export function summarizeOrganization(organization: SimulatedOrganization): {
  projects: number;
  repositories: number;
  withCatalogFile: number;
  empty: number;
  disabled: number;
  forks: number;
} {
  const repositories = organization.projects.flatMap((project: SimulatedProject) => project.repositories);
  return {
    projects: organization.projects.length,
    repositories: repositories.length,
    withCatalogFile: repositories.filter(repository => CATALOG_FILE_PATH in repository.files).length,
    empty: repositories.filter(repository => repository.defaultBranch === undefined).length,
    disabled: repositories.filter(repository => repository.isDisabled).length,
    forks: repositories.filter(repository => repository.isFork).length,
  };
}

function projectName(index: number): string {
  const word = PROJECT_WORDS[index % PROJECT_WORDS.length];
  const round = Math.floor(index / PROJECT_WORDS.length);
  return round === 0 ? word : `${word} ${round + 1}`;
}

function componentYaml(name: string, index: number, random: () => number): string {
  const domain = DOMAINS[index % DOMAINS.length];
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    `  title: ${name.replace(/-/g, ' ')}`,
    `  description: Synthetic ${domain} component.`,
    'spec:',
    `  type: ${COMPONENT_TYPES[Math.floor(random() * COMPONENT_TYPES.length)]}`,
    `  lifecycle: ${LIFECYCLES[Math.floor(random() * LIFECYCLES.length)]}`,
    `  owner: team-${domain}`,
    `  system: ${domain}`,
    '',
  ].join('\n');
}

function shuffledIndices(length: number, random: () => number): number[] {
  const indices = Array.from({ length }, (_, index) => index);
  for (let index = length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [indices[index], indices[other]] = [indices[other], indices[index]];
  }
  return indices;
}

/** Mulberry32: a tiny, fast PRNG; good enough for test data, not for anything secret. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
