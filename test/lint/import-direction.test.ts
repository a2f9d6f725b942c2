import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../helpers';

/**
 * The import-direction rules of eslint.config.mjs, on sample imports placed in each folder.
 *
 * ESLint loads its config with a dynamic import, which Jest's VM cannot run, so the samples are
 * linted by ESLint's Node API (`lintText` with a `filePath`) in one child process, with the
 * project's real config.
 */
interface Sample {
  /** Where the sample file would live. */
  readonly file: string;
  /** The module it imports. */
  readonly from: string;
  /** Another form of import than `import { x } from ...`. */
  readonly code?: string;
  /** A part of the expected message; `null`: the import is allowed. */
  readonly reported: string | null;
}

const CORE = 'constructs/core is the bottom layer';
const COMPONENT = 'components never import each other';
const CONSTRUCTS = 'constructs/ imports neither stacks/, apps/ nor policies/';
const STACKS = 'stacks/ does not import apps/';
const POLICIES = 'policies/ stands alone';
const PULUMI = 'Pulumi is imported only under apps/pulumi and policies/pulumi';

const SAMPLES: Sample[] = [
  // constructs/core imports only itself
  { file: 'constructs/core/mesh.ts', from: './network', reported: null },
  { file: 'constructs/core/config/rules.ts', from: '../validation', reported: null },
  { file: 'constructs/core/mesh.ts', from: '../istio', reported: CORE },
  { file: 'constructs/core/config/rules.ts', from: '../../dex/dex', reported: CORE },
  { file: 'constructs/core/mesh.ts', from: '..', reported: CORE },
  { file: 'constructs/core/mesh.ts', from: '../../stacks/platform', reported: CONSTRUCTS },
  { file: 'constructs/core/mesh.ts', from: '../../apps/cdk8s/synth', reported: CONSTRUCTS },
  { file: 'constructs/core/mesh.ts', from: '../../policies', reported: CONSTRUCTS },
  { file: 'constructs/core/mesh.ts', from: '../..', reported: CONSTRUCTS },
  // allow-listed: core/policy.ts writes the annotation policies/ reads
  { file: 'constructs/core/policy.ts', from: '../../policies/suppressions', reported: null },
  { file: 'constructs/core/policy.ts', from: '../../policies/evaluate', reported: CONSTRUCTS },

  // a component imports its own folder and constructs/core
  { file: 'constructs/dex/dex.ts', from: './names', reported: null },
  { file: 'constructs/dex/dex.ts', from: '../core/mesh', reported: null },
  { file: 'constructs/dex/private/validate.ts', from: '../../core/mesh', reported: null },
  { file: 'constructs/dex/private/validate.ts', from: '../names', reported: null },
  { file: 'constructs/dex/dex.ts', from: '../istio', reported: COMPONENT },
  { file: 'constructs/dex/dex.ts', from: '../istio/gateway', reported: COMPONENT },
  {
    file: 'constructs/dex/dex.ts',
    from: '../istio/gateway',
    code: "import type { IstioGateway } from '../istio/gateway';\nexport type G = IstioGateway;\n",
    reported: COMPONENT,
  },
  {
    file: 'constructs/dex/dex.ts',
    from: '../istio/gateway',
    code: "export { IstioGateway } from '../istio/gateway';\n",
    reported: COMPONENT,
  },
  {
    file: 'constructs/dex/dex.ts',
    from: '../istio',
    code: "export * from '../istio';\n",
    reported: COMPONENT,
  },
  { file: 'constructs/dex/dex.ts', from: '..', reported: COMPONENT },
  { file: 'constructs/dex/private/validate.ts', from: '../../istio/gateway', reported: COMPONENT },
  { file: 'constructs/dex/dex.ts', from: '../../stacks/platform', reported: CONSTRUCTS },
  { file: 'constructs/dex/dex.ts', from: '../../apps/pulumi/program', reported: CONSTRUCTS },
  { file: 'constructs/dex/dex.ts', from: '../../policies', reported: CONSTRUCTS },
  {
    file: 'constructs/dex/private/validate.ts',
    from: '../../../stacks/names',
    reported: CONSTRUCTS,
  },
  { file: 'constructs/dex/dex.ts', from: '@pulumi/pulumi', reported: PULUMI },
  // allow-listed pairs, and only those pairs
  { file: 'constructs/object-store/object-store.ts', from: '../minio/minio', reported: null },
  {
    file: 'constructs/object-store/object-store.ts',
    from: '../seaweedfs/seaweedfs',
    reported: null,
  },
  { file: 'constructs/object-store/object-store.ts', from: '../core/network', reported: null },
  { file: 'constructs/object-store/object-store.ts', from: '../dex', reported: COMPONENT },
  {
    file: 'constructs/object-store/object-store.ts',
    from: '../../stacks/platform',
    reported: CONSTRUCTS,
  },
  { file: 'constructs/tenant/tenant.ts', from: '../namespaces/namespace', reported: null },
  { file: 'constructs/tenant/tenant.ts', from: '../minio/minio', reported: COMPONENT },
  { file: 'constructs/minio/minio.ts', from: '../namespaces/namespace', reported: COMPONENT },
  { file: 'constructs/namespaces/namespace.ts', from: '../tenant/tenant', reported: COMPONENT },
  // constructs/index.ts gathers the components
  { file: 'constructs/index.ts', from: './dex', reported: null },
  { file: 'constructs/index.ts', from: '../stacks', reported: CONSTRUCTS },

  // stacks/ wires components and runs policies, never apps/
  { file: 'stacks/platform.ts', from: '../constructs/dex', reported: null },
  { file: 'stacks/platform.ts', from: '../constructs/core/layers', reported: null },
  { file: 'stacks/pipeline.ts', from: '../policies', reported: null },
  { file: 'stacks/config/schema.ts', from: '../../constructs/core/validation', reported: null },
  { file: 'stacks/config/schema.ts', from: '..', reported: null },
  { file: 'stacks/platform.ts', from: '../apps/cdk8s/synth', reported: STACKS },
  { file: 'stacks/config/schema.ts', from: '../../apps/cdk8s/output', reported: STACKS },
  { file: 'stacks/platform.ts', from: '..', reported: STACKS },
  { file: 'stacks/platform.ts', from: '../index', reported: STACKS },
  { file: 'stacks/platform.ts', from: '@pulumi/kubernetes', reported: PULUMI },

  // apps/ may import everything; Pulumi only under apps/pulumi
  { file: 'apps/cdk8s/synth.ts', from: '../../stacks/platform', reported: null },
  { file: 'apps/cdk8s/synth.ts', from: '../../constructs/core/layers', reported: null },
  { file: 'apps/cdk8s/synth.ts', from: '../../policies', reported: null },
  { file: 'apps/cdk8s/synth.ts', from: '@pulumi/pulumi', reported: PULUMI },
  { file: 'apps/pulumi/program.ts', from: '@pulumi/pulumi', reported: null },
  { file: 'apps/pulumi/program.ts', from: '@pulumi/kubernetes', reported: null },

  // policies/ stands alone; Pulumi only under policies/pulumi
  { file: 'policies/evaluate.ts', from: './suppressions', reported: null },
  { file: 'policies/packs/platform/rules.ts', from: '../../core/rule', reported: null },
  { file: 'policies/evaluate.ts', from: '../constructs/core/policy', reported: POLICIES },
  { file: 'policies/evaluate.ts', from: '../stacks/render', reported: POLICIES },
  { file: 'policies/evaluate.ts', from: '../apps/cdk8s/synth', reported: POLICIES },
  { file: 'policies/evaluate.ts', from: '..', reported: POLICIES },
  { file: 'policies/packs/platform/rules.ts', from: '../../../stacks/render', reported: POLICIES },
  { file: 'policies/evaluate.ts', from: '@pulumi/policy', reported: PULUMI },
  { file: 'policies/pulumi/index.ts', from: '@pulumi/policy', reported: null },
  { file: 'policies/pulumi/index.ts', from: '../evaluate', reported: null },
  { file: 'policies/pulumi/index.ts', from: '../../constructs/core/policy', reported: POLICIES },

  // tests may import anything
  { file: 'test/constructs/dex/helpers.ts', from: '../../../constructs/istio', reported: null },
  { file: 'test/apps/pulumi/program.test.ts', from: '@pulumi/pulumi', reported: null },
];

const LINT = `
const { ESLint } = require('eslint');
(async () => {
  const samples = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const s of samples) {
    const [result] = await eslint.lintText(s.code, { filePath: s.file });
    out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.fatal).map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

const codeOf = (s: Sample): string =>
  s.code ?? `import { x } from '${s.from}';\nexport const y = x;\n`;

let messages: string[][];

beforeAll(() => {
  const input = JSON.stringify(SAMPLES.map((s) => ({ file: s.file, code: codeOf(s) })));
  const r = spawnSync(process.execPath, ['-e', LINT], { cwd: REPO_ROOT, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ESLint failed: ${r.stderr}`);
  messages = JSON.parse(r.stdout) as string[][];
});

describe('import direction (eslint.config.mjs)', () => {
  test.each(SAMPLES.map((s, i) => ({ ...s, i, line: codeOf(s).split('\n')[0] })))(
    '$file: $line',
    ({ i, reported }) => {
      if (reported === null) expect(messages[i]).toEqual([]);
      else expect(messages[i]).toEqual([expect.stringContaining(reported)]);
    },
  );
});
