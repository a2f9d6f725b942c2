import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * One synthesis in this fresh process, timed from the inside: Node's start-up until this file
 * runs, loading the modules a synthesis needs, rendering, and the policy gate with writing the
 * output (the same `writeRendered` the CLI calls). `--modules` also attributes the loading time to
 * packages. Prints one JSON object.
 */
export interface ChildResult {
  /** From process start until this file runs (Node's own start-up). */
  readonly bootMs: number;
  /** Loading the modules of a synthesis. */
  readonly loadMs: number;
  readonly renderMs: number;
  /** The policy gate, formatting and writing the output. */
  readonly gateWriteMs: number;
  readonly objects: number;
  readonly bytes: number;
  readonly maxRssKiB: number;
  /** With --modules: loading time by package (its own modules, not those it loads). */
  readonly modules?: Record<string, number>;
}

const bootMs = performance.now();

/**
 * The package a require loads, without resolving it again: a bare specifier names it; a relative
 * one stays in the package of the module that requires it.
 */
function packageOf(id: string, parent: string | undefined): string {
  if (id.startsWith('node:') || Module.isBuiltin(id)) return 'node:builtin';
  if (!id.startsWith('.') && !path.isAbsolute(id)) {
    const [scope, name] = id.split('/');
    return scope.startsWith('@') && name ? `${scope}/${name}` : scope;
  }
  const pkg = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*node_modules)/.exec(
    parent ?? '',
  );
  return pkg ? pkg[1].replace(/\\/g, '/') : 'mlops-blueprint';
}

/** Times every require by package: the time spent in a package's own modules. */
function profileRequires(): Record<string, number> {
  const byPackage: Record<string, number> = {};
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  const stack: number[] = []; // time spent in nested requires, per level
  proto.require = function (this: Module, id: string) {
    const start = performance.now();
    stack.push(0);
    try {
      return original.call(this, id);
    } finally {
      const total = performance.now() - start;
      const nested = stack.pop() ?? 0;
      if (stack.length > 0) stack[stack.length - 1] += total;
      const key = packageOf(id, this.filename);
      byPackage[key] = (byPackage[key] ?? 0) + total - nested;
    }
  };
  return byPackage;
}

async function main(): Promise<void> {
  const [name, flag] = process.argv.slice(2);
  const modules = flag === '--modules' ? profileRequires() : undefined;
  const loadStart = performance.now();
  const { renderEnvironment, writeRendered } = await import('../apps/cdk8s/synth');
  const { SCENARIOS } = await import('./scenarios');
  const loaded = performance.now();
  const scenario = name === undefined ? undefined : SCENARIOS[name];
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const environment = scenario();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-bench-'));
  try {
    const renderStart = performance.now();
    const rendered = renderEnvironment(environment, name ?? '');
    const rendered_ = performance.now();
    const result = writeRendered(rendered, path.join(out, 'dist'));
    const written = performance.now();
    const report: ChildResult = {
      bootMs,
      loadMs: loaded - loadStart,
      renderMs: rendered_ - renderStart,
      gateWriteMs: written - rendered_,
      objects: result.objectCount,
      bytes: result.bytes,
      maxRssKiB: process.resourceUsage().maxRSS,
      ...(modules ? { modules } : {}),
    };
    process.stdout.write(JSON.stringify(report));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

void main();
