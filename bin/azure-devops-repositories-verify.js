#!/usr/bin/env node
// The token check before deploying: `npx azure-devops-repositories-verify --config app-config.yaml`.
// The command itself is compiled into dist/ (`npm run build`, which `npm pack` runs).
const { runVerifyCommand } = require('../dist/verify/cli.js');

runVerifyCommand(process.argv.slice(2)).then(
  code => {
    // Exit at once: the HTTP client keeps its connections alive, which would hold the process open.
    process.exit(code);
  },
  error => {
    process.stderr.write(`${(error && error.stack) || error}\n`);
    process.exit(1);
  },
);
