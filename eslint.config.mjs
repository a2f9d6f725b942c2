import tseslint from 'typescript-eslint';

// Import direction (ARCHITECTURE.md): constructs/core <- constructs/<component> <- stacks <- apps;
// policies/ stands alone; @pulumi/* only under apps/pulumi and policies/pulumi (and tests).
//
// `no-restricted-imports` matches the import string, not the resolved file, so the rules below
// are written per folder and per depth: from a file `depth` path segments below its area (1 for
// constructs/dex/dex.ts in constructs/dex, 2 for constructs/dex/private/util.ts), an import that
// climbs `depth` times (`../`, `../../`) leaves the area. ESLint replaces a rule's options
// wholesale when a later block matches, so every block carries the Pulumi pattern as well.
// test/lint/import-direction.test.ts proves each rule on sample imports.

/**
 * Imports across component folders (and out of constructs/core) that the tree has today, allowed
 * by name until the code moves; everything else between those folders stays forbidden. Remove an
 * entry when its import goes away.
 */
const ALLOWED = [
  // ObjectStore.minio() and .seaweedfs() build the in-cluster store themselves (object-store.ts).
  { from: 'constructs/object-store', to: 'constructs/minio' },
  { from: 'constructs/object-store', to: 'constructs/seaweedfs' },
  // The Pipelines component builds its workflow engine and its database (component.ts, config.ts);
  // to move: a database component offering IDatabase (Katib and the model registry need it too)
  // and Argo behind a contract of its own.
  { from: 'constructs/kubeflow-pipelines', to: 'constructs/argo-workflows' },
  { from: 'constructs/kubeflow-pipelines', to: 'constructs/database' },
  // The serving component composes the serving stack: KServe, its web app and, in Serverless
  // mode only, Knative (one setting chooses; the other mode leaves nothing behind).
  { from: 'constructs/serving', to: 'constructs/kserve' },
  { from: 'constructs/serving', to: 'constructs/knative-serving' },
  { from: 'constructs/serving', to: 'constructs/kserve-models-web-app' },
  // Katib's component shares the database settings (an external Katib database is configured
  // like the pipelines one) and composes Katib.
  { from: 'constructs/automl', to: 'constructs/katib' },
  { from: 'constructs/automl', to: 'constructs/database' },
  // The training component composes Kubeflow Trainer and the JobSet it runs on.
  { from: 'constructs/training', to: 'constructs/trainer' },
  { from: 'constructs/training', to: 'constructs/jobset' },
  // The tracking component composes MLflow and shares the external database settings.
  { from: 'constructs/tracking', to: 'constructs/mlflow' },
  { from: 'constructs/tracking', to: 'constructs/database' },
  // The registry component composes Kubeflow Hub and shares the external database settings.
  { from: 'constructs/registry', to: 'constructs/model-registry' },
  { from: 'constructs/registry', to: 'constructs/database' },
  // A Tenant creates its namespace as a PlatformNamespace (tenant.ts).
  { from: 'constructs/tenant', to: 'constructs/namespaces' },
  // core/policy.ts writes the suppression annotation in the format policies/ reads.
  { from: 'constructs/core', to: 'policies/suppressions' },
];

/** Deepest file (path segments below its area) the rules are generated for. */
const MAX_DEPTH = 8;

const PULUMI = {
  group: ['@pulumi/*'],
  message: 'Pulumi is imported only under apps/pulumi and policies/pulumi.',
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const under = (path) => `${escape(path)}(?:/|$)`;

/** An import that climbs exactly `n` folders, then whatever `rest` matches. */
const climbs = (n, rest) => `^(?:\\./)?(?:\\.\\./){${n - 1}}\\.\\.(?:$|/${rest})`;

/** `**` spelled out for one depth: `area/*.ts`, `area/*\/*.ts`, ... */
const filesAt = (area, depth) => [`${area}/${'*/'.repeat(depth - 1)}*.ts`];

const rule = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const regex = (source, message) => ({ regex: source, message, caseSensitive: true });

/** Allowed targets of `from`, relative to `base` (`constructs` or the repository root). */
function allowed(from, base) {
  const prefix = base === '' ? '' : `${base}/`;
  return ALLOWED.filter((a) => a.from === from && a.to.startsWith(prefix)).map((a) =>
    under(a.to.slice(prefix.length)),
  );
}

/** Files in constructs/core or one component folder (`folder` undefined: every component). */
function constructsBlocks(folder) {
  const from = folder ?? 'constructs/*';
  const isCore = folder === 'constructs/core';
  const siblingsOk = isCore
    ? []
    : [under('core'), ...(folder ? allowed(folder, 'constructs') : [])];
  const outsideOk = folder ? allowed(folder, '') : [];
  const sibling = isCore
    ? 'constructs/core is the bottom layer: it imports no component folder.'
    : 'A component imports only its own folder and constructs/core; components never import each other. Wire them in stacks/ through the interfaces in constructs/core.';
  return Array.from({ length: MAX_DEPTH }, (_, i) => {
    const depth = i + 1;
    const notAllowed = (ok) => (ok.length ? `(?!${ok.join('|')})` : '');
    return {
      files: filesAt(from, depth),
      ...(folder ? {} : { ignores: ['constructs/core/**'] }),
      rules: rule([
        PULUMI,
        // out of this folder into another folder of constructs/ (or constructs/index.ts)
        regex(climbs(depth, `${notAllowed([...siblingsOk, '\\.\\.(?:/|$)'])}`), sibling),
        // out of constructs/
        regex(
          climbs(depth + 1, notAllowed(outsideOk)),
          'constructs/ imports neither stacks/, apps/ nor policies/: dependencies point from apps to stacks to components to constructs/core.',
        ),
      ]),
    };
  });
}

/**
 * Files of a top-level folder (`stacks`, `policies`) that must not import the `forbidden` folders,
 * nor the repository root's index.ts (it re-exports everything). Files under `pulumiFolder` may
 * import @pulumi/*.
 */
function topLevelBlocks(area, forbidden, message, pulumiFolder) {
  const targets = ['$', 'index(?:\\.ts)?$', ...forbidden.map(under)].join('|');
  return Array.from({ length: MAX_DEPTH }, (_, i) => {
    const depth = i + 1;
    const direction = regex(climbs(depth, `(?:${targets})`), message);
    const blocks = [{ files: filesAt(area, depth), rules: rule([PULUMI, direction]) }];
    if (pulumiFolder && depth >= 2) {
      blocks.push({ files: filesAt(pulumiFolder, depth - 1), rules: rule([direction]) });
    }
    return blocks;
  }).flat();
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'lib/**', 'dist/**', 'cdk8s.out/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [PULUMI] }],
    },
  },
  // constructs/index.ts and other files directly in constructs/
  {
    files: ['constructs/*.ts'],
    rules: rule([
      PULUMI,
      regex(
        climbs(1, ''),
        'constructs/ imports neither stacks/, apps/ nor policies/: dependencies point from apps to stacks to components to constructs/core.',
      ),
    ]),
  },
  ...constructsBlocks(undefined),
  ...constructsBlocks('constructs/core'),
  ...[...new Set(ALLOWED.map((a) => a.from))]
    .filter((from) => from !== 'constructs/core')
    .flatMap((from) => constructsBlocks(from)),
  ...topLevelBlocks(
    'stacks',
    ['apps'],
    'stacks/ does not import apps/: dependencies point from apps to stacks.',
  ),
  ...topLevelBlocks(
    'policies',
    ['constructs', 'stacks', 'apps'],
    'policies/ stands alone: it imports nothing from constructs/, stacks/ or apps/, so that it can check any manifest.',
    'policies/pulumi',
  ),
  {
    files: ['apps/pulumi/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
