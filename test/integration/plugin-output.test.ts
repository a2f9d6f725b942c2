import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ValidationContext as ValidationContextType } from 'cdk8s-cli/lib/plugins';
import { outputFiles } from '../../apps/cdk8s/output';
import { PolicyGateValidation } from '../../policies/cdk8s/plugin';
import { synthesize } from '../../stacks/pipeline';

// The real cdk8s-cli context, loaded by file path (the package's `exports` map hides lib/).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require(
  path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'lib/plugins/validation.js'),
) as { ValidationContext: new (...args: unknown[]) => ValidationContextType };

describe('cdk8s validation plugin over a synthesized output directory', () => {
  it('checks the objects and not kustomization.yaml', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-plugin-'));
    try {
      const { rendered } = synthesize(undefined);
      const files = outputFiles(rendered);
      for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.content);
      const yamlFiles = files
        .filter((f) => f.name.endsWith('.yaml'))
        .map((f) => path.join(dir, f.name));
      expect(yamlFiles.some((f) => f.endsWith('kustomization.yaml'))).toBe(true);
      const context = new ValidationContext(
        yamlFiles,
        './lib/policies/cdk8s/plugin.js',
        '0.1.0',
        {},
      );
      await new PolicyGateValidation({ production: false }).validate(context);
      const objects = rendered.layers.reduce((n, l) => n + l.objects.length, 0);
      const logged = log.mock.calls.map((c) => String(c[0])).join('\n');
      expect(logged).toContain(`(${objects} objects, packs:`);
    } finally {
      log.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
