import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { CompositionError } from '../../constructs/core/composition';
import { ConfigError } from '../../constructs/core/config/problems';
import { DEFAULT_ENVIRONMENT } from '../../stacks/config/schema';
import { KubeObject } from '../../stacks/render';
import { PLAN_EXIT, PreviousOutput, plan, planExitCode, planText } from './plan';
import { readEnvironmentFile, renderEnvironment } from './synth';
import { versionsDoc } from './versions-doc';
import { MARKER_FILE, readMarker } from './write-output';

export const PLAN_USAGE = `Usage: mlops-blueprint plan --previous <dir> [--config <environment.yaml>] [--format text|json]

Renders the environment (default: the dev preset) in memory and compares it with a previous
output directory of synth (what is installed, e.g. dist/prod): objects added, changed field by
field (Secret data, credential-like keys and URL passwords masked) and removed, per layer in
install order; changes to immutable fields that need a delete and re-create, with the upgrade
steps of the new release that cover them (those install.sh runs for the installed versions, read
from the previous versions.md); Jobs install.sh re-creates because their template hash changed;
the access diff; images added and removed; versions. Nothing is written.

Options:
  -p, --previous <dir>  a directory written by synth (it carries the ${MARKER_FILE} marker)
  -c, --config <file>   the new environment file (default: the dev preset)
      --format <f>      text (default) or json
  -h, --help            show this help

Exit codes, for a CI job to gate on:
  0   no changes
  2   changes that apply in place, Jobs install.sh re-creates (they run again) included
  3   changes that need a delete and re-create (immutable fields), or removal of objects a user
      must keep (CRDs, Profiles, namespaces, volumes, StatefulSets, Secrets)
  1   invalid input: the environment, or a previous directory that is not a synth output
  64  usage error`;

/** The previous directory cannot be read as a synth output; the message says why and how to fix. */
export class PlanInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PlanInputError';
  }
}

const LAYER_FILE = /^(\d+-[a-z0-9-]+)\.k8s\.yaml$/;

function readText(dir: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PlanInputError(
      `Cannot read ${path.join(dir, file)} (${(err as NodeJS.ErrnoException).code ?? 'unknown error'}).`,
    );
  }
}

function isKubeObject(v: unknown): v is KubeObject {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  return (
    typeof o.apiVersion === 'string' &&
    typeof o.kind === 'string' &&
    typeof o.metadata?.name === 'string'
  );
}

/** Reads a previous synth output directory: its layer files, images.txt and versions.md. */
export function readPreviousOutput(dir: string): PreviousOutput {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) {
    throw new PlanInputError(
      `The previous output ${dir} does not exist. Give the directory synth wrote (e.g. dist/prod) with --previous.`,
    );
  }
  if (!stat.isDirectory()) {
    throw new PlanInputError(
      `The previous output ${dir} is not a directory. Give the directory synth wrote (e.g. dist/prod) with --previous.`,
    );
  }
  const marker = readMarker(dir);
  if (!marker) {
    throw new PlanInputError(
      `${dir} is not an output directory of mlops-blueprint (no ${MARKER_FILE} marker). Give the directory synth wrote with --previous.`,
    );
  }
  const layers = marker.files
    .map((f) => ({ file: f, match: LAYER_FILE.exec(f) }))
    .filter((f) => f.match !== null)
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map(({ file, match }) => {
      const text = readText(dir, file);
      if (text === undefined) {
        throw new PlanInputError(
          `${path.join(dir, file)} is listed in the ${MARKER_FILE} marker but missing. Run synth again for that release, or restore the file.`,
        );
      }
      const objects: KubeObject[] = [];
      for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length > 0) {
          throw new PlanInputError(
            `${path.join(dir, file)} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`,
          );
        }
        const value: unknown = doc.toJS();
        if (value === null || value === undefined) continue;
        if (!isKubeObject(value)) {
          throw new PlanInputError(
            `${path.join(dir, file)} holds a document that is not a Kubernetes object (apiVersion, kind and metadata.name are required).`,
          );
        }
        objects.push(value);
      }
      return { id: (match as RegExpExecArray)[1], objects };
    });
  const images = readText(dir, 'images.txt');
  const versionsMarkdown = readText(dir, 'versions.md');
  return {
    ...(marker.environment !== undefined ? { environment: marker.environment } : {}),
    layers,
    ...(images !== undefined ? { images: images.split('\n').filter((l) => l.trim() !== '') } : {}),
    ...(versionsMarkdown !== undefined ? { versionsMarkdown } : {}),
  };
}

/** `mlops-blueprint plan`: what applying a new environment over a previous output would change. */
export function main(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  let values: { config?: string; previous?: string; format?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        previous: { type: 'string', short: 'p' },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    err(`${(e as Error).message}\n\n${PLAN_USAGE}`);
    return PLAN_EXIT.USAGE;
  }
  if (values.help) {
    out(PLAN_USAGE);
    return 0;
  }
  if (values.previous === undefined || values.previous === '') {
    err(
      `plan needs --previous <dir>, the output directory of the installed release.\n\n${PLAN_USAGE}`,
    );
    return PLAN_EXIT.USAGE;
  }
  if (values.format !== 'text' && values.format !== 'json') {
    err(`--format must be text or json (got "${values.format ?? ''}").\n\n${PLAN_USAGE}`);
    return PLAN_EXIT.USAGE;
  }
  try {
    const previous = readPreviousOutput(values.previous);
    const rendered = values.config
      ? renderEnvironment(readEnvironmentFile(values.config), values.config)
      : renderEnvironment(DEFAULT_ENVIRONMENT);
    const result = plan(previous, { rendered, versionsMarkdown: versionsDoc(rendered) });
    const code = planExitCode(result);
    out(
      values.format === 'json'
        ? JSON.stringify({ ...result, exitCode: code }, null, 2)
        : planText(result),
    );
    return code;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof CompositionError) {
      err(e.message.trimEnd());
      return PLAN_EXIT.INVALID;
    }
    if (e instanceof PlanInputError) {
      err(e.message);
      return PLAN_EXIT.INVALID;
    }
    const message = e instanceof Error ? e.message : String(e);
    err(
      `mlops-blueprint plan failed unexpectedly: ${message.split('\n')[0]}. This is a bug; please report it with the environment file (MLOPS_DEBUG=1 prints the stack trace).`,
    );
    if (process.env.MLOPS_DEBUG === '1' && e instanceof Error) err(e.stack ?? '');
    return PLAN_EXIT.INVALID;
  }
}
