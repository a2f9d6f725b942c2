import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The repository (or installed package) root: the nearest folder above this module with a
 * package.json, whether this runs from apps/docs (tests) or lib/apps/docs (`npm run docs`).
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}
