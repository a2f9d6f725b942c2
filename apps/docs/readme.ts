import * as fs from 'node:fs';
import * as path from 'node:path';
import { architectureMermaid, componentFacts, componentsTable } from './architecture';
import { REFERENCE_DIR, writeGenerated } from './generated';
import { repoRoot } from './paths';
import { MODELINE, SCHEMA_FILE } from './schema';
import { layersTable, rulesTable, versionsTable } from './tables';

export { VERSION_CATALOG, layersTable, rulesTable, versionsTable } from './tables';

/** The architecture picture: components, the contracts between them, the layers they fill. */
export function architectureSection(): string {
  const facts = componentFacts();
  return [
    '### Architecture',
    '',
    "Drawn from the platform model (`stacks/components.ts` and each component's `needs`, `uses` and",
    '`offers`): an arrow goes from the component that offers a contract to each component that takes',
    'it; a dotted arrow is a contract needed only with some settings, or used when offered. The layers',
    "are where each component's objects land when the example environments are built with every",
    'component switched on.',
    '',
    architectureMermaid(facts),
    '',
    componentsTable(facts),
  ].join('\n');
}

/** Editor support and where the generated reference lives. */
export function editorSection(): string {
  return [
    '### Editor support and reference docs',
    '',
    `The environment file has a JSON Schema, [\`${SCHEMA_FILE}\`](${SCHEMA_FILE}), generated from the`,
    'same zod schemas that `synth` validates with. Editors with the YAML language server (VS Code',
    'with the Red Hat YAML extension, Neovim, JetBrains) complete and check keys when the file starts',
    'with a modeline; the examples in `stacks/` do:',
    '',
    '```yaml',
    MODELINE,
    '```',
    '',
    'With the package installed, point at its copy:',
    `\`# yaml-language-server: $schema=./node_modules/mlops-blueprint/${SCHEMA_FILE}\` (the path is`,
    'relative to the file). `preset` chooses the defaults shown and what is required. The schema',
    'checks keys, types and enums; cross-field rules and patterns that zod refines in code are',
    'checked by `synth`.',
    '',
    `Reference docs generated from the code are in [\`${REFERENCE_DIR}/\`](${REFERENCE_DIR}/README.md): every`,
    'key of the environment file with its dev and prod defaults, the props of the constructs with',
    'their defaults, the versions, the layers and the policy catalogue. `npm run docs` rewrites them,',
    'the schema and the generated parts of this README; a test fails when one is stale.',
  ].join('\n');
}

const SECTIONS: Record<string, () => string> = {
  layers: layersTable,
  architecture: architectureSection,
  'editor-support': editorSection,
  versions: versionsTable,
  'config-rules': rulesTable,
};

/** Replaces each generated section of `text` with what the code says now. */
export function updateReadme(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const begin = `<!-- BEGIN generated:${name} -->`;
    const end = `<!-- END generated:${name} -->`;
    const i = out.indexOf(begin);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README.md has no generated section ${name}`);
    out = `${out.slice(0, i + begin.length)}\n${render()}\n${out.slice(j)}`;
  }
  return out;
}

if (require.main === module) {
  const file = path.join(repoRoot(), 'README.md');
  fs.writeFileSync(file, updateReadme(fs.readFileSync(file, 'utf8')));
  writeGenerated(path.dirname(file));
}
