import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { MARKER_FILE, readMarker, writeOutput } from '../../apps/cdk8s/write-output';

/**
 * writeOutput across processes: killed in the middle, run concurrently, run under a umask. The
 * children load apps/cdk8s/write-output.ts transpiled on its own (it needs nothing but Node), so
 * this test does not depend on the rest of the project building.
 */
const SOURCE = path.join(__dirname, '..', '..', 'apps', 'cdk8s', 'write-output.ts');

let work: string;
let moduleFile: string;

beforeAll(() => {
  work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-write-proc-')));
  moduleFile = path.join(work, 'write-output.js');
  const { outputText } = ts.transpileModule(fs.readFileSync(SOURCE, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  fs.writeFileSync(moduleFile, outputText);
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

/** A child that writes `files` to `dir` the way the CLI does: an OutputError is one line, exit 1. */
function childScript(body: string): string[] {
  return [
    '-e',
    [
      "const fs = require('node:fs');",
      `const { writeOutput, OutputError } = require(${JSON.stringify(moduleFile)});`,
      body,
    ].join('\n'),
  ];
}
const WRITE = [
  // FILES: the files as JSON, or GEN: "<tag> <count> <lines>" to make big ones here.
  'const [tag, count, lines] = (process.env.GEN ?? "").split(" ");',
  'const files = process.env.GEN',
  '  ? Array.from({ length: Number(count) }, (_, i) => ({',
  '      name: `${String(i).padStart(2, "0")}-layer.k8s.yaml`,',
  '      content: `${tag}\\n`.repeat(Number(lines)),',
  '    }))',
  '  : JSON.parse(process.env.FILES);',
  'try {',
  '  writeOutput(process.env.OUT, files, { environment: "dev" });',
  '} catch (err) {',
  '  if (!(err instanceof OutputError)) throw err;',
  '  process.stderr.write(err.message + "\\n");',
  '  process.exitCode = 1;',
  '}',
].join('\n');

function files(tag: string, count = 3, size = 10): { name: string; content: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${String(i).padStart(2, '0')}-layer.k8s.yaml`,
    content: `${tag}\n`.repeat(size),
  }));
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

describe('a run killed between the two renames', () => {
  test('leaves the previous output aside, and the next run recovers and cleans up', () => {
    const parent = fs.mkdtempSync(path.join(work, 'kill-'));
    const dir = path.join(parent, 'dist');
    writeOutput(dir, files('previous'), { environment: 'dev' });
    // SIGKILL right after the first rename (the old output moved aside), before the second.
    const killed = spawnSync(
      process.execPath,
      childScript(
        [
          'const rename = fs.renameSync;',
          'fs.renameSync = (...args) => { rename(...args); process.kill(process.pid, "SIGKILL"); };',
          WRITE,
        ].join('\n'),
      ),
      { env: { ...process.env, OUT: dir, FILES: JSON.stringify(files('next')) }, encoding: 'utf8' },
    );
    expect(killed.signal).toBe('SIGKILL');
    const left = fs.readdirSync(parent).sort();
    expect(left).not.toContain('dist');
    expect(left.filter((e) => /^\.dist-old-\d+-[0-9a-f]{8}$/.test(e))).toHaveLength(1);
    expect(left.filter((e) => /^\.dist-new-\d+-[0-9a-f]{8}$/.test(e))).toHaveLength(1);
    expect(left).toContain('.dist.lock');

    // The next run: the stale lock is taken over, the old output restored, then replaced.
    writeOutput(dir, files('third'), { environment: 'dev' });
    expect(fs.readdirSync(parent)).toEqual(['dist']);
    expect(snapshot(dir)['00-layer.k8s.yaml']).toBe('third\n'.repeat(10));
  });

  test('the next run restores the previous output even if it then fails itself', () => {
    const parent = fs.mkdtempSync(path.join(work, 'kill-'));
    const dir = path.join(parent, 'dist');
    writeOutput(dir, files('previous'), { environment: 'dev' });
    const before = snapshot(dir);
    spawnSync(
      process.execPath,
      childScript(
        [
          'const rename = fs.renameSync;',
          'fs.renameSync = (...args) => { rename(...args); process.kill(process.pid, "SIGKILL"); };',
          WRITE,
        ].join('\n'),
      ),
      { env: { ...process.env, OUT: dir, FILES: JSON.stringify(files('next')) } },
    );
    expect(fs.existsSync(dir)).toBe(false);
    // A run that fails while staging (an invalid name here) after recovering.
    const failing = spawnSync(
      process.execPath,
      childScript(
        [
          'const write = fs.writeFileSync;',
          'fs.writeFileSync = (file, ...rest) => {',
          '  if (String(file).endsWith("01-layer.k8s.yaml")) {',
          '    throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC", syscall: "write", path: String(file) });',
          '  }',
          '  return write(file, ...rest);',
          '};',
          WRITE,
        ].join('\n'),
      ),
      {
        env: { ...process.env, OUT: dir, FILES: JSON.stringify(files('failed')) },
        encoding: 'utf8',
      },
    );
    expect(failing.status).toBe(1);
    expect(failing.stderr).toMatch(/^Cannot write .*no space left on the device/);
    expect(snapshot(dir)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });
});

describe('concurrent runs to the same directory', () => {
  test('each one writes or stops with the lock message; never a raw error', async () => {
    const parent = fs.mkdtempSync(path.join(work, 'race-'));
    const dir = path.join(parent, 'dist');
    const runs = await Promise.all(
      Array.from(
        { length: 4 },
        (_, i) =>
          new Promise<{ code: number | null; stderr: string; tag: string }>((resolve) => {
            const tag = `run-${i}`;
            const child = spawn(process.execPath, childScript(WRITE), {
              env: {
                ...process.env,
                OUT: dir,
                GEN: `${tag} 20 5000`,
              },
            });
            let stderr = '';
            child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
            child.on('exit', (code) => resolve({ code, stderr, tag }));
          }),
      ),
    );
    for (const r of runs) {
      if (r.code === 0) {
        expect(r.stderr).toBe('');
      } else {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(
          // "another process" when the holder has created the lock but not yet written its pid
          /^Another mlops-blueprint run \((process \d+ on .*|another process)\) is writing .*dist; wait for it to finish, or delete .*\.dist\.lock if no such run is active\.\n$/,
        );
      }
    }
    const winners = runs.filter((r) => r.code === 0).map((r) => r.tag);
    expect(winners.length).toBeGreaterThan(0);
    // What is there is one run's complete output, and nothing else is left next to it.
    const content = snapshot(dir);
    expect(Object.keys(content).sort()).toEqual([
      MARKER_FILE,
      ...files('x', 20).map((f) => f.name),
    ]);
    const tags = new Set(
      Object.entries(content)
        .filter(([name]) => name !== MARKER_FILE)
        .map(([, text]) => text.split('\n')[0]),
    );
    expect(tags.size).toBe(1);
    expect(winners).toContain([...tags][0]);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });
});

describe('permissions', () => {
  test("directories and files follow the user's umask", () => {
    const parent = fs.mkdtempSync(path.join(work, 'umask-'));
    const dir = path.join(parent, 'new', 'dist');
    const r = spawnSync(
      process.execPath,
      childScript(
        [
          'process.umask(0o027);',
          'writeOutput(process.env.OUT, [',
          '  { name: "a.k8s.yaml", content: "a" },',
          '  { name: "install.sh", content: "#!/bin/sh", mode: 0o755 },',
          ']);',
        ].join('\n'),
      ),
      { env: { ...process.env, OUT: dir }, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    const mode = (p: string): number => fs.statSync(p).mode & 0o777;
    expect(mode(path.join(parent, 'new'))).toBe(0o750);
    expect(mode(dir)).toBe(0o750);
    expect(mode(path.join(dir, 'a.k8s.yaml'))).toBe(0o640);
    expect(mode(path.join(dir, 'install.sh'))).toBe(0o750);
    expect(mode(path.join(dir, MARKER_FILE))).toBe(0o640);
    expect(readMarker(dir)?.files).toEqual(['a.k8s.yaml', 'install.sh']);
  });
});
