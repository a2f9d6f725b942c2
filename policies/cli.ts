import { KubeObject, SourceLocation } from './core/types';
import { evaluate } from './evaluate';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import { parseArgs, USAGE, UsageError } from './io/args';
import { loadManifests, LoadResult, ManifestError } from './io/load-manifests';

/** Where the CLI writes and reads; a test passes its own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input, read when a path is `-` (bytes, so that binary input can be told apart). */
  readStdin?(): string | Uint8Array;
}

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
/**
 * The gate could not check what it was given: a usage error, or input that could not be read
 * (missing or unreadable, invalid YAML, an alias bomb, not text or no Kubernetes object in
 * production mode). Never the code of a policy failure.
 */
export const EXIT_INPUT = 2;
/** The same code as EXIT_INPUT, under its older name. */
export const EXIT_USAGE = EXIT_INPUT;

/**
 * Input problems that do not stop the load: files that are not text, and paths that yielded no
 * Kubernetes object. Errors in production mode (nothing is checked then), warnings otherwise.
 */
function inputProblems(loaded: LoadResult, production: boolean): string[] {
  const lines: string[] = [];
  const consequence = production ? '' : '; --production fails on this';
  for (const { file, reason } of loaded.notText) {
    lines.push(`${production ? 'cannot check' : 'skipped'} ${file}: ${reason}${consequence}`);
  }
  for (const input of loaded.inputs) {
    const documents = input.skipped + input.configuration;
    if (input.objects > 0 || (input.notText > 0 && documents === 0)) {
      // A path whose only files are not text was reported above.
      continue;
    }
    const parts = [
      ...(input.skipped > 0
        ? [`${input.skipped} YAML document(s) without apiVersion or kind`]
        : []),
      ...(input.configuration > 0
        ? [`${input.configuration} kustomize configuration document(s)`]
        : []),
    ];
    const what = parts.length > 0 ? parts.join(', ') : 'no YAML document';
    lines.push(`no Kubernetes object in ${input.path} (${what}), nothing to check${consequence}`);
  }
  return lines;
}

/**
 * `npm run policy -- <file|dir>... [--format text|json|sarif] [--production] [--pack <id>]`.
 * Returns the exit code: 0 passed (warnings allowed), 1 unsuppressed errors, 2 usage errors or
 * input that could not be read.
 */
export function main(argv: readonly string[], io: CliIo): number {
  let options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if (options.help) {
    io.stdout(USAGE);
    return EXIT_PASSED;
  }
  let loaded: LoadResult;
  try {
    loaded = loadManifests(options.paths, io.readStdin);
  } catch (error) {
    if (error instanceof ManifestError) {
      io.stderr(error.problems.map((p) => `error: ${p}\n`).join(''));
      return EXIT_INPUT;
    }
    throw error;
  }
  const problems = inputProblems(loaded, options.production);
  if (problems.length > 0) {
    const label = options.production ? 'error' : 'warning';
    io.stderr(problems.map((p) => `${label}: ${p}\n`).join(''));
    if (options.production) {
      return EXIT_INPUT;
    }
  }
  const sources = new Map<KubeObject, SourceLocation>();
  for (const { object, source } of loaded.objects) {
    sources.set(object, source);
  }
  const report = evaluate(
    loaded.objects.map((o) => o.object),
    {
      production: options.production,
      packs: options.packs,
      locate: (obj) => sources.get(obj),
    },
  );
  if (loaded.skipped > 0) {
    // On stderr so that JSON and SARIF on stdout stay machine-readable.
    io.stderr(
      `note: skipped ${loaded.skipped} YAML document(s) that are not Kubernetes objects (no apiVersion or kind).\n`,
    );
  }
  switch (options.format) {
    case 'json':
      io.stdout(formatJson(report));
      break;
    case 'sarif':
      io.stdout(formatSarif(report));
      break;
    default:
      io.stdout(formatText(report));
  }
  return report.passed ? EXIT_PASSED : EXIT_FAILED;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
