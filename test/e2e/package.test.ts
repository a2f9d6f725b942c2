import { SpawnSyncReturns, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The package as users get it: what package.json declares (bin, exports, typesVersions, files,
 * scripts), the command in this repository, and the packed tarball installed into an empty
 * project, where the bin runs and a TypeScript consumer compiles under each module resolution.
 */
const ROOT = path.join(__dirname, '..', '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');
const TSC = require.resolve('typescript/bin/tsc');

interface PackageJson {
  name: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  typesVersions: Record<string, Record<string, string[]>>;
  files: string[];
  scripts: Record<string, string>;
}
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
}
function ok(r: SpawnSyncReturns<string>): SpawnSyncReturns<string> {
  if (r.status !== 0) {
    throw new Error(`exit ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

describe('package.json declares', () => {
  test('the mlops-blueprint bin: a node script with a shebang, shipped in files', () => {
    expect(pkg.bin).toEqual({ 'mlops-blueprint': 'bin/mlops-blueprint.js' });
    const bin = path.join(ROOT, pkg.bin['mlops-blueprint']);
    expect(fs.readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
    expect(pkg.files).toEqual(
      expect.arrayContaining(['bin/mlops-blueprint.js', 'bin/launch.js', 'lib/**/*.js']),
    );
  });

  test('the ./policies subpath for every module resolution, typesVersions included', () => {
    expect(pkg.exports['./policies']).toEqual({
      types: './lib/policies/index.d.ts',
      default: './lib/policies/index.js',
    });
    // moduleResolution "node" (node10) ignores exports and reads typesVersions instead.
    expect(pkg.typesVersions).toEqual({ '*': { policies: ['lib/policies/index.d.ts'] } });
    expect(pkg.files).toEqual(expect.arrayContaining(['lib/**/*.d.ts']));
  });

  test('the JSON Schema of the environment file as ./schema/*.json, shipped in files', () => {
    expect(pkg.exports['./schema/*.json']).toBe('./schema/*.json');
    expect(pkg.files).toContain('schema/*.json');
  });

  test('the example environments as ./stacks/*.yaml, shipped in files', () => {
    expect(pkg.exports['./stacks/*.yaml']).toBe('./stacks/*.yaml');
    expect(pkg.files).toContain('stacks/*.yaml');
    for (const f of ['dev.yaml', 'prod.yaml']) {
      expect(fs.existsSync(path.join(ROOT, 'stacks', f))).toBe(true);
    }
  });

  test('scripts that run compiled JavaScript and compile only in prepare or when sources changed', () => {
    expect(pkg.scripts.prepare).toBe('npm run build');
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    expect(pkg.scripts.synth).toBe('node bin/mlops-blueprint.js synth');
    expect(pkg.scripts.policy).toBe('node bin/mlops-blueprint.js policy');
    for (const name of ['synth', 'policy', 'bench', 'docs', 'docs:policies']) {
      expect(pkg.scripts[name]).not.toMatch(/\btsc\b|npm run (--silent )?build/);
      expect(pkg.scripts[name]).toMatch(/^node bin\/(launch|mlops-blueprint)\.js\b/);
    }
  });

  test('a cdk8s.yaml whose app goes through the launcher and whose plugin reads the marker', () => {
    const config = fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8');
    expect(config).toMatch(/^app: node bin\/launch\.js apps\/cdk8s\/main$/m);
    expect(config).toMatch(/^output: cdk8s\.out$/m);
    expect(config).not.toMatch(/^\s*production:/m);
  });
});

/**
 * The rest needs lib/ of this repository: bin/launch.js compiles it if a source changed. One
 * file, so that no two tests compile the repository at the same time.
 */
describe('built from this repository', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-package-')));
    ok(run(process.execPath, [path.join(ROOT, 'bin', 'launch.js')], ROOT));
  }, 300_000);
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the bin in the repository: help, unknown commands, synth and policy', () => {
    const bin = path.join(ROOT, 'bin', 'mlops-blueprint.js');
    const help = ok(run(bin, ['--help'], ROOT));
    expect(help.stdout).toMatch(/^Usage: mlops-blueprint <command> \[options\]/);
    expect(ok(run(bin, ['help', 'synth'], ROOT)).stdout).toMatch(/^Usage: mlops-blueprint synth/);
    const unknown = run(bin, ['deploy'], ROOT);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "deploy".');
    const out = path.join(tmp, 'repo-out', 'prod');
    ok(run(bin, ['synth', '--config', 'stacks/prod.yaml', '--out', out], ROOT));
    expect(JSON.parse(fs.readFileSync(path.join(out, '.mlops-blueprint'), 'utf8'))).toEqual(
      expect.objectContaining({ environment: 'prod', production: true }),
    );
    const policy = run(bin, ['policy', out, '--production'], ROOT);
    expect(policy.stderr).toBe('');
    expect(policy.stdout).toMatch(/^Policy gate passed/);
    expect(policy.status).toBe(0);
  });

  test('cdk8s synth writes manifests and marker where its plugins look, and both gates agree', () => {
    const out = path.join(tmp, 'cdk8s-out');
    const cdk8s = path.join(NODE_MODULES, 'cdk8s-cli', 'bin', 'cdk8s');
    const r = ok(
      run(process.execPath, [cdk8s, 'synth', '--no-check-upgrade', '--output', out], ROOT, {
        MLOPS_ENVIRONMENT: 'stacks/prod.yaml',
      }),
    );
    expect(fs.readdirSync(out)).toEqual(expect.arrayContaining(['.mlops-blueprint', 'install.sh']));
    expect(r.stdout).toContain(`${out}/01-crds.k8s.yaml`);
    expect(r.stdout).toContain(`Production rules on (from ${path.join(out, '.mlops-blueprint')}).`);
    expect(r.stdout).toMatch(/production\s+│\s+true/);
  });

  describe('packed and installed into an empty project', () => {
    let consumer: string;
    beforeAll(() => {
      const packed = ok(
        run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT),
      );
      const [{ filename, files }] = JSON.parse(packed.stdout) as {
        filename: string;
        files: { path: string }[];
      }[];
      const shipped = files.map((f) => f.path);
      expect(shipped).toEqual(
        expect.arrayContaining([
          'bin/mlops-blueprint.js',
          'bin/launch.js',
          'lib/apps/cdk8s/bin.js',
          'lib/policies/index.d.ts',
          'stacks/prod.yaml',
          // the JSON Schema the example files' modeline names, for editors of users' files
          'schema/environment.schema.json',
          'package.json',
        ]),
      );
      expect(shipped.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
      expect(shipped).not.toContain('tsconfig.build.json');
      consumer = path.join(tmp, 'consumer');
      fs.mkdirSync(consumer);
      fs.writeFileSync(
        path.join(consumer, 'package.json'),
        JSON.stringify({
          name: 'consumer',
          private: true,
          dependencies: { 'mlops-blueprint': `file:${path.join(tmp, filename)}` },
        }),
      );
      ok(
        run(
          'npm',
          ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
          consumer,
        ),
      );
    }, 300_000);

    test('the bin runs from lib/ with the exported example environments', () => {
      const bin = path.join(consumer, 'node_modules', '.bin', 'mlops-blueprint');
      expect(ok(run(bin, ['--help'], consumer)).stdout).toContain('Usage: mlops-blueprint');
      const prodYaml = ok(
        run(
          process.execPath,
          ['-p', "require.resolve('mlops-blueprint/stacks/prod.yaml')"],
          consumer,
        ),
      ).stdout.trim();
      expect(prodYaml).toBe(
        path.join(consumer, 'node_modules', 'mlops-blueprint', 'stacks', 'prod.yaml'),
      );
      const r = run(bin, ['synth', '--config', prodYaml, '--out', 'dist/prod'], consumer);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(fs.readdirSync(path.join(consumer, 'dist', 'prod'))).toContain('install.sh');
      // No sources in an installed package: nothing was compiled, nothing written into it.
      const installed = path.join(consumer, 'node_modules', 'mlops-blueprint');
      expect(fs.existsSync(path.join(installed, 'lib', '.tsbuildinfo'))).toBe(false);
      // As users type it.
      const npx = run(
        'npx',
        ['--offline', 'mlops-blueprint', 'synth', '--out', 'dist/dev'],
        consumer,
      );
      expect(npx.stderr).toBe('');
      expect(npx.status).toBe(0);
      expect(fs.existsSync(path.join(consumer, 'dist', 'dev', '.mlops-blueprint'))).toBe(true);
    });

    test.each([
      ['node', { module: 'commonjs', moduleResolution: 'node' }],
      ['node16', { module: 'node16', moduleResolution: 'node16' }],
      ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
    ])('a TypeScript consumer compiles with moduleResolution %s', (name, options) => {
      const dir = path.join(consumer, `ts-${name}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'index.ts'),
        [
          "import { App } from 'cdk8s';",
          "import { MlopsPlatform, renderPlatform } from 'mlops-blueprint';",
          "import { evaluate, formatText } from 'mlops-blueprint/policies';",
          '',
          'const app = new App();',
          "const platform = new MlopsPlatform(app, 'Platform', {",
          "  environment: { name: 'staging', preset: 'dev' },",
          '});',
          'const { layers } = renderPlatform(platform);',
          'const report = evaluate(layers.flatMap((l) => l.objects));',
          'export const text: string = formatText(report);',
          '',
        ].join('\n'),
      );
      fs.writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            ...options,
            target: 'ES2022',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            typeRoots: [path.join(NODE_MODULES, '@types')],
            types: ['node'],
          },
          files: ['index.ts'],
        }),
      );
      const r = run(process.execPath, [TSC, '-p', dir], dir);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  });
});
