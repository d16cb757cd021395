import { parseArgs } from 'node:util';
import { AzureDevOpsSimulator } from './AzureDevOpsSimulator';
import { generateOrganization, summarizeOrganization } from './generateOrganization';
import { DEMO_ORGANIZATION_FIXTURE, loadOrganization } from './loadOrganization';
import type { SimulatedOrganization } from './organization';

const USAGE = `Usage: npm run simulator -- [options]

  --port <n>          port on 127.0.0.1 (default 8081; 0 picks a free one)
  --fixture <yaml>    organization fixture (default: the demo organization)
  --repos <n>         generate a synthetic organization with n repositories instead
  --projects <n>      projects of the synthetic organization (default 10)
  --with-file <0..1>  share of synthetic repositories with catalog-info.yaml (default 0.4)
  --seed <n>          seed of the synthetic organization (default 1)
  --org <name>        organization name (default: the fixture's, or "synthetic")
  --token <pat>       accepted PAT, repeatable (default sim-token)
  --token-scopes <pat>=<scopes>
                      the only scopes of one PAT, comma-separated, repeatable: vso.code
                      (Code), vso.project (Project and Team), vso.analytics (Analytics);
                      a PAT not named has every scope. E.g. sim-token=vso.project,vso.analytics
  --latency <ms>      added to every answer (default 0)
  --hook-url <url>    send service hooks of the changes made through /_simulator (and
                      npm run simulator:event) to this URL, e.g.
                      http://localhost:7007/api/events/http/azureDevOps
  --hook-secret <s>   sent as the x-ado-webhook-secret header
  --hook-details <d>  resource details to send: all (default) or minimal
`;

/** `pat=vso.code,vso.project` options into the simulator's `tokenScopes`. */
function readTokenScopes(values: string[] | undefined): Record<string, string[]> | undefined {
  if (!values) return undefined;
  const scopes: Record<string, string[]> = {};
  for (const value of values) {
    const separator = value.lastIndexOf('=');
    if (separator <= 0) throw new Error(`--token-scopes expects <pat>=<scopes>, got "${value}"`);
    scopes[value.slice(0, separator)] = value
      .slice(separator + 1)
      .split(',')
      .map(scope => scope.trim())
      .filter(scope => scope.length > 0);
  }
  return scopes;
}

function readNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`--${name} expects a number, got "${value}"`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      fixture: { type: 'string' },
      repos: { type: 'string' },
      projects: { type: 'string' },
      'with-file': { type: 'string' },
      seed: { type: 'string' },
      org: { type: 'string' },
      token: { type: 'string', multiple: true },
      'token-scopes': { type: 'string', multiple: true },
      latency: { type: 'string' },
      'hook-url': { type: 'string' },
      'hook-secret': { type: 'string' },
      'hook-details': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }

  let organization: SimulatedOrganization;
  if (values.repos !== undefined) {
    organization = generateOrganization({
      name: values.org ?? 'synthetic',
      repos: readNumber(values.repos, 'repos', 0),
      projects: readNumber(values.projects, 'projects', 10),
      withFile: readNumber(values['with-file'], 'with-file', 0.4),
      seed: readNumber(values.seed, 'seed', 1),
    });
  } else {
    organization = loadOrganization(values.fixture ?? DEMO_ORGANIZATION_FIXTURE);
    if (values.org) organization.name = values.org;
  }

  const tokens = values.token ?? ['sim-token'];
  const tokenScopes = readTokenScopes(values['token-scopes']);
  const resourceDetails = values['hook-details'] ?? 'all';
  if (resourceDetails !== 'all' && resourceDetails !== 'minimal') {
    throw new Error(`--hook-details expects all or minimal, got "${resourceDetails}"`);
  }
  const hookUrl = values['hook-url'];
  const simulator = await AzureDevOpsSimulator.start({
    organizations: [organization],
    port: readNumber(values.port, 'port', 8081),
    tokens,
    tokenScopes,
    latencyMs: readNumber(values.latency, 'latency', 0),
    serviceHooks: hookUrl === undefined ? undefined : { url: hookUrl, secret: values['hook-secret'], resourceDetails },
  });
  const summary = summarizeOrganization(organization);
  process.stdout.write(
    [
      `Azure DevOps simulator listening on ${simulator.url}`,
      `  organization ${organization.name}: ${simulator.organizationUrl(organization.name)}`,
      `  ${summary.projects} projects, ${summary.repositories} repositories ` +
        `(${summary.withCatalogFile} with catalog-info.yaml, ${summary.empty} empty, ` +
        `${summary.disabled} disabled, ${summary.forks} forks)`,
      `  accepted tokens: ${tokens.join(', ')}`,
      ...Object.entries(tokenScopes ?? {}).map(([token, scopes]) => `  scopes of ${token}: ${scopes.join(', ') || 'none'}`),
      hookUrl === undefined
        ? '  service hooks: none (--hook-url to send them)'
        : `  service hooks: ${hookUrl} (${resourceDetails} resource details${values['hook-secret'] === undefined ? '' : ', with secret'})`,
      `  change it: npm run simulator:event -- --help  (--simulator ${simulator.url})`,
      '',
    ].join('\n'),
  );

  const shutdown = () => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(1);
});
