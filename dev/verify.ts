/**
 * `npm run verify`: the token check of `azure-devops-repositories-verify`, from the checkout.
 *
 * Without `--config`, it starts the bundled Azure DevOps simulator on a free port and checks the
 * demo profile (dev/app-config.demo.yaml) against it, so a first run shows what the check reports.
 * With `--config <file>` (`npm run verify -- --config app-config.local.yaml`), it checks the
 * profiles of that file and starts nothing. Other arguments (`--profile`, `--json`) pass through.
 * Exits with the command's status.
 */
import { join } from 'node:path';
import { runVerifyCommand } from '../src/verify/cli';
import { AzureDevOpsSimulator, DEMO_ORGANIZATION_FIXTURE, loadOrganization } from './simulator';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--config') || args.some(arg => arg.startsWith('--config=')) || args.includes('--help') || args.includes('-h')) {
    return runVerifyCommand(args);
  }
  const simulator = await AzureDevOpsSimulator.start({ organizations: [loadOrganization(DEMO_ORGANIZATION_FIXTURE)] });
  try {
    process.stdout.write(
      `Checking the demo profile against the bundled Azure DevOps simulator at ${simulator.organizationUrl('demo')}\n` +
        `(npm run verify -- --config <file> checks the profiles of your own config instead)\n\n`,
    );
    return await runVerifyCommand(['--config', join(__dirname, 'app-config.demo.yaml'), ...args], {
      env: { ...process.env, AZURE_DEVOPS_SIMULATOR_URL: simulator.url },
    });
  } finally {
    await simulator.stop();
  }
}

main().then(
  code => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
