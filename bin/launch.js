// @ts-check
'use strict';
/**
 * Runs compiled JavaScript from lib/, compiling first only when needed.
 *
 *   node bin/launch.js                    compile if a source is newer than the last build
 *   node bin/launch.js <module> [args]    the same, then run lib/<module>.js with args
 *
 * In a checkout (tsconfig.build.json present), lib/ is stale when any .ts file or directory under
 * constructs/ stacks/ apps/ policies/ bench/, index.ts or a tsconfig file is newer than
 * lib/.tsbuildinfo; then `tsc -p tsconfig.build.json` runs (incrementally) and the stamp is
 * renewed. In an installed package there are no sources and lib/ is used as it is.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const LIB = path.join(ROOT, 'lib');
const STAMP = path.join(LIB, '.tsbuildinfo');
const SOURCE_DIRS = ['constructs', 'stacks', 'apps', 'policies', 'bench'];
const SOURCE_FILES = ['index.ts', 'tsconfig.json', 'tsconfig.build.json'];

/** @param {string} file */
function mtime(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? stat.mtimeMs : -Infinity;
}

/**
 * The newest modification time of the sources: .ts files, and directories (whose time changes
 * when a file is added, removed or renamed).
 * @param {string} dir
 * @returns {number}
 */
function newest(dir) {
  let latest = mtime(dir);
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return latest;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) latest = Math.max(latest, newest(full));
    else if (e.name.endsWith('.ts')) latest = Math.max(latest, mtime(full));
  }
  return latest;
}

/** Whether this is a checkout with sources (not an installed package). */
function hasSources() {
  return fs.existsSync(path.join(ROOT, 'tsconfig.build.json'));
}

/**
 * Compiles lib/ if it is older than the sources (or `modules` are missing from it). Exits the
 * process with a message if the build fails.
 * @param {readonly string[]} [modules] lib-relative module paths that must exist afterwards
 * @param {{ force?: boolean }} [options]
 */
function ensureBuilt(modules = [], options = {}) {
  if (!hasSources()) return;
  const missing = modules.some((m) => !fs.existsSync(path.join(LIB, `${m}.js`)));
  if (missing) {
    // tsc's incremental state would consider deleted outputs up to date.
    fs.rmSync(STAMP, { force: true });
  }
  const built = mtime(STAMP);
  const sources = Math.max(
    ...SOURCE_DIRS.map((d) => newest(path.join(ROOT, d))),
    ...SOURCE_FILES.map((f) => mtime(path.join(ROOT, f))),
  );
  if (!options.force && !missing && sources <= built) return;

  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  } catch {
    process.stderr.write(
      'mlops-blueprint: lib/ must be compiled but TypeScript is not installed; run npm ci.\n',
    );
    process.exit(1);
  }
  process.stderr.write(
    'mlops-blueprint: sources changed, compiling (tsc -p tsconfig.build.json)\n',
  );
  const started = new Date();
  const { spawnSync } = require('node:child_process');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    // tsc reports on stdout; keep our stdout for the command's own output (JSON, SARIF).
    stdio: ['ignore', 2, 2],
  });
  if (result.status !== 0) {
    // Make the next run compile again, even though tsc wrote its state.
    try {
      fs.utimesSync(STAMP, 0, 0);
    } catch {
      // No state written.
    }
    process.stderr.write(
      'mlops-blueprint: compiling failed (see above); fix the errors and run the command again.\n',
    );
    process.exit(result.status ?? 1);
  }
  // The build covers every source as of its start (or of the newest time seen, if a file's time
  // lies ahead of the clock); a file saved during the build is newer.
  // Whole milliseconds, rounded up: the time read back must not fall below a source's.
  const stamp = new Date(Math.max(started.getTime(), Math.ceil(sources)));
  fs.utimesSync(STAMP, stamp, stamp);
}

/**
 * Node 22.1 and newer keep V8's compiled code of loaded modules on disk, which shortens the
 * module loading that dominates a synthesis; older Node versions have no such API (no-op).
 */
function enableCompileCache() {
  const mod = /** @type {{ enableCompileCache?: () => unknown }} */ (require('node:module'));
  try {
    mod.enableCompileCache?.();
  } catch {
    // A cache that cannot be used only costs time.
  }
}

module.exports = { ensureBuilt, enableCompileCache, LIB, ROOT };

if (require.main === module) {
  const [target, ...args] = process.argv.slice(2);
  if (target === '--force') {
    ensureBuilt([], { force: true });
  } else if (target === undefined) {
    ensureBuilt();
  } else {
    ensureBuilt([target]);
    enableCompileCache();
    const file = path.join(LIB, `${target}.js`);
    process.argv = [process.argv[0] ?? process.execPath, file, ...args];
    require(file);
  }
}
