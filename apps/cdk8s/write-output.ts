import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OutputFile } from './output';

/** The tool that owns an output directory; written into its marker. */
export const TOOL = 'mlops-blueprint';

/**
 * The marker file in every output directory. It has no .json/.yaml extension on purpose:
 * `kubectl apply -f <dir>`, the policy CLI and cdk8s' validation plugins read every *.json and
 * *.yaml file of a directory as a manifest.
 */
export const MARKER_FILE = '.mlops-blueprint';

/** What the marker says about the directory it is in. */
export interface OutputMarker {
  readonly tool: typeof TOOL;
  readonly markerVersion: 1;
  /** The environment's `name`. */
  readonly environment?: string;
  /** Whether the environment is production (the policy gate's `production` flag). */
  readonly production: boolean;
  /** Every file written next to the marker; nothing else belongs to the tool. */
  readonly files: readonly string[];
}

export interface WriteOptions {
  /** Replace the directory even if it holds files the tool did not write. @default false */
  readonly force?: boolean;
  /** The environment's name, for the marker. */
  readonly environment?: string;
  /** Whether the environment is production, for the marker. @default false */
  readonly production?: boolean;
}

export type OutputErrorReason = 'not-owned' | 'not-a-directory' | 'unsafe' | 'locked' | 'io';

/**
 * The output cannot be written; `message` is one sentence that says what, where and how to fix
 * it. The previous output, if any, is unchanged.
 */
export class OutputError extends Error {
  public constructor(
    message: string,
    public readonly reason: OutputErrorReason,
  ) {
    super(message);
    this.name = 'OutputError';
  }
}

/** A DNS label, as the schema requires of an environment's name: safe as a directory name. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Where an output directory goes without `--out`: `dist/<environment name>`. */
export function defaultOutDir(environment: string | undefined): string {
  if (environment === undefined || !DNS_LABEL.test(environment)) {
    throw new OutputError(
      `The environment name ${JSON.stringify(environment ?? '')} cannot name a directory under dist/; choose the output directory with --out.`,
      'unsafe',
    );
  }
  return path.join('dist', environment);
}

/**
 * Writes `files` as the whole content of `outDir` (default: `dist/<options.environment>`), with a
 * marker file that lists them.
 *
 * - Ownership: an existing directory is replaced only if it is empty, or carries the marker and
 *   holds nothing beyond the files the marker lists; otherwise `OutputError` (`force` overrides).
 *   An existing file, the file system root and directories that contain the current directory or
 *   the home directory are never replaced.
 * - Atomic: the files go to a sibling staging directory, which then replaces `outDir` by rename.
 *   If anything fails, the previous `outDir` is left as it was and nothing else remains.
 * - Recovery: leftovers of killed runs (`.<name>-new-*`, `.<name>-old-*` siblings) are removed, and
 *   a previous directory that a kill left renamed aside is restored first.
 * - Exclusive: a lock file next to `outDir` (`.<name>.lock`) keeps two runs apart; a lock whose
 *   process is gone is taken over.
 * - File system errors (EACCES, EROFS, ENOSPC, ENOTDIR, ...) become an `OutputError`.
 */
export function writeOutput(
  outDir: string | undefined,
  files: readonly OutputFile[],
  options: WriteOptions = {},
): void {
  checkFileNames(files);
  const dir = outDir ?? defaultOutDir(options.environment);
  const shown = display(dir);
  let target = path.resolve(dir);
  refuseUnsafe(target, shown);
  const parent = path.dirname(target);
  // The first directory this run creates (if any): removed again if the run fails.
  let created: string | undefined;
  try {
    created = fs.mkdirSync(parent, { recursive: true });
    // A symbolic link to a directory: write where it points, so the link stays.
    if (fs.lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) {
      target = fs.realpathSync(target);
      refuseUnsafe(target, shown);
    }
    const release = acquireLock(target, shown);
    try {
      recoverLeftovers(target);
      checkReplaceable(target, shown, options.force === true);
      swapIn(target, files, {
        tool: TOOL,
        markerVersion: 1,
        environment: options.environment,
        production: options.production === true,
        files: files.map((f) => f.name),
      });
    } finally {
      release();
    }
  } catch (err) {
    if (created) removeEmptyDirs(parent, created);
    throw asOutputError(err, shown);
  }
}

/** Removes `dir` and its parents up to `top` as long as they are empty. */
function removeEmptyDirs(dir: string, top: string): void {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      return;
    }
    if (d === top || path.dirname(d) === d) return;
  }
}

/** Reads the marker of a directory; undefined if there is none or it is not ours. */
export function readMarker(dir: string): OutputMarker | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(path.join(dir, MARKER_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const m = JSON.parse(raw) as Partial<OutputMarker>;
    if (
      m.tool === TOOL &&
      Array.isArray(m.files) &&
      m.files.every((f) => typeof f === 'string') &&
      (m.production === undefined || typeof m.production === 'boolean')
    ) {
      return { ...m, production: m.production === true } as OutputMarker;
    }
  } catch {
    // Not JSON: not our marker.
  }
  return undefined;
}

/**
 * Every entry below `dir`, as `/`-separated relative paths; directories end with `/`. Symbolic
 * links are entries too (never followed).
 */
function walk(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = `${prefix}${e.name}`;
    if (e.isDirectory()) out.push(`${rel}/`, ...walk(dir, `${rel}/`));
    else out.push(rel);
  }
  return out;
}

/** Whether `dir` holds only what a marker says the tool wrote there (or nothing at all). */
function ownership(dir: string): { owned: boolean; foreign: string[] } {
  const entries = walk(dir);
  if (entries.length === 0) return { owned: true, foreign: [] };
  const marker = readMarker(dir);
  if (!marker) {
    return {
      owned: false,
      foreign: fs.readdirSync(dir).filter((e) => e !== MARKER_FILE),
    };
  }
  // Listed files, and the sub-directories that hold them (written as `argocd/apps/...`).
  const listed = new Set([...marker.files, MARKER_FILE]);
  for (const f of marker.files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) listed.add(`${parts.slice(0, i).join('/')}/`);
  }
  const foreign = entries.filter((e) => !listed.has(e));
  // Our files are regular files; a directory or link of the same name is someone else's.
  const notFiles = marker.files.filter(
    (f) =>
      entries.includes(f) && !fs.lstatSync(path.join(dir, f), { throwIfNoEntry: false })?.isFile(),
  );
  return {
    owned: foreign.length === 0 && notFiles.length === 0,
    foreign: [...foreign, ...notFiles],
  };
}

function checkReplaceable(target: string, shown: string, force: boolean): void {
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) {
    throw new OutputError(
      `Refusing to write to ${shown}: it is an existing file, not a directory; choose a directory with --out.`,
      'not-a-directory',
    );
  }
  const { owned, foreign } = ownership(target);
  if (owned || force) return;
  const marker = readMarker(target);
  const what = marker
    ? `it holds files mlops-blueprint did not write (${list(foreign)})`
    : `it is not empty and was not written by mlops-blueprint (no ${MARKER_FILE} marker)`;
  throw new OutputError(
    `Refusing to replace ${shown}: ${what}; choose another directory with --out, or add --force to replace it and everything in it.`,
    'not-owned',
  );
}

/** Writes everything into a staging directory next to `target`, then swaps it in by rename. */
function swapIn(target: string, files: readonly OutputFile[], marker: OutputMarker): void {
  const staging = makeSibling(target, 'new', true);
  let retired: string | undefined;
  try {
    // The marker first: a staging directory a kill leaves behind is recognisably ours.
    fs.writeFileSync(path.join(staging, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`, {
      mode: 0o644,
    });
    for (const f of files) {
      // Names with `/` go into sub-directories of the output (e.g. `argocd/apps/...`).
      if (f.name.includes('/')) {
        fs.mkdirSync(path.join(staging, path.dirname(f.name)), { recursive: true });
      }
      fs.writeFileSync(path.join(staging, f.name), f.content, { mode: f.mode ?? 0o644 });
    }
    if (fs.existsSync(target)) {
      retired = makeSibling(target, 'old', false);
      fs.renameSync(target, retired);
    }
    // A kill here leaves `target` missing and the previous output in `retired`: the next run
    // restores it (recoverLeftovers) before writing.
    fs.renameSync(staging, target);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (retired && !fs.existsSync(target)) fs.renameSync(retired, target);
    throw err;
  }
  if (retired) removeQuietly(retired);
}

/**
 * A fresh sibling path `.<name>-<kind>-<pid>-<random>`; created as a directory (with the user's
 * umask) if `create`, else only reserved by name for a rename.
 */
function makeSibling(target: string, kind: 'new' | 'old', create: boolean): string {
  for (;;) {
    const candidate = path.join(
      path.dirname(target),
      `.${path.basename(target)}-${kind}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`,
    );
    if (!create) {
      if (!fs.existsSync(candidate)) return candidate;
      continue;
    }
    try {
      fs.mkdirSync(candidate, { mode: 0o777 });
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Siblings of `target` that earlier runs of this tool left behind, by kind. */
function leftovers(target: string): { dir: string; kind: 'new' | 'old' }[] {
  const prefix = `.${path.basename(target)}-`;
  const pattern = /^(new|old)-\d+-[0-9a-f]{8}$/;
  return fs
    .readdirSync(path.dirname(target))
    .filter((e) => e.startsWith(prefix) && pattern.test(e.slice(prefix.length)))
    .map((e) => ({
      dir: path.join(path.dirname(target), e),
      kind: e.slice(prefix.length, prefix.length + 3) as 'new' | 'old',
    }))
    .filter((l) => fs.lstatSync(l.dir, { throwIfNoEntry: false })?.isDirectory());
}

/**
 * Finishes what a killed run left: if `target` is missing but a previous output was renamed
 * aside, it is restored; then staging and retired directories that are ours (our marker and
 * nothing else, or empty) are removed. Anything else is left alone.
 */
function recoverLeftovers(target: string): void {
  let found = leftovers(target);
  if (found.length === 0) return;
  if (!fs.existsSync(target)) {
    const retired = found
      .filter((l) => l.kind === 'old')
      .sort((a, b) => fs.statSync(b.dir).ctimeMs - fs.statSync(a.dir).ctimeMs)[0];
    if (retired) {
      fs.renameSync(retired.dir, target);
      found = found.filter((l) => l !== retired);
    }
  }
  for (const l of found) {
    // A staging directory killed while its marker was being written holds just that file.
    const onlyMarker = l.kind === 'new' && fs.readdirSync(l.dir).every((e) => e === MARKER_FILE);
    if (onlyMarker || ownership(l.dir).owned) removeQuietly(l.dir);
  }
}

function removeQuietly(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // The next run tries again (recoverLeftovers).
  }
}

interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

/** The lock file of an output directory: `.<name>.lock` next to it. */
export function lockFile(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.lock`);
}

function readLock(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string') {
      return h as LockHolder;
    }
  } catch {
    // Missing, half-written or not ours.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of `target` or throws `OutputError('locked')`. A lock left by a process of this
 * host that is gone is stale and taken over. Returns the release function.
 */
function acquireLock(target: string, shown: string): () => void {
  const file = lockFile(target);
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    token: crypto.randomBytes(8).toString('hex'),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw asOutputError(err, shown);
      const holder = readLock(file);
      const stale = holder
        ? holder.host === me.host && !isAlive(holder.pid)
        : // Unreadable: a holder that died between creating and writing it, or a stranger's file.
          Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 10_000;
      if (!stale) {
        const who = holder ? `process ${holder.pid} on ${holder.host}` : 'another process';
        throw new OutputError(
          `Another mlops-blueprint run (${who}) is writing ${shown}; wait for it to finish, or delete ${display(file)} if no such run is active.`,
          'locked',
        );
      }
      breakStaleLock(file, holder);
      continue;
    }
    try {
      fs.writeSync(fd, JSON.stringify(me));
    } finally {
      fs.closeSync(fd);
    }
    return () => {
      if (readLock(file)?.token === me.token) fs.rmSync(file, { force: true });
    };
  }
  throw new OutputError(
    `Could not take the lock ${display(file)} for ${shown}; delete it if no other mlops-blueprint run is active.`,
    'locked',
  );
}

/** Removes a stale lock, unless another run replaced it in the meantime. */
function breakStaleLock(file: string, seen: LockHolder | undefined): void {
  const aside = `${file}.stale-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // Someone else took it over first; try again.
  }
  const moved = readLock(aside);
  if (seen && moved?.token !== seen.token) {
    // A live run's fresh lock: put it back (unless yet another one exists by now).
    try {
      fs.linkSync(aside, file);
    } catch {
      // Already replaced: the next attempt reads the new holder.
    }
  }
  fs.rmSync(aside, { force: true });
}

/**
 * Output file names are relative paths of plain segments (`install.sh`, `argocd/root.yaml`), each
 * once, none also the directory of another; anything else is a programming error.
 */
function checkFileNames(files: readonly OutputFile[]): void {
  const seen = new Set<string>();
  const directories = new Set<string>();
  for (const f of files) {
    const segments = f.name.split('/');
    if (
      f.name === MARKER_FILE ||
      segments.some((s) => s === '' || s === '.' || s === '..' || /[\\\0]/.test(s)) ||
      seen.has(f.name)
    ) {
      throw new Error(`invalid or duplicate output file name ${JSON.stringify(f.name)}`);
    }
    seen.add(f.name);
    for (let i = 1; i < segments.length; i++) directories.add(segments.slice(0, i).join('/'));
  }
  const clash = [...seen].find((n) => directories.has(n));
  if (clash) throw new Error(`output file name ${JSON.stringify(clash)} is also a directory`);
}

/** Never replaced, even with --force: the root, and directories holding the cwd or home. */
function refuseUnsafe(target: string, shown: string): void {
  const holds = (dir: string): boolean => {
    const rel = path.relative(target, dir);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  const what =
    target === path.parse(target).root
      ? 'it is the root directory'
      : holds(process.cwd())
        ? 'it is or contains the current directory'
        : holds(os.homedir())
          ? 'it is or contains the home directory'
          : undefined;
  if (what) {
    throw new OutputError(
      `Refusing to write to ${shown}: ${what}, which mlops-blueprint never replaces, not even with --force; choose a new directory with --out, e.g. --out dist/<environment>.`,
      'unsafe',
    );
  }
}

const ERRNO: Record<string, { what: string; fix: string }> = {
  EACCES: { what: 'permission denied', fix: 'fix its permissions or choose another --out' },
  EPERM: { what: 'operation not permitted', fix: 'fix its permissions or choose another --out' },
  EROFS: { what: 'the file system is read-only', fix: 'choose a writable location with --out' },
  ENOSPC: { what: 'no space left on the device', fix: 'free some space or choose another --out' },
  EDQUOT: { what: 'disk quota exceeded', fix: 'free some space or choose another --out' },
  ENOTDIR: {
    what: 'a part of the path is a file, not a directory',
    fix: 'choose a path whose parents are directories with --out',
  },
  EEXIST: { what: 'a file is in the way', fix: 'choose another --out' },
  ENAMETOOLONG: { what: 'the path is too long', fix: 'choose a shorter --out' },
  ELOOP: { what: 'too many symbolic links', fix: 'choose another --out' },
  EBUSY: {
    what: 'the directory is busy or a mount point',
    fix: 'choose a directory below the mount point with --out',
  },
  EXDEV: { what: 'it crosses file systems', fix: 'choose another --out' },
  EMFILE: { what: 'too many open files', fix: 'close other programs and try again' },
  ENOENT: {
    what: 'a part of the path does not exist',
    fix: 'choose another --out',
  },
  EIO: { what: 'an input/output error', fix: 'check the device, or choose another --out' },
};

/** File system errors as one sentence; OutputErrors and programming errors pass through. */
function asOutputError(err: unknown, shown: string): Error {
  if (err instanceof OutputError) return err;
  // Not `instanceof Error`: errors of Node's own modules may come from another realm (Jest).
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodeJS.ErrnoException;
  if (typeof e.code !== 'string' || typeof e.syscall !== 'string') return err as Error;
  // mkdir of a path that is a file: a parent of the output is a file.
  const code = e.code === 'EEXIST' && e.syscall === 'mkdir' ? 'ENOTDIR' : e.code;
  const known = ERRNO[code] ?? { what: e.code, fix: 'choose another --out' };
  const where = e.path ? ` at ${display(e.path)}` : '';
  return new OutputError(
    `Cannot write ${shown}: ${known.what}${where} (${code}); ${known.fix} (the previous output is unchanged).`,
    'io',
  );
}

/** A path as the user would type it: relative below the current directory, else absolute. */
function display(p: string): string {
  const abs = path.resolve(p);
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

function list(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}
