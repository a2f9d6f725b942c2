import * as fs from 'node:fs';
import { App } from 'cdk8s';
import { ConfigError, formatPath } from '../../constructs/core/config/problems';
import { DEFAULT_ENVIRONMENT, EnvironmentConfig } from '../../stacks/config/schema';
import { parseEnvironmentYaml, validateEnvironment } from '../../stacks/config/validate';
import { MlopsPlatform } from '../../stacks/platform';
import { RenderedPlatform, renderPlatform } from '../../stacks/render';
import { GitOpsOptions, gitopsFiles } from './gitops';
import { OutputFile, WriteOptions, outputFiles, writeOutput } from './output';
import { PolicyReport, formatText } from '../../policies';
import { gate } from '../../stacks/pipeline';
import { AppliedOverride } from '../../stacks/platform';

export interface SynthOptions {
  /** Path of an environment file. @default - the dev preset */
  readonly configPath?: string;
  /** @default dist/<environment name> */
  readonly outDir?: string;
  /** Replace `outDir` even if it holds files mlops-blueprint did not write. @default false */
  readonly force?: boolean;
  /**
   * Also write Argo CD Applications and/or Flux Kustomizations of the layers, given the
   * environment's name. @default - none
   */
  readonly gitopsFor?: (environment: string) => readonly GitOpsOptions[];
}

export { PolicyGateError } from '../../stacks/pipeline';

export interface SynthResult {
  readonly rendered: RenderedPlatform;
  readonly policy: PolicyReport;
  readonly files: readonly OutputFile[];
  readonly objectCount: number;
  readonly bytes: number;
}

/** Larger than any real environment file (a thousand tenants take about 300 KiB). */
export const MAX_ENVIRONMENT_BYTES = 8 * 1024 * 1024;

function fileProblem(configPath: string, message: string): ConfigError {
  return new ConfigError([{ path: '', message }], configPath);
}

/**
 * Reads an environment file. Whatever is wrong with the file itself (missing, a directory,
 * unreadable, too large, not UTF-8 text) is a config error like any other: one sentence, no trace.
 */
export function readEnvironmentFile(configPath: string): unknown {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(configPath);
    if (stat.isDirectory()) {
      throw fileProblem(
        configPath,
        'The environment file is a directory. Give the path of a YAML file with --config, such as stacks/dev.yaml.',
      );
    }
    if (stat.size > MAX_ENVIRONMENT_BYTES) {
      throw fileProblem(
        configPath,
        `The environment file is larger than ${MAX_ENVIRONMENT_BYTES / 1024 / 1024} MiB (got ${stat.size} bytes). One file describes one environment; check that --config names the right file.`,
      );
    }
    bytes = fs.readFileSync(configPath);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist. Check the path given with --config.'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read: permission denied. Make it readable for your user, or copy it.'
          : `cannot be read (${code ?? 'unknown error'}). Check the path given with --config.`;
    throw fileProblem(configPath, `The environment file ${reason}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fileProblem(
      configPath,
      'The environment file is not UTF-8 text. Save it as UTF-8; names and e-mail addresses become labels and RBAC subjects as written.',
    );
  }
  if (text.includes('\u0000')) {
    throw fileProblem(
      configPath,
      'The environment file contains NUL bytes; it is not a YAML text file.',
    );
  }
  return parseEnvironmentYaml(text, configPath);
}

/** Config paths of secret sources that only `pulumi up` can fill. */
function pulumiSources(value: unknown, path: PropertyKey[] = []): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => pulumiSources(v, [...path, i]));
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if (record.type === 'pulumi' && typeof record.configKeys === 'object') return [formatPath(path)];
  return Object.entries(record).flatMap(([k, v]) => pulumiSources(v, [...path, k]));
}

/** Renders an environment for the cdk8s engine, without writing. */
export function renderEnvironment(
  environment: unknown = DEFAULT_ENVIRONMENT,
  source = 'the default dev environment',
): RenderedPlatform {
  const problems = pulumiSources(validateEnvironment(environment, source)).map((path) => ({
    path,
    message: `\`${path}\` takes its values from Pulumi secret config (type pulumi), which only \`pulumi up\` can fill. For npm run synth and cdk8s synth use type existing or generated.`,
  }));
  if (problems.length > 0) throw new ConfigError(problems, source);
  const platform = new MlopsPlatform(new App(), 'Platform', {
    environment: environment as EnvironmentConfig,
    source,
  });
  return renderPlatform(platform);
}

/**
 * Validates the environment, renders it, runs the policy gate and writes `outDir`. Nothing is
 * written unless every step before succeeds; the directory is then replaced as a whole.
 */
export function synth(opts: SynthOptions): SynthResult {
  const source = opts.configPath ?? 'the default dev environment';
  const environment = opts.configPath ? readEnvironmentFile(opts.configPath) : DEFAULT_ENVIRONMENT;
  const rendered = renderEnvironment(environment, source);
  return writeRendered(rendered, opts.outDir, {
    force: opts.force,
    gitops: opts.gitopsFor?.(rendered.environment),
  });
}

/** Runs the policy gate over a rendered platform and, if it passes, writes `outDir`. */
export function writeRendered(
  rendered: RenderedPlatform,
  outDir: string | undefined,
  options: Pick<WriteOptions, 'force'> & { readonly gitops?: readonly GitOpsOptions[] } = {},
): SynthResult {
  const { policy } = gate(rendered);
  const files = [
    ...outputFiles(rendered),
    // Next to the plain layers, in sub-directories that `kubectl apply -f <dir>` does not read.
    ...(options.gitops ?? []).flatMap((g) => gitopsFiles(rendered, g)),
    {
      name: 'policy-report.txt',
      content: formatText(policy) + overridesReport(rendered.overrides),
    },
  ];
  writeOutput(outDir, files, {
    force: options.force,
    environment: rendered.environment,
    production: rendered.production,
  });
  return {
    rendered,
    policy,
    files,
    objectCount: rendered.layers.reduce((n, l) => n + l.objects.length, 0),
    bytes: files.reduce((n, f) => n + Buffer.byteLength(f.content), 0),
  };
}

/** The overrides section of the policy report: every patch, where it came from and why. */
export function overridesReport(overrides: readonly AppliedOverride[]): string {
  if (overrides.length === 0) return '';
  return [
    '',
    `Overrides (${overrides.length}): patches beyond the typed settings, checked by the gate above`,
    ...overrides.map(
      (o) =>
        `  ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} (${o.origin}): ${o.operations.join(', ')}. Reason: ${o.reason}`,
    ),
    '',
  ].join('\n');
}
