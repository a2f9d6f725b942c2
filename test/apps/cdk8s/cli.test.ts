import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../apps/cdk8s/cli';
import { synth } from '../../../apps/cdk8s/synth';
import { MARKER_FILE, readMarker } from '../../../apps/cdk8s/write-output';
import { REPO_ROOT } from '../../helpers';

// The module object itself, so that a spy replaces what write-output.ts calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const realFs = require('node:fs') as typeof fs;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-synth-'));
}
function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(
    args,
    (m: string) => out.push(m),
    (m: string) => err.push(m),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}
function snapshotDir(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

describe('npm run synth', () => {
  test('writes one file per non-empty layer in install order, the install script, kustomization and images', () => {
    const dir = path.join(tmp(), 'dist');
    const r = run(['--config', path.join(REPO_ROOT, 'stacks/dev.yaml'), '--out', dir]);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual([
      MARKER_FILE,
      '01-crds.k8s.yaml',
      '02-namespaces.k8s.yaml',
      '03-infrastructure.k8s.yaml',
      '04-infrastructure-config.k8s.yaml',
      '05-identity.k8s.yaml',
      '06-platform-controllers.k8s.yaml',
      '07-platform-resources.k8s.yaml',
      '08-tenants.k8s.yaml',
      'access.md',
      'images.txt',
      'install.sh',
      'kustomization.yaml',
      'policy-report.txt',
      'smoke-pipelines.sh',
      'smoke-registry.sh',
      'smoke-serving.sh',
      'smoke-training.sh',
      'versions.md',
    ]);
    expect(fs.readFileSync(path.join(dir, 'policy-report.txt'), 'utf8')).toMatch(
      /^Policy gate passed: 0 errors/,
    );
    const script = fs.readFileSync(path.join(dir, 'install.sh'), 'utf8');
    const order = ['02-namespaces', '06-platform-controllers', '08-tenants'].map((l) =>
      script.indexOf(`-f ${l}.k8s.yaml`),
    );
    expect(order.every((p, i) => p > 0 && (i === 0 || p > order[i - 1]))).toBe(true);
    expect(script).toContain(
      'kc -n minio wait --for=condition=Complete --timeout="$TIMEOUT" job/minio-bucket-provisioner',
    );
    expect(script).toContain('kc -n minio rollout status statefulset/minio --timeout="$TIMEOUT"');
    expect(fs.statSync(path.join(dir, 'install.sh')).mode & 0o111).not.toBe(0);
    const layerFiles = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.k8s.yaml'))
      .sort();
    expect(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')).toContain(
      `resources:\n${layerFiles.map((f) => `  - ${f}\n`).join('')}`,
    );
    const images = fs.readFileSync(path.join(dir, 'images.txt'), 'utf8').trim().split('\n');
    expect(images).toEqual([...images].sort());
    expect(images).toEqual(
      expect.arrayContaining([
        'quay.io/jetstack/cert-manager-controller:v1.20.2',
        'quay.io/jetstack/cert-manager-acmesolver:v1.20.2',
        'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z@sha256:a7fe349ef4bd8521fb8497f55c6042871b2ae640607cf99d9bede5e9bdf11727',
        'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:14cea493d9a34af32f524e538b8346cf79f3321eff8e708c1e2960462bd8936e',
        'registry.k8s.io/kubectl:v1.34.1',
      ]),
    );
    // The script waits for cert-manager to admit resources before the issuers' layer, and for them.
    const script3 = fs.readFileSync(path.join(dir, 'install.sh'), 'utf8');
    expect(script3.indexOf('job/cert-manager-startup-check')).toBeLessThan(
      script3.indexOf('-f 04-infrastructure-config.k8s.yaml'),
    );
    expect(script3).toContain('wait_for_ca validatingwebhookconfiguration cert-manager-webhook');
    expect(script3).toContain('wait_for_ca mutatingwebhookconfiguration istio-sidecar-injector');
    expect(script3.indexOf('wait_for_ca() {')).toBeLessThan(
      script3.indexOf('wait_for_ca validating'),
    );
    expect(script3).toContain(
      'wait --for=condition=Ready --timeout="$TIMEOUT" clusterissuer/platform-ca',
    );
    expect(r.out).toMatch(/Synthesized environment dev: \d+ objects, \d+ images\./);
  });

  test('the same environment gives byte-identical output', () => {
    const a = path.join(tmp(), 'a');
    const b = path.join(tmp(), 'b');
    synth({ configPath: path.join(REPO_ROOT, 'stacks/prod.yaml'), outDir: a });
    synth({ configPath: path.join(REPO_ROOT, 'stacks/prod.yaml'), outDir: b });
    expect(snapshotDir(a)).toEqual(snapshotDir(b));
  });

  test('prod: required Secrets are checked by the install script once namespaces exist', () => {
    const dir = path.join(tmp(), 'dist');
    synth({ configPath: path.join(REPO_ROOT, 'stacks/prod.yaml'), outDir: dir });
    const script = fs.readFileSync(path.join(dir, 'install.sh'), 'utf8');
    const check = script.indexOf('kc -n minio get secret minio-root-credentials');
    expect(check).toBeGreaterThan(script.indexOf('-f 02-namespaces.k8s.yaml'));
    expect(check).toBeLessThan(script.indexOf('-f 06-platform-controllers.k8s.yaml'));
    expect(script).toContain('keys: password, username; used by minio server');
    // Every image follows the registry mirror of prod.yaml.
    const images = fs.readFileSync(path.join(dir, 'images.txt'), 'utf8').trim().split('\n');
    expect(images.every((i) => i.startsWith('registry.example.com/mlops/'))).toBe(true);
  });

  test('an invalid file fails before anything is written and leaves the previous output untouched', () => {
    const dir = path.join(tmp(), 'dist');
    expect(run(['--out', dir]).code).toBe(0);
    const before = snapshotDir(dir);
    const r = run([
      '--config',
      path.join(REPO_ROOT, 'test/fixtures/config/invalid/prod-missing.yaml'),
      '--out',
      dir,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is not a valid environment (4 problems)');
    expect(r.err).toContain('Nothing was written.');
    expect(snapshotDir(dir)).toEqual(before);
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['dist']);
  });

  test('an invalid file with no previous output creates nothing', () => {
    const parent = tmp();
    const r = run([
      '--config',
      path.join(REPO_ROOT, 'test/fixtures/config/invalid/typos.yaml'),
      '--out',
      path.join(parent, 'dist'),
    ]);
    expect(r.code).toBe(1);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('a missing file and bad arguments are reported clearly', () => {
    const missing = run(['--config', '/nonexistent.yaml', '--out', path.join(tmp(), 'd')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(
      'The environment file does not exist. Check the path given with --config.',
    );
    const bad = run(['--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Usage: mlops-blueprint synth [options]');
    expect(bad.err).toContain('npm run synth -- [options]');
  });

  test('a Pulumi-filled secret cannot be synthesized for plain manifests', () => {
    const file = path.join(tmp(), 'env.yaml');
    fs.writeFileSync(
      file,
      'name: dev\npreset: dev\nobjectStore:\n  type: minio\n  rootCredentials:\n    type: pulumi\n    configKeys: { rootUser: u, rootPassword: p }\n',
    );
    const r = run(['--config', file, '--out', path.join(tmp(), 'd')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      '`objectStore.rootCredentials` takes its values from Pulumi secret config (type pulumi), which only `pulumi up` can fill. For npm run synth and cdk8s synth use type existing or generated.',
    );
  });
});

describe('where the output goes', () => {
  const cwd = process.cwd();
  let work: string;
  beforeEach(() => {
    // A checkout of its own: the commands below run as a user types them there.
    work = fs.realpathSync(tmp());
    fs.mkdirSync(path.join(work, 'stacks'));
    for (const f of ['dev.yaml', 'prod.yaml']) {
      fs.copyFileSync(path.join(REPO_ROOT, 'stacks', f), path.join(work, 'stacks', f));
    }
    fs.writeFileSync(path.join(work, 'README.md'), 'keep');
    process.chdir(work);
  });
  afterEach(() => {
    process.chdir(cwd);
    jest.restoreAllMocks();
  });

  test('without --out, each environment goes to dist/<its name>, and they leave each other alone', () => {
    expect(run(['--config', 'stacks/prod.yaml']).code).toBe(0);
    const prod = snapshotDir('dist/prod');
    const plain = run([]);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain(`  ${path.join('dist', 'dev', 'install.sh')}`);
    expect(fs.readdirSync('dist').sort()).toEqual(['dev', 'prod']);
    expect(snapshotDir('dist/prod')).toEqual(prod);
    expect(readMarker('dist/dev')).toEqual(
      expect.objectContaining({ environment: 'dev', production: false }),
    );
    expect(readMarker('dist/prod')).toEqual(
      expect.objectContaining({ environment: 'prod', production: true }),
    );
    expect([...(readMarker('dist/prod')?.files ?? [])].sort()).toEqual(
      fs
        .readdirSync('dist/prod')
        .filter((f) => f !== MARKER_FILE)
        .sort(),
    );
    // The README's explicit form writes the same place and replaces its own output.
    expect(run(['--config', 'stacks/prod.yaml', '--out', 'dist/prod']).code).toBe(0);
    expect(snapshotDir('dist/prod')).toEqual(prod);
  });

  test('without --out, an invalid file reports its problems and writes nothing', () => {
    fs.writeFileSync('stacks/bad.yaml', 'name: Not_A_Label\npreset: dev\n');
    const r = run(['--config', 'stacks/bad.yaml']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('stacks/bad.yaml is not a valid environment');
    expect(r.err).toContain('Nothing was written.');
    expect(fs.existsSync('dist')).toBe(false);
  });

  test('--out . refuses to touch the checkout, even with --force', () => {
    for (const args of [
      ['--out', '.'],
      ['--out', '.', '--force'],
    ]) {
      const r = run(args);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `Refusing to write to ${work}: it is or contains the current directory, which mlops-blueprint never replaces, not even with --force; choose a new directory with --out, e.g. --out dist/<environment>.`,
      );
    }
    expect(fs.readdirSync(work).sort()).toEqual(['README.md', 'stacks']);
  });

  test('--out naming a file is refused and the file kept', () => {
    fs.writeFileSync('somefile', 'keep');
    const r = run(['--out', 'somefile']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'Refusing to write to somefile: it is an existing file, not a directory; choose a directory with --out.',
    );
    expect(fs.readFileSync('somefile', 'utf8')).toBe('keep');
  });

  test('a directory the tool did not write is refused; --force replaces it', () => {
    fs.mkdirSync('manifests');
    fs.writeFileSync('manifests/mine.yaml', 'kind: Mine');
    const refused = run(['--out', 'manifests']);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      'Refusing to replace manifests: it is not empty and was not written by mlops-blueprint (no .mlops-blueprint marker); choose another directory with --out, or add --force to replace it and everything in it.',
    );
    expect(fs.readdirSync('manifests')).toEqual(['mine.yaml']);
    expect(run(['--out', 'manifests', '--force']).code).toBe(0);
    expect(fs.existsSync('manifests/mine.yaml')).toBe(false);
    expect(readMarker('manifests')?.environment).toBe('dev');
  });

  test('a file system error is one sentence and exit code 1, not a stack trace', () => {
    jest.spyOn(realFs, 'mkdirSync').mockImplementation((file) => {
      throw Object.assign(new Error('EROFS'), { code: 'EROFS', syscall: 'mkdir', path: file });
    });
    const r = run([]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `Cannot write ${path.join('dist', 'dev')}: the file system is read-only at dist (EROFS); choose a writable location with --out (the previous output is unchanged).`,
    );
  });

  test('a second run while the first holds the lock stops with a clear message', () => {
    fs.mkdirSync('dist');
    fs.writeFileSync(
      'dist/.dev.lock',
      JSON.stringify({ pid: process.pid, host: os.hostname(), token: 't' }),
    );
    const r = run([]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^Another mlops-blueprint run \(process \d+ on .*\) is writing dist\/dev; /,
    );
  });
});

describe('determinism', () => {
  test('neither the clock nor the environment changes a byte of the output', () => {
    // The variables the entry points read: constructs must never see them.
    const vars = ['MLOPS_ENVIRONMENT', 'CDK8S_OUTDIR'] as const;
    const run = (
      when: string,
      env: Record<(typeof vars)[number], string>,
    ): Record<string, string> => {
      const saved = Object.fromEntries(vars.map((v) => [v, process.env[v]]));
      jest.useFakeTimers({ now: new Date(when) });
      Object.assign(process.env, env);
      try {
        const dir = path.join(tmp(), 'dist');
        synth({ configPath: path.join(REPO_ROOT, 'stacks/prod.yaml'), outDir: dir });
        return snapshotDir(dir);
      } finally {
        jest.useRealTimers();
        for (const v of vars) {
          if (saved[v] === undefined) Reflect.deleteProperty(process.env, v);
          else process.env[v] = saved[v];
        }
      }
    };
    const a = run('2001-01-01T00:00:00Z', {
      MLOPS_ENVIRONMENT: 'stacks/dev.yaml',
      CDK8S_OUTDIR: '/tmp/a',
    });
    const b = run('2031-06-30T23:59:59Z', {
      MLOPS_ENVIRONMENT: 'nonexistent.yaml',
      CDK8S_OUTDIR: '/tmp/b',
    });
    expect(Object.keys(a).length).toBeGreaterThan(5);
    expect(b).toEqual(a);
  });
});

describe('npm run synth --gitops', () => {
  test('writes Argo CD and Flux files into sub-directories, listed in the marker, and replaces them on the next run', () => {
    const dir = path.join(tmp(), 'dist');
    const args = [
      '--config',
      path.join(REPO_ROOT, 'stacks/dev.yaml'),
      '--out',
      dir,
      '--gitops',
      'argocd,flux',
      '--gitops-repo',
      'https://git.example.com/platform.git',
      '--gitops-path',
      'envs/dev',
    ];
    const r = run(args);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const top = fs.readdirSync(dir);
    expect(top).toContain('argocd');
    expect(top).toContain('flux');
    const marker = readMarker(dir);
    expect(marker?.files).toContain('argocd/root.yaml');
    expect(marker?.files.some((f) => f.startsWith('flux/kustomizations/'))).toBe(true);
    const root = fs.readFileSync(path.join(dir, 'argocd', 'root.yaml'), 'utf8');
    expect(root).toContain('https://git.example.com/platform.git');
    expect(root).toContain('envs/dev/argocd/apps');
    // The kustomization of the layers still names only the layers.
    expect(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')).not.toMatch(
      /argocd|flux/,
    );
    // Owned as a whole: the next run replaces it, with or without GitOps files.
    expect(run(args).code).toBe(0);
    const plain = run(['--config', path.join(REPO_ROOT, 'stacks/dev.yaml'), '--out', dir]);
    expect(plain.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'argocd'))).toBe(false);
  });

  test('a file someone put into a GitOps sub-directory makes the directory foreign', () => {
    const dir = path.join(tmp(), 'dist');
    const args = [
      '--out',
      dir,
      '--gitops',
      'flux',
      '--gitops-repo',
      'https://git.example.com/platform.git',
      '--gitops-path',
      'dist/dev',
    ];
    expect(run(args).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'flux', 'mine.yaml'), 'kind: Mine\n');
    const again = run(args);
    expect(again.code).toBe(1);
    expect(again.err).toContain('flux/mine.yaml');
  });

  test.each([
    [['--gitops', 'jenkins', '--gitops-repo', 'x'], '--gitops takes argocd, flux or argocd,flux'],
    [['--gitops', 'argocd'], '--gitops needs --gitops-repo'],
    [['--gitops-repo', 'https://x'], 'need --gitops'],
    [
      ['--gitops', 'argocd', '--gitops-repo', 'https://x', '--out', '/tmp/abs-out'],
      'Give it with --gitops-path',
    ],
  ])('usage errors: %j', (args, message) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
});
