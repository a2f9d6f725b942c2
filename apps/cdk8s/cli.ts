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
      --gitops <tools> also write the layers as Argo CD Applications and/or Flux Kustomizations:
                       argocd, flux or argocd,flux (into <out>/argocd/, <out>/flux/)
      --gitops-repo <url>      the Git repository the output is committed to (with --gitops)
      --gitops-revision <ref>  the branch, tag (v1.2.0) or commit to follow (default: main)
      --gitops-path <path>     the output directory's path in that repository (default: --out,
                               or dist/<environment name>)
  -h, --help           show this help

The output directory carries a ${MARKER_FILE} marker that lists the files written. A directory
without the marker, or with other files in it, is not replaced unless --force is given.

Exit codes: 0 written, 1 invalid environment, policy gate failure or output error, 2 usage error.`;

/** `mlops-blueprint synth`, `npm run synth`: validate an environment and write its manifests. */
export function main(argv: string[], log = console.log, error = console.error): number {
  let values: {
    config?: string;
    out?: string;
    force?: boolean;
    help?: boolean;
    gitops?: string;
    'gitops-repo'?: string;
    'gitops-revision'?: string;
    'gitops-path'?: string;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        out: { type: 'string', short: 'o' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        gitops: { type: 'string' },
        'gitops-repo': { type: 'string' },
        'gitops-revision': { type: 'string' },
        'gitops-path': { type: 'string' },
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
  const tools = values.gitops === undefined ? [] : values.gitops.split(',').map((t) => t.trim());
  const unknownTool = tools.find((t) => t !== 'argocd' && t !== 'flux');
  if (unknownTool !== undefined || (values.gitops !== undefined && tools.length === 0)) {
    error(`--gitops takes argocd, flux or argocd,flux (got "${values.gitops}").\n\n${USAGE}`);
    return 2;
  }
  const gitopsOnly = ['gitops-repo', 'gitops-revision', 'gitops-path'] as const;
  if (tools.length === 0 && gitopsOnly.some((k) => values[k] !== undefined)) {
    error(`--gitops-repo, --gitops-revision and --gitops-path need --gitops.\n\n${USAGE}`);
    return 2;
  }
  if (tools.length > 0 && !values['gitops-repo']) {
    error(
      `--gitops needs --gitops-repo: the URL of the Git repository the output is committed to.\n\n${USAGE}`,
    );
    return 2;
  }
  const given = values['gitops-path'] ?? values.out;
  if (
    tools.length > 0 &&
    given !== undefined &&
    (path.isAbsolute(given) || given.split(/[\\/]/).includes('..'))
  ) {
    error(
      `The GitOps files name the output directory by its path inside the Git repository, and ${given} is not one. Give it with --gitops-path, e.g. --gitops-path dist/prod.\n\n${USAGE}`,
    );
    return 2;
  }
  try {
    const repoPath = (environment: string): string =>
      (values['gitops-path'] ?? values.out ?? defaultOutDir(environment))
        .split(path.sep)
        .join('/')
        .replace(/^\.\//, '')
        .replace(/\/+$/, '');
    const result = synth({
      configPath: values.config,
      outDir: values.out,
      force: values.force === true,
      ...(tools.length > 0
        ? {
            gitopsFor: (environment: string) =>
              [...new Set(tools)].map((tool) => ({
                tool: tool as 'argocd' | 'flux',
                repoURL: values['gitops-repo'] as string,
                path: repoPath(environment),
                ...(values['gitops-revision'] ? { revision: values['gitops-revision'] } : {}),
              })),
          }
        : {}),
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
