import { evaluate } from '../../../policies/evaluate';
import { KubeObject } from '../../../stacks/render';
import { buildJobSet } from './helpers';

describe('the policy gate over the JobSet objects (production)', () => {
  const report = evaluate(buildJobSet().objects().all as KubeObject[], { production: true });

  test('no error, no warning, nothing suppressed', () => {
    expect(report.errors.map((f) => f.message)).toEqual([]);
    expect(report.warnings.map((f) => f.message)).toEqual([]);
    expect(report.suppressed).toEqual([]);
    expect(report.objectsChecked).toBeGreaterThan(15);
  });
});
