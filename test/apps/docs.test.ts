import * as fs from 'node:fs';
import * as path from 'node:path';
import { updateReadme, versionsTable } from '../../apps/docs/readme';
import { REPO_ROOT } from '../helpers';

describe('README', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

  test('generated sections match the code (run `npm run docs` after changing versions or rules)', () => {
    expect(updateReadme(readme)).toBe(readme);
  });

  test('has the architecture picture and the editor support in marked sections', () => {
    expect(readme).toMatch(
      /<!-- BEGIN generated:architecture -->\n### Architecture\n[^]*```mermaid\nflowchart LR\n/,
    );
    expect(readme).toContain('# yaml-language-server: $schema=../schema/environment.schema.json');
    expect(readme).toContain('[`docs/reference/`](docs/reference/README.md)');
  });

  test('the version table lists every pinned image', () => {
    expect(versionsTable()).toContain('`quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:');
  });

  test('starts with the two set-up commands', () => {
    const firstBlock = readme.slice(
      readme.indexOf('```'),
      readme.indexOf('```', readme.indexOf('```') + 3),
    );
    expect(firstBlock).toContain('npm ci && npm run synth');
    expect(firstBlock).toContain('npm test');
  });
});
