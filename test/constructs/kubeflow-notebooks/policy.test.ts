import { evaluate } from '../../../policies/evaluate';
import { KubeObject } from '../../../stacks/render';
import { buildNotebooks } from './helpers';

describe('the policy gate over the notebooks objects (production)', () => {
  const report = evaluate(buildNotebooks().objects().all as KubeObject[], { production: true });

  test('no error and no warning', () => {
    expect(report.errors.map((f) => f.message)).toEqual([]);
    expect(report.warnings.map((f) => f.message)).toEqual([]);
  });

  test("the controller's verb wildcard is the one suppressed finding, with its reason", () => {
    expect([
      ...new Set(report.suppressed.map((f) => `${f.object.kind}/${f.object.name} ${f.ruleId}`)),
    ]).toEqual(['ClusterRole/notebook-controller-role platform/rbac-wildcards']);
  });
});
