import { App } from 'cdk8s';
import { CompositionError } from '../../constructs/core/composition';
import { ConfigError } from '../../constructs/core/config/problems';
import { parseArgs } from 'node:util';
import { AccessReport, accessDiff, accessMarkdown, accessReport } from '../../stacks/access';
import { MlopsPlatform } from '../../stacks/platform';
import { renderPlatform } from '../../stacks/render';
import { readEnvironmentFile } from './synth';

export const ACCESS_USAGE = `Usage: mlops-blueprint access [--config <environment.yaml>] [--format md|json]

Prints the access report of an environment (default: the dev preset): per tenant, who has which
role and what its pods may reach, as the synthesized objects grant it. The output directory holds
the same report as access.md.

Exit codes: 0 printed, 1 an invalid environment, 2 usage error.`;

export const ACCESS_DIFF_USAGE = `Usage: mlops-blueprint access-diff <before.yaml> <after.yaml>

Renders both environment files and prints what changes in access: a line per grant, tenant or
reach that one has and the other lacks ("+" gained, "-" lost). For the review of a config change.

Exit codes: 0 printed (also when nothing changes), 1 an invalid environment, 2 usage error.`;

function reportOf(file: string | undefined): AccessReport {
  const platform = new MlopsPlatform(new App(), 'Platform', {
    ...(file === undefined
      ? {}
      : { environment: readEnvironmentFile(file) as never, source: file }),
  });
  return accessReport(renderPlatform(platform));
}

/** `mlops-blueprint access`: the access report of one environment, as Markdown or JSON. */
export function accessMain(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  let values: { config?: string; format?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        format: { type: 'string', default: 'md' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    err(`${(e as Error).message}\n\n${ACCESS_USAGE}`);
    return 2;
  }
  if (values.help) {
    out(ACCESS_USAGE);
    return 0;
  }
  if (values.format !== 'md' && values.format !== 'json') {
    err(`--format must be md or json (got "${values.format ?? ''}").\n\n${ACCESS_USAGE}`);
    return 2;
  }
  try {
    const report = reportOf(values.config);
    out(
      values.format === 'json' ? JSON.stringify(report, null, 2) : accessMarkdown(report).trimEnd(),
    );
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof CompositionError) {
      err(e.message.trimEnd());
      return 1;
    }
    throw e;
  }
}

/** `mlops-blueprint access-diff`: the change in access between two environment files. */
export function main(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(ACCESS_DIFF_USAGE);
    return 0;
  }
  if (argv.length !== 2 || argv.some((a) => a.startsWith('-'))) {
    err(
      `access-diff takes two environment files (got ${argv.length} arguments).\n\n${ACCESS_DIFF_USAGE}`,
    );
    return 2;
  }
  try {
    const lines = accessDiff(reportOf(argv[0]), reportOf(argv[1]));
    out(lines.length === 0 ? 'No change in access.' : lines.join('\n'));
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof CompositionError) {
      err(e.message.trimEnd());
      return 1;
    }
    throw e;
  }
}
