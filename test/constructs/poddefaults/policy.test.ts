import { evaluate } from '../../../policies/evaluate';
import { KubeObject } from '../../../stacks/render';
import { buildWebhook } from './helpers';

describe('the policy gate over the PodDefaults objects (production)', () => {
  test('no error, no warning, nothing suppressed', () => {
    const report = evaluate(buildWebhook().objects().all as KubeObject[], { production: true });
    expect(report.errors.map((f) => f.message)).toEqual([]);
    expect(report.warnings.map((f) => f.message)).toEqual([]);
    expect(report.suppressed).toEqual([]);
  });
});
