import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ValidationContext as ValidationContextType } from 'cdk8s-cli/lib/plugins';
import { PolicyGateValidation } from '../../policies/cdk8s/plugin';
import { writeOutput } from '../../apps/cdk8s/write-output';

// The real cdk8s-cli context and report, loaded by file path because the package's `exports` map
// hides lib/ from Node resolution.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require(
  path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'lib/plugins/validation.js'),
) as { ValidationContext: new (...args: unknown[]) => ValidationContextType };

const MANIFESTS = path.join(__dirname, 'fixtures', 'manifests');

describe('cdk8s validation plugin', () => {
  let log: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    log.mockRestore();
  });

  function contextFor(manifests: string[]): ValidationContextType {
    return new ValidationContext(manifests, './lib/policies/cdk8s/plugin.js', '0.1.0', {
      'node-agent': { path: 'App/Infra/NodeAgent/Resource' },
    });
  }

  it('fails on unsuppressed errors and reports them per rule with resource and field', async () => {
    const context = contextFor([path.join(MANIFESTS, 'errors.yaml')]);
    await new PolicyGateValidation().validate(context);
    const json = context.report.toJson();
    expect(context.report.success).toBe(false);
    expect(json.summary.metadata).toEqual({
      errors: '3',
      warnings: '0',
      suppressed: '2',
      production: 'false',
    });
    expect(json.violations.map((v) => v.ruleName)).toEqual([
      'pss-baseline/privileged [error]',
      'pss-restricted/allow-privilege-escalation [error]',
      'platform/image-pinned [error]',
    ]);
    expect(json.violations[0]).toEqual({
      ruleName: 'pss-baseline/privileged [error]',
      recommendation: 'Containers are not privileged',
      fix: 'Remove `securityContext.privileged` from the container or set it to false.',
      violatingConstructs: [
        {
          resourceName: 'node-agent',
          constructPath: 'App/Infra/NodeAgent/Resource',
          manifestPath: path.join(MANIFESTS, 'errors.yaml'),
          locations: ['spec.template.spec.initContainers[0].securityContext.privileged'],
        },
      ],
    });
  });

  it('logs the verdict and every suppression with its reason', async () => {
    const context = contextFor([path.join(MANIFESTS, 'errors.yaml')]);
    await new PolicyGateValidation().validate(context);
    const logged = log.mock.calls.map((call) => String(call[0])).join('\n');
    expect(logged).toContain('Policy gate FAILED: 3 errors');
    expect(logged).toContain(
      'DaemonSet kube-system/node-agent: pss-baseline/host-path-volumes (1 finding): Reads container logs from the node.',
    );
  });

  it('passes with warnings, which are still listed', async () => {
    const context = contextFor([path.join(MANIFESTS, 'warnings-only.yaml')]);
    await new PolicyGateValidation({}).validate(context);
    expect(context.report.success).toBe(true);
    expect(context.report.toJson().violations.map((v) => v.ruleName)).toEqual([
      'platform/literal-credentials [warning]',
      'platform/cpu-limit [warning]',
    ]);
  });

  it('treats literal credentials as errors with production: true', async () => {
    const context = contextFor([path.join(MANIFESTS, 'warnings-only.yaml')]);
    await new PolicyGateValidation({ production: true }).validate(context);
    expect(context.report.success).toBe(false);
    expect(context.report.toJson().violations[0]?.violatingConstructs[0]?.locations).toEqual([
      'stringData.accesskey',
      'stringData.secretkey',
    ]);
  });

  it('applies only the packs named in properties', async () => {
    const context = contextFor([path.join(MANIFESTS, 'errors.yaml')]);
    await new PolicyGateValidation({ packs: ['platform'] }).validate(context);
    expect(context.report.toJson().violations.map((v) => v.ruleName)).toEqual([
      'platform/image-pinned [error]',
    ]);
  });

  it('rejects unknown packs when cdk8s instantiates it', () => {
    expect(() => new PolicyGateValidation({ packs: ['pss-strict'] })).toThrow(
      'policy plugin: `properties.packs` names unknown packs (got ["pss-strict"]). Use some of pss-baseline, pss-restricted, platform.',
    );
  });

  it('skips empty documents in multi-document manifests', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-plugin-'));
    try {
      const file = path.join(dir, 'app.k8s.yaml');
      fs.writeFileSync(file, '---\n---\n');
      const context = contextFor([file]);
      await new PolicyGateValidation().validate(context);
      expect(context.report.success).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('production without properties.production: the marker next to the manifests', () => {
    /** The warnings-only fixture, written as mlops-blueprint writes an environment. */
    function written(production: boolean | undefined): string {
      const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'policy-plugin-')), 'out');
      const content = fs.readFileSync(path.join(MANIFESTS, 'warnings-only.yaml'), 'utf8');
      if (production === undefined) {
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'app.k8s.yaml'), content);
      } else {
        writeOutput(dir, [{ name: 'app.k8s.yaml', content }], { environment: 'x', production });
      }
      return path.join(dir, 'app.k8s.yaml');
    }

    it('applies production rules when the marker says production, as the app gate did', async () => {
      const manifest = written(true);
      const context = contextFor([manifest]);
      await new PolicyGateValidation({}).validate(context);
      expect(context.report.success).toBe(false);
      expect(context.report.toJson().summary.metadata?.production).toBe('true');
      const logged = log.mock.calls.map((call) => String(call[0])).join('\n');
      expect(logged).toContain(
        `Production rules on (from ${path.join(path.dirname(manifest), '.mlops-blueprint')}).`,
      );
    });

    it('does not when the marker says it is not production', async () => {
      const context = contextFor([written(false)]);
      await new PolicyGateValidation().validate(context);
      expect(context.report.success).toBe(true);
      expect(context.report.toJson().summary.metadata?.production).toBe('false');
    });

    it('does not without a marker, and says how to choose', async () => {
      const context = contextFor([written(undefined)]);
      await new PolicyGateValidation().validate(context);
      expect(context.report.success).toBe(true);
      const logged = log.mock.calls.map((call) => String(call[0])).join('\n');
      expect(logged).toContain(
        'Production rules off (no .mlops-blueprint marker next to the manifests; set properties.production to choose).',
      );
    });

    it('lets properties.production override the marker', async () => {
      const context = contextFor([written(true)]);
      await new PolicyGateValidation({ production: false }).validate(context);
      expect(context.report.success).toBe(true);
    });

    it('rejects a production property that is not a boolean', () => {
      expect(() => new PolicyGateValidation({ production: 'yes' as unknown as boolean })).toThrow(
        'policy plugin: `properties.production` must be true or false (got "yes").',
      );
    });
  });
});
