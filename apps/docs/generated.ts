import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configReference } from './config-reference';
import { constructsReference } from './props-reference';
import { layersTable, rulesTable, versionsTable } from './tables';
import { SCHEMA_FILE, environmentJsonSchema } from './schema';
import { RUNBOOKS_FILE, runbooksDoc } from './runbooks';

/** Where the generated reference docs live, relative to the repository root. */
export const REFERENCE_DIR = 'docs/reference';

const page = (title: string, intro: string, body: string): string =>
  [
    `# ${title}`,
    '',
    'Generated from the code by `npm run docs`; do not edit.',
    '',
    intro,
    '',
    body,
    '',
  ].join('\n');

/** Every generated file (besides README.md) with its unformatted text, by path from the root. */
export function generatedSources(root: string): Record<string, string> {
  return {
    [SCHEMA_FILE]: JSON.stringify(environmentJsonSchema()),
    [RUNBOOKS_FILE]: runbooksDoc(),
    [`${REFERENCE_DIR}/README.md`]: [
      '# Reference',
      '',
      'Generated from the code by `npm run docs`; do not edit.',
      '',
      '- [Environment file](config.md): every key, its type and the dev and prod defaults.',
      `- [JSON Schema of the environment file](../../${SCHEMA_FILE}) for editors.`,
      '- [Constructs](constructs.md): the props of each construct with their defaults.',
      '- [Versions](versions.md): every pinned image.',
      '- [Install layers](layers.md).',
      '- [Configuration rules](rules.md): the cross-field rules of the environment file.',
      '- [Policy catalogue](../../policies/RULES.md): the rules of the policy gate.',
      '- [Runbooks](../runbooks.md): every alert of `monitoring`, what it means and what to do.',
      '',
    ].join('\n'),
    [`${REFERENCE_DIR}/config.md`]: configReference(),
    [`${REFERENCE_DIR}/constructs.md`]: constructsReference(root),
    [`${REFERENCE_DIR}/versions.md`]: page(
      'Versions',
      "Every image the platform can run, by component, from each component's `versions.ts`.",
      versionsTable(),
    ),
    [`${REFERENCE_DIR}/layers.md`]: page(
      'Install layers',
      '`install.sh` applies the layers in this order and waits for each one.',
      layersTable(),
    ),
    [`${REFERENCE_DIR}/rules.md`]: page(
      'Configuration rules',
      'Cross-field rules of the environment file; a message names its rule.',
      rulesTable(),
    ),
  };
}

/**
 * The generated files as written: formatted by Prettier with the project's settings, through its
 * CLI (a devDependency; its API loads modules dynamically, which Jest does not run).
 */
export function generatedFiles(root: string): Record<string, string> {
  const cli = path.join(
    path.dirname(require.resolve('prettier/package.json')),
    'bin',
    'prettier.cjs',
  );
  const out: Record<string, string> = {};
  for (const [file, text] of Object.entries(generatedSources(root))) {
    out[file] = execFileSync(process.execPath, [cli, '--stdin-filepath', path.join(root, file)], {
      cwd: root,
      input: text,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  return out;
}

/** Writes the schema and the reference docs under `root`. */
export function writeGenerated(root: string): void {
  for (const [file, text] of Object.entries(generatedFiles(root))) {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
    process.stdout.write(`wrote ${file}\n`);
  }
}
