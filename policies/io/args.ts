import { Pack } from '../core/types';
import { ALL_PACKS } from '../packs/all';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface CliOptions {
  readonly paths: readonly string[];
  readonly format: OutputFormat;
  readonly production: boolean;
  readonly packs: readonly Pack[];
  readonly help: boolean;
}

/** A command line the CLI cannot act on; exit code 2 (EXIT_INPUT). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: npm run policy -- <file|dir|->... [options]

Checks Kubernetes manifests (*.yaml, *.yml, *.json; directories recursively; - for stdin)
against the policy packs and exits 1 when an unsuppressed error-level rule fails.

Options:
  --format <text|json|sarif>  output format (default: text)
  --production                treat literal credentials and password hashes as errors, and
                              fail on input that is not text or holds no Kubernetes object
  --pack <id>                 apply only this pack; repeatable (${ALL_PACKS.map((p) => p.id).join(', ')})
  -h, --help                  show this help

Exit codes: 0 passed (warnings allowed), 1 unsuppressed errors, 2 usage error or input that
could not be read (missing, invalid YAML, alias bomb; with --production also not text or
without Kubernetes objects).
`;

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];

function isFormat(value: string): value is OutputFormat {
  return (FORMATS as readonly string[]).includes(value);
}

/** Parses argv (without node and script). Accepts `--opt value` and `--opt=value`. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const paths: string[] = [];
  const packs: Pack[] = [];
  let format: OutputFormat = 'text';
  let production = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const takeValue = (): string => {
      if (eq >= 0) {
        return arg.slice(eq + 1);
      }
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) {
        throw new UsageError(`${name} needs a value`);
      }
      i++;
      return value;
    };
    if (name === '--format') {
      const value = takeValue();
      if (!isFormat(value)) {
        throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${value}")`);
      }
      format = value;
    } else if (name === '--production') {
      production = true;
    } else if (name === '--pack') {
      const value = takeValue();
      const pack = ALL_PACKS.find((p) => p.id === value);
      if (pack === undefined) {
        throw new UsageError(
          `--pack must be one of ${ALL_PACKS.map((p) => p.id).join(', ')} (got "${value}")`,
        );
      }
      packs.push(pack);
    } else if (name === '--help' || name === '-h') {
      help = true;
    } else if (arg === '--') {
      paths.push(...argv.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      paths.push(arg);
    }
  }
  if (!help && paths.length === 0) {
    throw new UsageError('no file or directory given');
  }
  return { paths, format, production, packs: packs.length > 0 ? packs : ALL_PACKS, help };
}
