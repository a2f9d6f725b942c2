// Three projects, chosen by path so that no test file has to move:
//
//   unit         constructs, policies and config, each on its own: fast
//   integration  synthesizes whole environments (MlopsPlatform for the default, dev and prod config)
//   e2e          runs a CLI (in process or as a child process) or the compiled programs
//
// `npx jest` runs all three; `npx jest --selectProjects unit` (or integration, e2e) runs one.
// A file belongs to exactly one project; test/lint/jest-projects.test.ts checks that, and that a
// test which builds a whole environment or runs a CLI is not filed under unit.
//
// Speed: tsconfig.json sets `isolatedModules`, so ts-jest already transpiles each file on its own
// without type-checking it (`npm test` type-checks with tsc before jest runs). Jest's default of
// (cores - 1) workers is a single worker on a 2-core machine; all cores is faster here, since
// most of the time goes to loading cdk8s in each test file.

/** Whole environments: MlopsPlatform with a full config, rendered layer by layer. */
const INTEGRATION = [
  'test/integration/**/*.test.ts',
  'test/stacks/platform*.test.ts',
  'test/stacks/platform*/**/*.test.ts',
  // renderEnv(): each component as the platform wires it, in a whole environment
  'test/constructs/*/component.test.ts',
  // the cluster's own Istio, wired into a whole environment (synthesize())
  'test/constructs/istio/external.test.ts',
  // versions.md of whole environments
  'test/apps/cdk8s/versions-doc.test.ts',
  // the Pulumi program, fed with what cdk8s renders for whole environments
  'test/apps/pulumi/**/*.test.ts',
  // the policy gate over every environment
  'test/apps/cdk8s/policy-gate.test.ts',
  // the docs generators build whole platforms (and run the Prettier CLI)
  'test/apps/docs.test.ts',
  'test/apps/docs/**/*.test.ts',
  // GitOps files, plan and install.sh prune of rendered environments
  'test/apps/cdk8s/gitops.test.ts',
  'test/apps/cdk8s/plan.test.ts',
  'test/apps/cdk8s/install-script-prune.test.ts',
];

/** CLIs and compiled programs, run as users run them. */
const E2E = [
  'test/e2e/**/*.test.ts',
  'test/apps/cdk8s/cli.test.ts',
  'test/policies/cli.test.ts',
  'test/policies/e2e.test.ts',
  // the docs script's main() and the Prettier CLI on policies/RULES.md
  'test/policies/docs.test.ts',
];

const rooted = (globs) => globs.map((g) => `<rootDir>/${g}`);
// Jest expands `<rootDir>` only at the start of a glob, so an excluding glob names the directory.
const excluded = (globs) => globs.map((g) => `!${__dirname.replace(/\\/g, '/')}/${g}`);

/** @type {import('jest').Config} */
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  maxWorkers: '100%',
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts', ...excluded([...INTEGRATION, ...E2E])],
    },
    { ...base, displayName: 'integration', testMatch: rooted(INTEGRATION) },
    { ...base, displayName: 'e2e', testMatch: rooted(E2E) },
  ],
};
