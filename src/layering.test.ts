/**
 * Proves the `layering/imports` rule (eslint/layering.mjs) fails on planted backwards imports and
 * stays quiet on allowed ones, with ESLint loading eslint.config.mjs exactly as `npx eslint .` does.
 *
 * ESLint loads its flat config with a dynamic `import()`, which Jest's VM refuses without
 * `--experimental-vm-modules`, so the ESLint Node API runs in one child `node` process that lints
 * every case and prints the messages as JSON.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = path.resolve(__dirname, '..');
const RULE_ID = 'layering/imports';

/** How the planted file refers to the specifier: each is a node type the rule inspects. */
const FORMS = {
  import: (specifier: string) => `import * as planted from '${specifier}';\nexport const used = planted;\n`,
  exportFrom: (specifier: string) => `export * from '${specifier}';\n`,
  dynamicImport: (specifier: string) => `export const planted = () => import('${specifier}');\n`,
  importType: (specifier: string) => `export type Planted = typeof import('${specifier}');\n`,
};

type Case = { file: string; specifier: string; form?: keyof typeof FORMS; expected: string | undefined };

const UPWARD_TO_MODULE =
  'src/client must not import src/module.ts (layers: common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module); move the code to the lower layer or pass it in';

const CASES: Case[] = [
  {
    file: 'src/config/planted.ts',
    specifier: '../provider/AzureDevOpsRepositoriesProvider',
    expected:
      'src/config must not import src/provider (layers: common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module); move the code to the lower layer or pass it in',
  },
  {
    file: 'src/mapping/planted.ts',
    specifier: 'azure-devops-node-api/interfaces/GitInterfaces',
    expected:
      'azure-devops-node-api/interfaces/GitInterfaces may be imported only under src/client (SDK types must not leave the client layer); add what you need to the port in src/client/AzureDevOpsApi.ts',
  },
  {
    file: 'src/mapping/planted.ts',
    specifier: '../discovery/repositoryExclusionReason',
    expected:
      'src/mapping must not import src/discovery: they are siblings in one layer (layers: common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module); move the shared code to a lower layer or pass it in',
  },
  { file: 'src/provider/planted.ts', specifier: '../client/AzureDevOpsApi', expected: undefined },
  { file: 'src/provider/planted.ts', specifier: '../serviceHooks/eventBelongsToProfile', expected: undefined },
  {
    file: 'src/serviceHooks/planted.ts',
    specifier: '../discovery/repositoryExclusionReason',
    expected:
      'src/serviceHooks must not import src/discovery: they are siblings in one layer (layers: common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module); move the shared code to a lower layer or pass it in',
  },
  {
    file: 'src/metrics/planted.ts',
    specifier: '../provider/readRepositoryEntities',
    expected:
      'src/metrics must not import src/provider (layers: common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module); move the code to the lower layer or pass it in',
  },
  {
    file: 'src/metrics/planted.ts',
    specifier: '../serviceHooks/repositoryEventFromServiceHook',
    expected:
      'src/metrics must not import src/serviceHooks: they are siblings in one layer (layers: common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module); move the shared code to a lower layer or pass it in',
  },
  { file: 'src/metrics/planted.ts', specifier: '../client/AzureDevOpsApi', expected: undefined },
  { file: 'src/provider/planted.ts', specifier: '../metrics/SyncMetrics', expected: undefined },
  { file: 'src/config/planted.ts', specifier: '../common/isRecord', expected: undefined },
  { file: 'src/verify/planted.ts', specifier: '../client/AzureDevOpsApi', expected: undefined },
  { file: 'src/module.ts', specifier: './verify/verifyProfile', expected: undefined },
  {
    file: 'src/verify/planted.ts',
    specifier: '../discovery/repositoryExclusionReason',
    expected:
      'src/verify must not import src/discovery: they are siblings in one layer (layers: common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module); move the shared code to a lower layer or pass it in',
  },
  {
    file: 'src/verify/planted.ts',
    specifier: '../provider/AzureDevOpsRepositoriesProvider',
    expected:
      'src/verify must not import src/provider (layers: common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module); move the code to the lower layer or pass it in',
  },
  { file: 'src/provider/planted.ts', specifier: '../state/SyncStateStore', expected: undefined },
  {
    file: 'src/state/planted.ts',
    specifier: '../provider/KnownRepositories',
    expected:
      'src/state must not import src/provider (layers: common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module); move the code to the lower layer or pass it in',
  },
  {
    file: 'src/common/planted.ts',
    specifier: '../config/types',
    expected:
      'src/common must not import src/config (layers: common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module); move the code to the lower layer or pass it in',
  },
  { file: 'src/provider/planted.test.ts', specifier: '../__testUtils__/builders', expected: undefined },
  {
    file: 'src/provider/planted.ts',
    specifier: '../__testUtils__/builders',
    expected:
      'Non-test source must not import src/__testUtils__ (../__testUtils__/builders); move the code into a layer or use it from tests only',
  },
  { file: 'src/client/planted.ts', specifier: '../module', form: 'exportFrom', expected: UPWARD_TO_MODULE },
  { file: 'src/client/planted.ts', specifier: '../module', form: 'dynamicImport', expected: UPWARD_TO_MODULE },
  { file: 'src/client/planted.ts', specifier: '../module', form: 'importType', expected: UPWARD_TO_MODULE },
  {
    file: 'src/provider/planted.ts',
    specifier: '../../dev/simulator',
    expected:
      'src/ must not import dev/ (../../dev/simulator); dev/ is not published: move the code into src/ or use it from tests only',
  },
  { file: 'src/provider/planted.test.ts', specifier: '../../dev/simulator', expected: undefined },
  {
    file: 'src/provider/planted.test.ts',
    specifier: 'azure-devops-node-api',
    expected:
      'azure-devops-node-api may be imported only under src/client (SDK types must not leave the client layer); add what you need to the port in src/client/AzureDevOpsApi.ts',
  },
  { file: 'src/client/planted.ts', specifier: 'azure-devops-node-api/interfaces/GitInterfaces', expected: undefined },
  { file: 'dev/planted.ts', specifier: '../src/provider/AzureDevOpsRepositoriesProvider', expected: undefined },
];

/** Lints `{ filePath, code }[]` with `new ESLint({ cwd })`; prints `{ ruleId, message, fatal }[][]`. */
const LINT_SCRIPT = `
import { ESLint } from 'eslint';
const [cwd, json] = process.argv.slice(1);
const eslint = new ESLint({ cwd });
const results = [];
for (const { filePath, code } of JSON.parse(json)) {
  const [result] = await eslint.lintText(code, { filePath });
  results.push(result.messages.map(({ ruleId, message, fatal }) => ({ ruleId, message, fatal })));
}
process.stdout.write(JSON.stringify(results));
`;

const ROWS = CASES.map((testCase, index) => ({ ...testCase, form: testCase.form ?? 'import', index }));

type LintMessage = { ruleId: string | null; message: string; fatal?: boolean };

let messagesByCase: LintMessage[][];

beforeAll(async () => {
  const inputs = ROWS.map(({ file, specifier, form }) => ({
    filePath: path.join(REPO_ROOT, file),
    code: FORMS[form](specifier),
  }));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', LINT_SCRIPT, REPO_ROOT, JSON.stringify(inputs)],
    { cwd: REPO_ROOT },
  );
  messagesByCase = JSON.parse(stdout);
});

describe('layering/imports', () => {
  it.each(ROWS)(
    '$file importing $specifier ($form)',
    ({ index, expected }) => {
      const messages = messagesByCase[index];
      expect(messages.filter((message) => message.fatal)).toEqual([]);
      const layering = messages.filter((message) => message.ruleId === RULE_ID).map((message) => message.message);
      expect(layering).toEqual(expected === undefined ? [] : [expected]);
    },
  );
});
