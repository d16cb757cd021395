/**
 * A local ESLint rule that enforces the dependency rule of STYLE.md section 2: within `src/`, a lower
 * layer never imports a higher one, siblings in the same layer never import each other, non-test
 * source never imports `src/__testUtils__/` or `dev/`, and the Azure DevOps SDK
 * (`azure-devops-node-api`, `typed-rest-client`) is imported only under `src/client/`.
 *
 * Layers, lowest first:
 *   -1 common ← 0 config ← 1 client ← 2 discovery, mapping, metrics, serviceHooks, state, verify ← 3 provider, processor, status ← 4 module (module.ts, index.ts)
 *
 * Only relative specifiers are resolved (the tsconfig has no `paths`); package specifiers are checked
 * against the SDK list only. Test files (`*.test.ts`), `src/__testUtils__/` and `src/__fixtures__/`
 * may import any layer, `__testUtils__` and `dev/`, but not the SDK outside `src/client/`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file lives in `<root>/eslint/`. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const LAYER_CHAIN = 'common ← config ← client ← discovery/mapping/metrics/serviceHooks/state/verify ← provider/processor/status ← module';

/** Folders under `src/` and their rank; equal ranks are siblings that must not import each other. */
const LAYER_FOLDERS = {
  common: -1,
  config: 0,
  client: 1,
  discovery: 2,
  mapping: 2,
  /** The sync state store: the database, below the provider that decides what to keep. */
  state: 2,
  /** Service hook payloads read into events, and matched to a profile: pure. */
  serviceHooks: 2,
  /** The OpenTelemetry instruments; fed counts by the provider, knows nothing of entities. */
  metrics: 2,
  /** The token check: a few requests through the client's port, beside the sync rather than in it. */
  verify: 2,
  provider: 3,
  processor: 3,
  /** The status route: reads the state store and the scheduler, for the module to mount. */
  status: 3,
};

/** The top layer: `src/module.ts` and `src/index.ts`; they may import each other. */
function topLayer(file) {
  return { name: 'module', label: `src/${file}.ts`, rank: 4 };
}

/** Packages whose types must not leave the client layer; any subpath counts. */
const CLIENT_ONLY_PACKAGES = ['azure-devops-node-api', 'typed-rest-client'];

const SOURCE_EXTENSION = /\.(?:[cm]?[jt]sx?)$/;

/** `path` relative to the repository root, with `/` separators; `undefined` when outside it. */
function repoRelative(absolutePath) {
  const relative = path.relative(REPO_ROOT, absolutePath);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    return undefined;
  }
  return relative.split(path.sep).join('/');
}

/** The layer of a repository-relative path (file or extension-less specifier), if it has one. */
function layerOf(relative) {
  const segments = relative.split('/');
  if (segments[0] !== 'src') {
    return undefined;
  }
  if (segments.length === 1) {
    // `import … from '..'` in a layer folder resolves to `src/index.ts`.
    return topLayer('index');
  }
  if (segments.length === 2) {
    const base = segments[1].replace(SOURCE_EXTENSION, '');
    return base === 'module' || base === 'index' ? topLayer(base) : undefined;
  }
  const folder = segments[1];
  if (Object.hasOwn(LAYER_FOLDERS, folder)) {
    return { name: folder, label: `src/${folder}`, rank: LAYER_FOLDERS[folder] };
  }
  return undefined;
}

function isTestFile(relative) {
  return /\.test\.[cm]?[jt]sx?$/.test(relative);
}

/** Files that may import any layer, `__testUtils__` and `dev/`. */
function isExemptImporter(relative) {
  return (
    isTestFile(relative) ||
    relative.startsWith('src/__testUtils__/') ||
    relative.startsWith('src/__fixtures__/')
  );
}

function isClientOnlyPackage(specifier) {
  return CLIENT_ONLY_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`));
}

function isUnder(relative, folder) {
  return relative === folder || relative.startsWith(`${folder}/`);
}

/** The string value of a module specifier node, or `undefined` for computed specifiers. */
function specifierOf(node) {
  if (!node) {
    return undefined;
  }
  if (node.type === 'Literal' && typeof node.value === 'string') {
    return node.value;
  }
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) {
    return node.quasis[0].value.cooked ?? undefined;
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const importsRule = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'Enforce the src/ layering: no upward or sibling imports, no test utilities or dev/ in source, SDK only in src/client',
    },
    schema: [],
    messages: {
      upward:
        '{{importer}} must not import {{target}} (layers: {{chain}}); move the code to the lower layer or pass it in',
      sibling:
        '{{importer}} must not import {{target}}: they are siblings in one layer (layers: {{chain}}); move the shared code to a lower layer or pass it in',
      testUtils:
        'Non-test source must not import src/__testUtils__ ({{specifier}}); move the code into a layer or use it from tests only',
      dev: 'src/ must not import dev/ ({{specifier}}); dev/ is not published: move the code into src/ or use it from tests only',
      clientOnly:
        '{{specifier}} may be imported only under src/client (SDK types must not leave the client layer); add what you need to the port in src/client/AzureDevOpsApi.ts',
    },
  },
  create(context) {
    const importer = repoRelative(context.filename);
    if (!importer || !isUnder(importer, 'src')) {
      return {};
    }
    const exempt = isExemptImporter(importer);
    const inClient = isUnder(importer, 'src/client');
    const importerLayer = layerOf(importer);
    const importerDirectory = path.dirname(context.filename);

    function check(sourceNode) {
      const specifier = specifierOf(sourceNode);
      if (specifier === undefined) {
        return;
      }
      if (isClientOnlyPackage(specifier)) {
        if (!inClient) {
          context.report({ node: sourceNode, messageId: 'clientOnly', data: { specifier } });
        }
        return;
      }
      if (exempt || !(specifier.startsWith('.') || path.isAbsolute(specifier))) {
        return;
      }
      const target = repoRelative(path.resolve(importerDirectory, specifier));
      if (target === undefined) {
        return;
      }
      if (isUnder(target, 'dev')) {
        context.report({ node: sourceNode, messageId: 'dev', data: { specifier } });
        return;
      }
      if (isUnder(target, 'src/__testUtils__')) {
        context.report({ node: sourceNode, messageId: 'testUtils', data: { specifier } });
        return;
      }
      const targetLayer = layerOf(target);
      if (!importerLayer || !targetLayer || importerLayer.name === targetLayer.name) {
        return;
      }
      const data = { importer: importerLayer.label, target: targetLayer.label, chain: LAYER_CHAIN };
      if (targetLayer.rank > importerLayer.rank) {
        context.report({ node: sourceNode, messageId: 'upward', data });
      } else if (targetLayer.rank === importerLayer.rank) {
        context.report({ node: sourceNode, messageId: 'sibling', data });
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      // typescript-eslint 8 names the specifier `source`; older versions only had `argument`.
      TSImportType: (node) => check(node.source ?? node.argument?.literal),
      // `import x = require('…')` and `require('…')`, in case CommonJS style creeps in.
      TSExternalModuleReference: (node) => check(node.expression),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) {
          check(node.arguments[0]);
        }
      },
    };
  },
};

/** The plugin, registered in eslint.config.mjs as `layering`. */
export default {
  meta: { name: 'layering' },
  rules: { imports: importsRule },
};
