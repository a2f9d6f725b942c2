import * as fs from 'fs';
import * as path from 'path';
import { renderCatalogue } from './catalogue';
import { CATALOGUE_PACKS } from './packs/all';

/** Where the catalogue lives, relative to the project root (npm scripts run there). */
export const RULES_MD = path.join('policies', 'RULES.md');

/**
 * `npm run docs:policies` writes policies/RULES.md; `-- --check` only compares and exits 1 when
 * the file is stale.
 */
export function main(argv: readonly string[], root: string = process.cwd()): number {
  const file = path.join(root, RULES_MD);
  const expected = renderCatalogue(CATALOGUE_PACKS);
  if (argv.includes('--check')) {
    const actual = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (actual !== expected) {
      process.stderr.write(`${RULES_MD} is stale; run npm run docs:policies\n`);
      return 1;
    }
    return 0;
  }
  fs.writeFileSync(file, expected);
  process.stdout.write(`wrote ${RULES_MD}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
