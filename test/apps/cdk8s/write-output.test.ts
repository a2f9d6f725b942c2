import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MARKER_FILE,
  OutputError,
  lockFile,
  readMarker,
  writeOutput,
} from '../../../apps/cdk8s/write-output';

// The module object itself, so that a spy replaces what write-output.ts calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const realFs = require('node:fs') as typeof fs;

function tmp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-write-')));
}
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}
const FILES = [
  { name: 'a.k8s.yaml', content: 'a: 1\n' },
  { name: 'install.sh', content: '#!/bin/sh\n', mode: 0o755 },
];
function thrown(fn: () => void): OutputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OutputError);
    return err as OutputError;
  }
  throw new Error('expected an OutputError');
}
function errno(code: string, syscall: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${file}'`), { code, syscall, path: file });
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the marker', () => {
  test('lists every file written, the environment and whether it is production', () => {
    const dir = path.join(tmp(), 'prod');
    writeOutput(dir, FILES, { environment: 'prod', production: true });
    expect(fs.readdirSync(dir).sort()).toEqual([MARKER_FILE, 'a.k8s.yaml', 'install.sh']);
    expect(readMarker(dir)).toEqual({
      tool: 'mlops-blueprint',
      markerVersion: 1,
      environment: 'prod',
      production: true,
      files: ['a.k8s.yaml', 'install.sh'],
    });
  });

  test('has no .json or .yaml extension, so that tools reading a directory skip it', () => {
    expect(path.extname(MARKER_FILE)).toBe('');
  });

  test('is the same for the same input (no time, no path, no process)', () => {
    const a = path.join(tmp(), 'dist');
    const b = path.join(tmp(), 'other');
    writeOutput(a, FILES, { environment: 'dev' });
    writeOutput(b, FILES, { environment: 'dev' });
    expect(snapshot(a)).toEqual(snapshot(b));
  });
});

describe('what writeOutput replaces', () => {
  test('its own output, as a whole: stale files disappear', () => {
    const dir = path.join(tmp(), 'dist');
    writeOutput(dir, [{ name: 'old-layer.k8s.yaml', content: 'x' }]);
    writeOutput(dir, [{ name: 'new-layer.k8s.yaml', content: 'y' }]);
    expect(fs.readdirSync(dir).sort()).toEqual([MARKER_FILE, 'new-layer.k8s.yaml']);
  });

  test('an empty directory', () => {
    const dir = tmp();
    writeOutput(dir, FILES);
    expect(readMarker(dir)?.files).toEqual(['a.k8s.yaml', 'install.sh']);
  });

  test('not a directory without the marker, and says how to proceed', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const err = thrown(() => writeOutput(dir, FILES));
    expect(err.reason).toBe('not-owned');
    expect(err.message).toMatch(
      /^Refusing to replace .*: it is not empty and was not written by mlops-blueprint \(no \.mlops-blueprint marker\); choose another directory with --out, or add --force to replace it and everything in it\.$/,
    );
    expect(snapshot(dir)).toEqual({ 'notes.txt': 'mine' });
    expect(fs.readdirSync(path.dirname(dir)).filter((e) => e.includes(path.basename(dir)))).toEqual(
      [path.basename(dir)],
    );
  });

  test('not its own output once someone added a file or a directory to it', () => {
    const dir = path.join(tmp(), 'dist');
    writeOutput(dir, FILES);
    fs.writeFileSync(path.join(dir, 'my-patch.yaml'), 'kind: Foo');
    expect(thrown(() => writeOutput(dir, FILES)).message).toContain(
      'it holds files mlops-blueprint did not write (my-patch.yaml)',
    );
    fs.rmSync(path.join(dir, 'my-patch.yaml'));
    fs.rmSync(path.join(dir, 'a.k8s.yaml'));
    fs.mkdirSync(path.join(dir, 'a.k8s.yaml'));
    expect(thrown(() => writeOutput(dir, FILES)).reason).toBe('not-owned');
  });

  test('a marker of another tool or a broken marker is no marker', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, MARKER_FILE), '{"tool":"other","files":[]}');
    expect(thrown(() => writeOutput(dir, FILES)).reason).toBe('not-owned');
    fs.writeFileSync(path.join(dir, MARKER_FILE), 'not json');
    expect(thrown(() => writeOutput(dir, FILES)).reason).toBe('not-owned');
  });

  test('with force, a directory it does not own', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    writeOutput(dir, FILES, { force: true });
    expect(fs.readdirSync(dir).sort()).toEqual([MARKER_FILE, 'a.k8s.yaml', 'install.sh']);
  });

  test('never a file, not even with force', () => {
    const file = path.join(tmp(), 'somefile');
    fs.writeFileSync(file, 'keep');
    for (const force of [false, true]) {
      const err = thrown(() => writeOutput(file, FILES, { force }));
      expect(err.reason).toBe('not-a-directory');
      expect(err.message).toContain('it is an existing file, not a directory');
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('keep');
  });

  test('never the current directory, one that contains it, the home directory or the root', () => {
    const cwd = process.cwd();
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'checkout'));
    fs.writeFileSync(path.join(dir, 'checkout', 'README.md'), 'keep');
    try {
      process.chdir(path.join(dir, 'checkout'));
      for (const out of ['.', '..', os.homedir(), '/']) {
        const err = thrown(() => writeOutput(out, FILES, { force: true }));
        expect(err.reason).toBe('unsafe');
        expect(err.message).toMatch(/not even with --force/);
      }
    } finally {
      process.chdir(cwd);
    }
    expect(fs.readFileSync(path.join(dir, 'checkout', 'README.md'), 'utf8')).toBe('keep');
  });

  test('writes through a symbolic link to a directory and keeps the link', () => {
    const parent = tmp();
    const real = path.join(parent, 'volume');
    writeOutput(real, FILES);
    fs.symlinkSync(real, path.join(parent, 'dist'));
    writeOutput(path.join(parent, 'dist'), [{ name: 'b.k8s.yaml', content: 'b' }]);
    expect(fs.lstatSync(path.join(parent, 'dist')).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(real).sort()).toEqual([MARKER_FILE, 'b.k8s.yaml']);
  });

  test('rejects file names that are not relative paths of plain names', () => {
    const dir = path.join(tmp(), 'dist');
    for (const name of [
      '../escape.yaml',
      'sub/../../escape.yaml',
      '/abs.yaml',
      'sub//x.yaml',
      'sub/./x.yaml',
      'back\\slash.yaml',
      MARKER_FILE,
      '',
    ]) {
      expect(() => writeOutput(dir, [{ name, content: 'x' }])).toThrow(/invalid/);
    }
    expect(() =>
      writeOutput(dir, [
        { name: 'argocd', content: '1' },
        { name: 'argocd/root.yaml', content: '2' },
      ]),
    ).toThrow(/also a directory/);
    expect(() =>
      writeOutput(dir, [
        { name: 'a', content: '1' },
        { name: 'a', content: '2' },
      ]),
    ).toThrow(/duplicate/);
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('sub-directories', () => {
  test('files named with a / go into sub-directories, which the next run replaces', () => {
    const dir = path.join(tmp(), 'dist');
    writeOutput(dir, [...FILES, { name: 'flux/layers/01/kustomization.yaml', content: 'k' }]);
    expect(fs.readFileSync(path.join(dir, 'flux/layers/01/kustomization.yaml'), 'utf8')).toBe('k');
    expect(readMarker(dir)?.files).toContain('flux/layers/01/kustomization.yaml');
    writeOutput(dir, FILES);
    expect(fs.existsSync(path.join(dir, 'flux'))).toBe(false);
  });

  test('an empty directory someone added is foreign', () => {
    const dir = path.join(tmp(), 'dist');
    writeOutput(dir, [...FILES, { name: 'flux/a.yaml', content: 'a' }]);
    fs.mkdirSync(path.join(dir, 'flux', 'mine'));
    expect(() => writeOutput(dir, FILES)).toThrow(/flux\/mine\//);
  });
});

describe('without a directory', () => {
  test('writes dist/<environment name>, and refuses a name that is not a plain label', () => {
    const cwd = process.cwd();
    const dir = tmp();
    try {
      process.chdir(dir);
      writeOutput(undefined, FILES, { environment: 'staging' });
      expect(readMarker(path.join('dist', 'staging'))?.environment).toBe('staging');
      for (const environment of ['../escape', 'a/b', 'Upper', undefined]) {
        const err = thrown(() => writeOutput(undefined, FILES, { environment }));
        expect(err.reason).toBe('unsafe');
        expect(err.message).toMatch(
          /cannot name a directory under dist\/; choose the output directory with --out\.$/,
        );
      }
    } finally {
      process.chdir(cwd);
    }
    expect(fs.readdirSync(path.join(dir, 'dist'))).toEqual(['staging']);
  });
});

describe('atomic replacement', () => {
  test('a failure while writing restores the previous directory and leaves nothing else', () => {
    const parent = tmp();
    const dir = path.join(parent, 'dist');
    writeOutput(dir, [{ name: 'a.yaml', content: 'old' }]);
    const before = snapshot(dir);
    const write = realFs.writeFileSync;
    jest.spyOn(realFs, 'writeFileSync').mockImplementation((file, ...rest) => {
      if (String(file).endsWith('b.yaml')) throw errno('ENOSPC', 'write', String(file));
      return write(file, ...rest);
    });
    const err = thrown(() =>
      writeOutput(dir, [
        { name: 'a.yaml', content: 'new' },
        { name: 'b.yaml', content: 'new' },
      ]),
    );
    expect(err.reason).toBe('io');
    expect(snapshot(dir)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a failure of the final rename puts the previous directory back', () => {
    const parent = tmp();
    const dir = path.join(parent, 'dist');
    writeOutput(dir, [{ name: 'a.yaml', content: 'old' }]);
    const rename = realFs.renameSync;
    jest.spyOn(realFs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).includes('.dist-new-')) throw errno('EIO', 'rename', String(from));
      return rename(from, to);
    });
    expect(thrown(() => writeOutput(dir, [{ name: 'a.yaml', content: 'new' }])).reason).toBe('io');
    expect(snapshot(dir)).toEqual({
      [MARKER_FILE]: expect.any(String),
      'a.yaml': 'old',
    });
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('creates no parent directories when it fails', () => {
    const parent = tmp();
    jest.spyOn(realFs, 'openSync').mockImplementation((file) => {
      throw errno('EROFS', 'open', String(file));
    });
    thrown(() => writeOutput(path.join(parent, 'a', 'b', 'dist'), FILES));
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe('leftovers of killed runs', () => {
  test('a previous output renamed aside is restored before anything else happens', () => {
    const parent = tmp();
    const dir = path.join(parent, 'dist');
    writeOutput(dir, [{ name: 'a.yaml', content: 'previous' }]);
    // What a kill between the two renames leaves: the old output aside, the new one staged.
    fs.renameSync(dir, path.join(parent, '.dist-old-4242-0badf00d'));
    fs.mkdirSync(path.join(parent, '.dist-new-4242-0badcafe'));
    fs.writeFileSync(path.join(parent, '.dist-new-4242-0badcafe', MARKER_FILE), 'partial');
    fs.writeFileSync(
      lockFile(dir),
      JSON.stringify({ pid: 999999, host: os.hostname(), token: 'x' }),
    );
    // This run fails while staging, so what is left is the restored previous output.
    jest.spyOn(realFs, 'writeFileSync').mockImplementation((file) => {
      throw errno('ENOSPC', 'write', String(file));
    });
    expect(thrown(() => writeOutput(dir, FILES)).reason).toBe('io');
    jest.restoreAllMocks();
    expect(snapshot(dir)['a.yaml']).toBe('previous');
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('staging and retired directories of ours are removed; anything else stays', () => {
    const parent = tmp();
    const dir = path.join(parent, 'dist');
    writeOutput(dir, FILES);
    writeOutput(path.join(parent, '.dist-new-1-00000001'), FILES);
    writeOutput(path.join(parent, '.dist-old-2-00000002'), FILES);
    fs.mkdirSync(path.join(parent, '.dist-new-3-00000003'));
    fs.mkdirSync(path.join(parent, '.dist-old-4-00000004'));
    fs.writeFileSync(path.join(parent, '.dist-old-4-00000004', 'notes.txt'), 'not ours');
    fs.mkdirSync(path.join(parent, '.dist-backup'));
    writeOutput(dir, FILES);
    expect(fs.readdirSync(parent).sort()).toEqual(['.dist-backup', '.dist-old-4-00000004', 'dist']);
  });
});

describe('the lock', () => {
  test('a live run holding it stops the second one with a clear message', () => {
    const dir = path.join(tmp(), 'dist');
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.writeFileSync(
      lockFile(dir),
      JSON.stringify({ pid: process.pid, host: os.hostname(), token: 'held' }),
    );
    const err = thrown(() => writeOutput(dir, FILES));
    expect(err.reason).toBe('locked');
    expect(err.message).toBe(
      `Another mlops-blueprint run (process ${process.pid} on ${os.hostname()}) is writing ${dir}; wait for it to finish, or delete ${lockFile(dir)} if no such run is active.`,
    );
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('a lock whose process is gone is taken over, and released afterwards', () => {
    const parent = tmp();
    const dir = path.join(parent, 'dist');
    const { spawnSync } =
      jest.requireActual<typeof import('node:child_process')>('node:child_process');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.writeFileSync(lockFile(dir), JSON.stringify({ pid: gone, host: os.hostname(), token: 'x' }));
    writeOutput(dir, FILES);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });
});

describe('file system errors', () => {
  test.each([
    ['EACCES', 'permission denied'],
    ['EROFS', 'the file system is read-only'],
    ['ENOSPC', 'no space left on the device'],
  ])('%s becomes one sentence that says what, where and how to fix it', (code, what) => {
    const parent = tmp();
    const dir = path.join(parent, 'dist');
    jest.spyOn(realFs, 'mkdirSync').mockImplementation((file) => {
      throw errno(code, 'mkdir', String(file));
    });
    const err = thrown(() => writeOutput(dir, FILES));
    expect(err.reason).toBe('io');
    expect(err.message).toMatch(new RegExp(`^Cannot write ${dir}: ${what} at .* \\(${code}\\); `));
    expect(err.message).toMatch(/\(the previous output is unchanged\)\.$/);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  test('a parent that is a file (ENOTDIR)', () => {
    const parent = tmp();
    fs.writeFileSync(path.join(parent, 'afile'), 'x');
    const err = thrown(() => writeOutput(path.join(parent, 'afile', 'dist'), FILES));
    expect(err.message).toContain('a part of the path is a file, not a directory');
    expect(err.message).toContain('(ENOTDIR)');
    expect(fs.readFileSync(path.join(parent, 'afile'), 'utf8')).toBe('x');
  });
});
