/**
 * `npm start`: a Backstage backend with the catalog, this module, and the events backend with its
 * Azure DevOps module (service hooks at POST /api/events/http/azureDevOps).
 *
 * Without `--config`, it also starts the bundled Azure DevOps simulator and the demo profile
 * (dev/app-config.demo.yaml), and the simulator sends its service hooks to the backend, so a change
 * made with `npm run simulator:event` reaches the catalog within seconds. With `--config <file>`,
 * the file is layered on app-config.yaml and no simulator runs, so a profile for a real
 * organization is the only one; add `--demo` to keep the demo profile beside it.
 */
import { join } from 'node:path';
import { createBackend } from '@backstage/backend-defaults';
import { AzureDevOpsSimulator, loadOrganization } from './simulator';

const root = join(__dirname, '..');
/** The port `npm run simulator:event` talks to by default. */
const SIMULATOR_PORT = 8081;
/** The demo's webhook secret, as dev/app-config.demo.yaml sets it; never reuse it. */
const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret';
const BACKEND_URL = 'http://localhost:7007';
/** The static token of app-config.yaml; never reuse it. */
const DEMO_MONITORING_TOKEN = 'demo-monitoring-token-not-for-production';

async function startSimulator(): Promise<AzureDevOpsSimulator> {
  const organizations = [loadOrganization(join(__dirname, 'simulator', 'demo-organization.yaml'))];
  try {
    return await AzureDevOpsSimulator.start({ organizations, port: SIMULATOR_PORT });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return AzureDevOpsSimulator.start({ organizations });
  }
}

async function main() {
  const userArgs = process.argv.slice(2);
  const wantsDemo = userArgs.includes('--demo') || !userArgs.includes('--config');
  const configArgs = ['--config', join(root, 'app-config.yaml')];

  let simulator: AzureDevOpsSimulator | undefined;
  if (wantsDemo) {
    simulator = await startSimulator();
    process.env.AZURE_DEVOPS_SIMULATOR_URL = simulator.url;
    configArgs.push('--config', join(__dirname, 'app-config.demo.yaml'));
    console.log(`Azure DevOps simulator serving organization "demo" at ${simulator.url}/demo`);
  }
  process.argv = [...process.argv.slice(0, 2), ...configArgs, ...userArgs.filter(arg => arg !== '--demo')];

  const backend = createBackend();
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-events-backend'));
  backend.add(import('@backstage/plugin-events-backend-module-azure'));
  backend.add(import('../src'));
  await backend.start();
  console.log(`Repositories: curl '${BACKEND_URL}/api/catalog/entities?filter=kind=Repository'`);
  console.log(
    `Profile status: curl -H 'Authorization: Bearer ${DEMO_MONITORING_TOKEN}' ${BACKEND_URL}/api/catalog/azure-devops-repositories/profiles\n` +
      `Scheduled syncs: curl -H 'Authorization: Bearer ${DEMO_MONITORING_TOKEN}' ${BACKEND_URL}/api/catalog/.backstage/scheduler/v1/tasks`,
  );
  if (simulator) {
    simulator.setServiceHooks({ url: `${BACKEND_URL}/api/events/http/azureDevOps`, secret: DEMO_WEBHOOK_SECRET });
    const target = simulator.url.endsWith(`:${SIMULATOR_PORT}`) ? '' : ` --simulator ${simulator.url}`;
    console.log(
      `Live updates: the simulator sends service hooks to ${BACKEND_URL}/api/events/http/azureDevOps; try\n` +
        `  npm run simulator:event -- set-owner Platform/api group:default/new-team${target}\n` +
        `  curl '${BACKEND_URL}/api/catalog/entities?filter=kind=Repository,spec.repository=api'`,
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
