import { parseArgs } from 'node:util';
import { ConfigError } from '../../stacks/config/problems';
import { formatText } from '../../policies';
import { PolicyGateError, synth } from './synth';

const USAGE = 'Usage: npm run synth -- [--config <environment.yaml>] [--out <dir>]';

/** `npm run synth`: validate an environment and write its manifests. Returns the exit code. */
export function main(argv: string[], log = console.log, error = console.error): number {
  let values: { config?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        out: { type: 'string', short: 'o', default: 'dist' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    log(USAGE);
    return 0;
  }
  try {
    const result = synth({ configPath: values.config, outDir: values.out ?? 'dist' });
    log(formatText(result.policy).trimEnd());
    for (const f of result.files) log(`  ${values.out}/${f.name}`);
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
    throw err;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
