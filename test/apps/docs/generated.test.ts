import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedFiles } from '../../../apps/docs/generated';
import { REPO_ROOT } from '../../helpers';

describe('generated schema and reference docs', () => {
  let files: Record<string, string>;
  beforeAll(() => {
    files = generatedFiles(REPO_ROOT);
  }, 120000);

  test('every generated file matches the code (run `npm run docs`)', () => {
    const stale = Object.entries(files)
      .filter(([file, text]) => {
        const full = path.join(REPO_ROOT, file);
        return !fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== text;
      })
      .map(([file]) => file);
    expect(stale).toEqual([]);
  });

  test('the set of files is the schema and the reference pages', () => {
    expect(Object.keys(files).sort()).toEqual([
      'docs/reference/README.md',
      'docs/reference/config.md',
      'docs/reference/constructs.md',
      'docs/reference/layers.md',
      'docs/reference/rules.md',
      'docs/reference/versions.md',
      'schema/environment.schema.json',
    ]);
  });

  test('the config reference gives each preset its default', () => {
    expect(files['docs/reference/config.md']).toMatch(
      /\| `domain` +\| string +\| `"kubeflow.localhost"` +\| \*\*required\*\* +\|/,
    );
  });

  test('the constructs reference lists props with their documented defaults', () => {
    const text = files['docs/reference/constructs.md'];
    expect(text).toContain('### ArgoWorkflowsProps');
    expect(text).toMatch(/\| `namespace` +\| `INamespace` +\| \*\*required\*\* +\|/);
    expect(text).toMatch(/\| `archiveLogs` +\| `boolean` +\| true +\|/);
  });
});
