import { evaluate } from '../../../policies/evaluate';
import { KubeObject } from '../../../stacks/render';
import { buildArgo } from './helpers';

describe('the policy gate over the Argo Workflows objects (production)', () => {
  const report = evaluate(buildArgo().objects().all as KubeObject[], { production: true });

  test('no error, no warning and nothing suppressed', () => {
    expect(report.errors.map((f) => f.message)).toEqual([]);
    expect(report.warnings.map((f) => f.message)).toEqual([]);
    expect(report.suppressed.map((f) => f.message)).toEqual([]);
  });
});
