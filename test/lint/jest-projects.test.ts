import * as fs from 'node:fs';
import * as path from 'node:path';
import { globsToMatcher } from 'jest-util';
import { REPO_ROOT } from '../helpers';

/** The projects of jest.config.js, with the matcher Jest itself uses for `testMatch`. */
interface Project {
  readonly displayName: string;
  readonly testMatch: string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(path.join(REPO_ROOT, 'jest.config.js')) as { projects: Project[] };
const matchers = config.projects.map((p) => ({
  name: p.displayName,
  matches: globsToMatcher(p.testMatch.map((g) => g.replace(/^<rootDir>/, REPO_ROOT))),
}));

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return testFiles(full);
    return e.name.endsWith('.test.ts') ? [full] : [];
  });
}

const FILES = testFiles(path.join(REPO_ROOT, 'test')).map((full) => ({
  file: path.relative(REPO_ROOT, full),
  projects: matchers.filter((m) => m.matches(full)).map((m) => m.name),
  source: fs.readFileSync(full, 'utf8'),
}));

/** Builds the platform for a whole environment (directly or through the shared helpers). */
const WHOLE_ENVIRONMENT =
  /\bnew MlopsPlatform\(|\brenderEnv\(|\bENVIRONMENTS\b|\brenderEnvironment\(|\bsynthesize\(/;
/** Imports a command-line entry point. */
const CLI = /from '[^']*\/cli'/;

describe('jest projects (jest.config.js)', () => {
  test('every test file is in exactly one project', () => {
    expect(FILES.filter((f) => f.projects.length !== 1).map((f) => [f.file, f.projects])).toEqual(
      [],
    );
  });

  test('a test that builds a whole environment is in integration or e2e, not unit (add it to INTEGRATION)', () => {
    const misfiled = FILES.filter((f) => WHOLE_ENVIRONMENT.test(f.source))
      .filter((f) => f.projects.includes('unit'))
      .map((f) => f.file);
    expect(misfiled).toEqual([]);
  });

  test('a test that runs a CLI is in e2e (add it to E2E)', () => {
    const misfiled = FILES.filter((f) => CLI.test(f.source))
      .filter((f) => !f.projects.includes('e2e'))
      .map((f) => f.file);
    expect(misfiled).toEqual([]);
  });
});
