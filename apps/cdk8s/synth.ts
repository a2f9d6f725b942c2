import * as fs from 'node:fs';
import { App } from 'cdk8s';
import { ConfigError } from '../../constructs/core/config/problems';
import { DEFAULT_ENVIRONMENT, EnvironmentConfig } from '../../stacks/config/schema';
import { parseEnvironmentYaml } from '../../stacks/config/validate';
import { MlopsPlatform } from '../../stacks/platform';
import { RenderedPlatform, renderPlatform } from '../../stacks/render';
import { OutputFile, WriteOptions, outputFiles, writeOutput } from './output';
import { PolicyReport, formatText } from '../../policies';
import { gate } from '../../stacks/pipeline';
import { AppliedOverride } from '../../stacks/platform';
import { PULUMI_SECRET_ANNOTATION } from '../../constructs/core/secrets';

export interface SynthOptions {
  /** Path of an environment file. @default - the dev preset */
  readonly configPath?: string;
  /** @default dist/<environment name> */
  readonly outDir?: string;
  /** Replace `outDir` even if it holds files mlops-blueprint did not write. @default false */
  readonly force?: boolean;
}

export { PolicyGateError } from '../../stacks/pipeline';

export interface SynthResult {
  readonly rendered: RenderedPlatform;
  readonly policy: PolicyReport;
  readonly files: readonly OutputFile[];
  readonly objectCount: number;
  readonly bytes: number;
}

/** Reads an environment file; a missing or unreadable file is a config error like any other. */
export function readEnvironmentFile(configPath: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(configPath, 'utf8');
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new ConfigError(
      [
        {
          path: '',
          message: `The environment file ${reason}. Check the path given with --config.`,
        },
      ],
      configPath,
    );
  }
  return parseEnvironmentYaml(text, configPath);
}

/** Renders an environment for the cdk8s engine, without writing. */
export function renderEnvironment(environment: unknown, source: string): RenderedPlatform {
  const app = new App();
  const platform = new MlopsPlatform(app, 'Platform', {
    environment: environment as EnvironmentConfig,
    source,
  });
  const rendered = renderPlatform(platform);
  const pulumiSecrets = rendered.layers
    .flatMap((l) => l.objects)
    .filter((o) => o.kind === 'Secret' && o.metadata.annotations?.[PULUMI_SECRET_ANNOTATION]);
  if (pulumiSecrets.length > 0) {
    throw new ConfigError(
      pulumiSecrets.map((s) => ({
        path: '',
        message: `Secret ${s.metadata.namespace}/${s.metadata.name} takes its values from Pulumi secret config, which only \`pulumi up\` can fill. For cdk8s synth use a secret source of type existing or generated.`,
      })),
      source,
    );
  }
  return rendered;
}

/**
 * Validates the environment, renders it, runs the policy gate and writes `outDir`. Nothing is
 * written unless every step before succeeds; the directory is then replaced as a whole.
 */
export function synth(opts: SynthOptions): SynthResult {
  const source = opts.configPath ?? 'the default dev environment';
  const environment = opts.configPath ? readEnvironmentFile(opts.configPath) : DEFAULT_ENVIRONMENT;
  return writeRendered(renderEnvironment(environment, source), opts.outDir, { force: opts.force });
}

/** Runs the policy gate over a rendered platform and, if it passes, writes `outDir`. */
export function writeRendered(
  rendered: RenderedPlatform,
  outDir: string | undefined,
  options: Pick<WriteOptions, 'force'> = {},
): SynthResult {
  const { policy } = gate(rendered);
  const files = [
    ...outputFiles(rendered),
    {
      name: 'policy-report.txt',
      content: formatText(policy) + overridesReport(rendered.overrides),
    },
  ];
  writeOutput(outDir, files, {
    ...options,
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
