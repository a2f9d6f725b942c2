import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * bin/launch.js, which every npm script and the package bin go through: it compiles lib/ only
 * when a source is newer than the last build, and never in an installed package. Exercised on a
 * one-file project of its own, so that it does not depend on (or rebuild) this repository.
 */
const ROOT = path.join(__dirname, '..', '..');

let project: string;

function launch(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(project, 'bin', 'launch.js'), ...args], {
    cwd: project,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const COMPILING = 'mlops-blueprint: sources changed, compiling';

/** Sets a file's time ahead, as an edit after the last build would. */
function later(file: string, seconds = 5): void {
  const t = new Date(Date.now() + seconds * 1000);
  fs.utimesSync(file, t, t);
}

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-launch-'));
  fs.mkdirSync(path.join(project, 'bin'));
  fs.copyFileSync(path.join(ROOT, 'bin', 'launch.js'), path.join(project, 'bin', 'launch.js'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'));
  fs.writeFileSync(
    path.join(project, 'tsconfig.build.json'),
    JSON.stringify({
      compilerOptions: {
        outDir: 'lib',
        rootDir: '.',
        incremental: true,
        tsBuildInfoFile: 'lib/.tsbuildinfo',
        module: 'commonjs',
        target: 'ES2022',
        strict: true,
        types: [],
      },
      include: ['apps'],
    }),
  );
  fs.mkdirSync(path.join(project, 'apps'));
  fs.writeFileSync(
    path.join(project, 'apps', 'hello.ts'),
    "declare const process: { argv: string[] };\nconsole.log('hello', process.argv.slice(2).join(' '));\n",
  );
});

afterAll(() => {
  fs.rmSync(project, { recursive: true, force: true });
});

describe('bin/launch.js', () => {
  test('compiles the first time and runs the module with its arguments', () => {
    const r = launch('apps/hello', 'a', 'b');
    expect(r.stderr).toContain(COMPILING);
    expect(r.stdout).toBe('hello a b\n');
    expect(r.status).toBe(0);
  });

  test('does not compile again while nothing changed', () => {
    const r = launch('apps/hello');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello \n');
  });

  test('compiles when a source changed', () => {
    const file = path.join(project, 'apps', 'hello.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("'hello'", "'hi'"));
    later(file);
    const r = launch('apps/hello');
    expect(r.stderr).toContain(COMPILING);
    expect(r.stdout).toBe('hi \n');
    expect(launch('apps/hello').stderr).toBe('');
  });

  test('compiles when a file was added, even with an old time', () => {
    fs.mkdirSync(path.join(project, 'apps', 'more'));
    const file = path.join(project, 'apps', 'more', 'extra.ts');
    fs.writeFileSync(file, 'export const extra = 1;\n');
    fs.utimesSync(file, new Date(0), new Date(0));
    later(path.join(project, 'apps', 'more'));
    expect(launch().stderr).toContain(COMPILING);
    expect(fs.existsSync(path.join(project, 'lib', 'apps', 'more', 'extra.js'))).toBe(true);
  });

  test('compiles when the module to run is missing from lib/', () => {
    fs.rmSync(path.join(project, 'lib', 'apps', 'hello.js'));
    const r = launch('apps/hello');
    expect(r.stderr).toContain(COMPILING);
    expect(r.stdout).toBe('hi \n');
  });

  test('stops on a compile error, and compiles again on the next run', () => {
    const file = path.join(project, 'apps', 'broken.ts');
    fs.writeFileSync(file, 'export const n: number = "text";\n');
    later(file);
    const failed = launch('apps/hello');
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('error TS2322');
    expect(failed.stderr).toContain('compiling failed (see above)');
    fs.rmSync(file);
    later(path.join(project, 'apps'));
    const fixed = launch('apps/hello');
    expect(fixed.stderr).toContain(COMPILING);
    expect(fixed.status).toBe(0);
  });

  test('never compiles in an installed package (no sources, no tsconfig.build.json)', () => {
    fs.renameSync(
      path.join(project, 'tsconfig.build.json'),
      path.join(project, 'tsconfig.build.json.off'),
    );
    try {
      later(path.join(project, 'apps', 'hello.ts'), 60);
      const r = launch('apps/hello');
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('hi \n');
    } finally {
      fs.renameSync(
        path.join(project, 'tsconfig.build.json.off'),
        path.join(project, 'tsconfig.build.json'),
      );
    }
  });
});
