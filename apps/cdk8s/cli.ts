import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CompositionError } from '../../constructs/core/composition';
import { ConfigError } from '../../stacks/config';
// The text formatter alone: the JSON and SARIF formatters and the manifest loader are not needed.
import { formatText } from '../../policies/format/text';
import { PolicyGateError, synth } from './synth';
import { MARKER_FILE, OutputError, defaultOutDir } from './write-output';

export const USAGE = `Usage: mlops-blueprint synth [options]
       npm run synth -- [options]     (in this repository)

Validates an environment, runs the policy gate over every object and writes the manifests.

Options:
  -c, --config <file>  environment file (default: the dev preset, named dev)
  -o, --out <dir>      output directory (default: dist/<environment name>)
      --force          replace --out even if it holds files mlops-blueprint did not write
  -h, --help           show this help

The output directory carries a ${MARKER_FILE} marker that lists the files written. A directory
without the marker, or with other files in it, is not replaced unless --force is given.

Exit codes: 0 written, 1 invalid environment, policy gate failure or output error, 2 usage error.`;

/** `mlops-blueprint synth`, `npm run synth`: validate an environment and write its manifests. */
export function main(argv: string[], log = console.log, error = console.error): number {
  let values: { config?: string; out?: string; force?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        out: { type: 'string', short: 'o' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    log(USAGE);
    return 0;
  }
  if (values.out === '') {
    error(`--out needs a directory.\n\n${USAGE}`);
    return 2;
  }
  try {
    const result = synth({
      configPath: values.config,
      outDir: values.out,
      force: values.force === true,
    });
    const outDir = values.out ?? defaultOutDir(result.rendered.environment);
    log(formatText(result.policy).trimEnd());
    for (const f of result.files) log(`  ${path.join(outDir, f.name)}`);
    log(
      `Synthesized environment ${result.rendered.environment}: ${result.objectCount} objects, ${result.rendered.images.length} images.`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PolicyGateError) {
      error(err.message.trimEnd());
      error('Nothing was written.');
      return 1;
    }
    if (err instanceof OutputError) {
      error(err.message);
      return 1;
    }
    if (err instanceof CompositionError) {
      error(err.message.trimEnd());
      error('Nothing was written.');
      return 1;
    }
    // Anything else is a bug of this tool, not of the input: one line, and the trace on request.
    const message = err instanceof Error ? err.message : String(err);
    error(
      `mlops-blueprint failed unexpectedly: ${message.split('\n')[0]}. Nothing was written. This is a bug; please report it with the environment file (MLOPS_DEBUG=1 prints the stack trace).`,
    );
    if (process.env.MLOPS_DEBUG === '1' && err instanceof Error) error(err.stack ?? '');
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
