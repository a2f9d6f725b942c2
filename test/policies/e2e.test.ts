import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The compiled artefacts, run as users run them: the CLI as `node lib/policies/cli.js`, the
 * cdk8s plugin through a real `cdk8s synth`, and the Pulumi pack started by Node from its
 * directory. Only policies/ is compiled (into a temporary directory) so that this test does not
 * depend on the rest of the project building.
 */
const ROOT = path.join(__dirname, '..', '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');
const MANIFESTS = path.join(__dirname, 'fixtures', 'manifests');

let tmp: string;
let lib: string;

function node(args: string[], cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    // Compiled files live outside the project, so their imports resolve through NODE_PATH.
    env: { ...process.env, NODE_PATH: NODE_MODULES },
  });
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-e2e-'));
  lib = path.join(tmp, 'lib');
  const tsc = require.resolve('typescript/bin/tsc');
  const entries = ['cli.ts', 'docs.ts', 'cdk8s/plugin.ts', 'pulumi/index.ts'].map((f) =>
    path.join(ROOT, 'policies', f),
  );
  const result = node([
    tsc,
    '--outDir',
    lib,
    '--rootDir',
    ROOT,
    '--module',
    'commonjs',
    '--moduleResolution',
    'node',
    '--target',
    'ES2022',
    '--strict',
    '--esModuleInterop',
    '--skipLibCheck',
    '--types',
    'node',
    ...entries,
  ]);
  expect(result.stdout + result.stderr).toBe('');
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('compiled CLI', () => {
  const cli = (...args: string[]) => node([path.join(lib, 'policies', 'cli.js'), ...args]);

  it('exits 1 on errors, 0 on warnings only, 2 on usage errors', () => {
    const failing = cli(path.join(MANIFESTS, 'errors.yaml'));
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('Policy gate FAILED: 3 errors');

    const warnings = cli(path.join(MANIFESTS, 'warnings-only.yaml'));
    expect(warnings.status).toBe(0);
    expect(warnings.stdout).toContain('  warning    platform/cpu-limit');

    const usage = cli();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('error: no file or directory given');
  });

  it('refuses an alias bomb and a binary file with one line each, exit 2 and no stack trace', () => {
    const bomb = path.join(tmp, 'bomb.yaml');
    const levels = 'abcdefghi';
    fs.writeFileSync(
      bomb,
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'data:',
        '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        ...[...levels.slice(1)].map(
          (level, i) =>
            `  ${level}: &${level} [${Array(9)
              .fill(`*${levels[i] ?? ''}`)
              .join(',')}]`,
        ),
        '',
      ].join('\n'),
    );
    const binary = path.join(tmp, 'binary.yaml');
    fs.writeFileSync(binary, Buffer.from('\0apiVersion: v1\nkind: ConfigMap\n'));

    const refused = cli(bomb);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(
      `error: ${bomb}:1: YAML aliases expand beyond the limit of 1000 nodes; an alias bomb ("billion laughs") was refused. Write the objects out without nested aliases.\n`,
    );

    const production = cli(binary, '--production');
    expect(production.status).toBe(2);
    expect(production.stderr).toBe(
      `error: cannot check ${binary}: binary, not text (NUL byte at offset 0)\n`,
    );
    expect(production.stdout).toBe('');
  });

  it('writes JSON on stdout', () => {
    const result = cli(
      '--format',
      'json',
      '--production',
      path.join(MANIFESTS, 'warnings-only.yaml'),
    );
    expect(result.status).toBe(1);
    expect((JSON.parse(result.stdout) as { summary: unknown }).summary).toEqual(
      expect.objectContaining({ errors: 2, warnings: 1, production: true }),
    );
  });
});

describe('compiled docs script', () => {
  it('finds the committed catalogue up to date', () => {
    const result = node([path.join(lib, 'policies', 'docs.js'), '--check']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('cdk8s synth with the validation plugin', () => {
  it('fails the synth and names the construct', () => {
    const project = path.join(tmp, 'cdk8s-app');
    fs.mkdirSync(project);
    fs.symlinkSync(lib, path.join(project, 'lib'));
    fs.writeFileSync(
      path.join(project, 'app.js'),
      [
        "const { App, Chart, ApiObject } = require('cdk8s');",
        "const app = new App({ outdir: 'dist' });",
        "const chart = new Chart(app, 'Tenant');",
        "new ApiObject(chart, 'Web', { apiVersion: 'apps/v1', kind: 'Deployment',",
        "  metadata: { name: 'web', namespace: 'team-a' },",
        "  spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27',",
        '    securityContext: { privileged: true } }] } } } });',
        'app.synth();',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(project, 'cdk8s.yaml'),
      [
        'app: node app.js',
        'output: dist',
        'validations:',
        '  - package: ./lib/policies/cdk8s/plugin.js',
        '    class: PolicyGateValidation',
        '    version: 0.1.0',
        '    properties:',
        '      production: false',
      ].join('\n'),
    );
    const cdk8s = path.join(NODE_MODULES, 'cdk8s-cli', 'bin', 'cdk8s');
    const result = node([cdk8s, 'synth', '--no-check-upgrade'], project);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain('Policy gate FAILED');
    expect(result.stdout).toContain('pss-baseline/privileged [error]');
    expect(result.stdout).toContain('Construct Path: Tenant/Web');
    expect(result.stdout).toContain(
      '> spec.template.spec.containers[0].securityContext.privileged',
    );
  });
});

describe('Pulumi policy pack', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill();
  });

  it('starts from policies/pulumi and announces its gRPC port', async () => {
    const entry = path.join(lib, 'policies', 'pulumi', 'index.js');
    // What Pulumi's run-policy-pack does: require the program with the pack directory as cwd.
    child = spawn(process.execPath, ['-e', `require(${JSON.stringify(entry)})`], {
      cwd: path.join(ROOT, 'policies', 'pulumi'),
      env: { ...process.env, NODE_PATH: NODE_MODULES },
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) {
          resolve(out.split('\n')[0] ?? '');
        }
      });
      child?.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child?.on('exit', (code) => reject(new Error(`pack exited with ${code}: ${err}`)));
    });
    expect(firstLine).toMatch(/^\d+$/);
  });
});
