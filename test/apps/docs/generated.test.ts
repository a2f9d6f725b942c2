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

  test('the set of files is the schema, the runbooks and the reference pages', () => {
    expect(Object.keys(files).sort()).toEqual([
      'docs/reference/README.md',
      'docs/reference/config.md',
      'docs/reference/constructs.md',
      'docs/reference/layers.md',
      'docs/reference/rules.md',
      'docs/reference/versions.md',
      'docs/runbooks.md',
      'schema/environment.schema.json',
    ]);
  });

  test('the runbooks have every alert once, with its anchor, expression and runbook', () => {
    const runbooks = files['docs/runbooks.md'];
    const names = [...runbooks.matchAll(/^### (\w+)$/gm)].map((m) => m[1]);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      'KubeflowWebhookCallsFailing',
      'CertManagerCertificateExpiringSoon',
      'DatabaseBackupNotRun',
      'ObjectStoreNearlyFull',
      'InferenceServiceErrorRateHigh',
      'InferenceServiceLatencyHigh',
      'KubeflowPipelinesRunsFailing',
      'KatibControllerDown',
    ]) {
      expect(names).toContain(name);
      expect(runbooks).toContain(`<a id="${name.toLowerCase()}"></a>`);
    }
    expect(runbooks.match(/\*\*Runbook\.\*\* /g)?.length).toBe(names.length);
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
