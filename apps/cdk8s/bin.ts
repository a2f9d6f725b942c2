import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The `mlops-blueprint` command (package bin: bin/mlops-blueprint.js, which runs this compiled
 * file). Each command loads only what it needs: `policy` never loads the constructs.
 */
export const USAGE = `Usage: mlops-blueprint <command> [options]

Commands:
  synth    validate an environment, run the policy gate and write its manifests
  policy   check Kubernetes manifests against the policy packs
  access   the access report of an environment (Markdown or JSON)
  access-diff  what a change of the environment file grants or takes away
  plan     what a new environment changes against a previous synth output (exit codes for CI)
  help     show this help, or a command's help: help synth, help access

Examples:
  mlops-blueprint synth                                    # the dev preset into dist/dev
  mlops-blueprint synth --config stacks/prod.yaml          # into dist/<its name>, here dist/prod
  mlops-blueprint synth --config stacks/prod.yaml --out dist/prod
  mlops-blueprint policy dist/prod --format sarif
  mlops-blueprint access-diff stacks/prod.yaml my-change.yaml
  mlops-blueprint plan --previous dist/prod --config stacks/prod.yaml
  mlops-blueprint synth --config stacks/prod.yaml --gitops argocd --gitops-repo https://git.example.com/platform.git

Run "mlops-blueprint <command> --help" for a command's options.`;

export interface BinIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROCESS_IO: BinIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs one command line (without node and script); resolves to the exit code. */
export async function run(argv: readonly string[], io: BinIo = PROCESS_IO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'synth': {
      const { main } = await import('./cli');
      return main(
        rest,
        (m: string) => io.stdout(`${m}\n`),
        (m: string) => io.stderr(`${m}\n`),
      );
    }
    case 'policy': {
      const { main } = await import('../../policies/cli');
      return main(rest, io);
    }
    case 'access': {
      const { accessMain } = await import('./access-cli');
      return accessMain(
        rest,
        (m: string) => io.stdout(`${m}\n`),
        (m: string) => io.stderr(`${m}\n`),
      );
    }
    case 'access-diff': {
      const { main } = await import('./access-cli');
      return main(
        rest,
        (m: string) => io.stdout(`${m}\n`),
        (m: string) => io.stderr(`${m}\n`),
      );
    }
    case 'plan': {
      const { main } = await import('./plan-cli');
      return main(
        rest,
        (m: string) => io.stdout(`${m}\n`),
        (m: string) => io.stderr(`${m}\n`),
      );
    }
    case 'help':
      if (['synth', 'policy', 'access', 'access-diff', 'plan'].includes(rest[0] ?? '')) {
        return run([rest[0], '--help'], io);
      }
      io.stdout(`${USAGE}\n`);
      return 0;
    case undefined:
    case '-h':
    case '--help':
      io.stdout(`${USAGE}\n`);
      return 0;
    case '-v':
    case '--version':
      io.stdout(`${packageVersion()}\n`);
      return 0;
    default:
      io.stderr(`Unknown command "${command}".\n\n${USAGE}\n`);
      return 2;
  }
}

/** The version in the package's package.json, found upwards from this file (lib/ or sources). */
function packageVersion(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'mlops-blueprint') return pkg.version ?? 'unknown';
    } catch {
      // No package.json here; look further up.
    }
  }
  return 'unknown';
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
