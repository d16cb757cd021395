/**
 * `npm start`: a Backstage backend with the catalog and this module.
 *
 * Without `--config`, it also starts the bundled Azure DevOps simulator and the demo profile
 * (dev/app-config.demo.yaml). With `--config <file>`, the file is layered on app-config.yaml and
 * no simulator runs, so a profile for a real organization is the only one; add `--demo` to keep
 * the demo profile beside it.
 */
import { join } from 'node:path';
import { createBackend } from '@backstage/backend-defaults';
import { AzureDevOpsSimulator, loadOrganization } from './simulator';

const root = join(__dirname, '..');

async function main() {
  const userArgs = process.argv.slice(2);
  const wantsDemo = userArgs.includes('--demo') || !userArgs.includes('--config');
  const configArgs = ['--config', join(root, 'app-config.yaml')];

  if (wantsDemo) {
    const simulator = await AzureDevOpsSimulator.start({
      organizations: [loadOrganization(join(__dirname, 'simulator', 'demo-organization.yaml'))],
    });
    process.env.AZURE_DEVOPS_SIMULATOR_URL = simulator.url;
    configArgs.push('--config', join(__dirname, 'app-config.demo.yaml'));
    console.log(`Azure DevOps simulator serving organization "demo" at ${simulator.url}/demo`);
  }
  process.argv = [...process.argv.slice(0, 2), ...configArgs, ...userArgs.filter(arg => arg !== '--demo')];

  const backend = createBackend();
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('../src'));
  await backend.start();
  console.log("Repositories: curl 'http://localhost:7007/api/catalog/entities?filter=kind=Repository'");
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
