import { KubeObject, SourceLocation } from './core/types';
import { evaluate } from './evaluate';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import { parseArgs, USAGE, UsageError } from './io/args';
import { loadManifests, ManifestError } from './io/load-manifests';

/** Where the CLI writes and reads; a test passes its own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input, read when a path is `-`. */
  readStdin?(): string;
}

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * `npm run policy -- <file|dir>... [--format text|json|sarif] [--production] [--pack <id>]`.
 * Returns the exit code: 0 passed (warnings allowed), 1 unsuppressed errors, 2 usage or input
 * errors.
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
  let loaded;
  try {
    loaded = loadManifests(options.paths, io.readStdin);
  } catch (error) {
    if (error instanceof ManifestError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
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
