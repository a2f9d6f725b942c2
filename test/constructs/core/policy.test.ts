import { k8s } from 'cdk8s-plus-27';
import { SUPPRESSIONS_ANNOTATION, Suppressions } from '../../../constructs/core/policy';
import { testChart } from '../../helpers';

describe('Suppressions', () => {
  test('are written to the object as a sorted JSON annotation, one entry per rule', () => {
    const { chart, synth } = testChart();
    const sa = new k8s.KubeServiceAccount(chart, 'Sa', { metadata: { name: 'x' } });
    Suppressions.add(sa, 'platform/b', 'second');
    Suppressions.add(sa, 'platform/a', 'first');
    Suppressions.add(sa, 'platform/b', 'replaced');
    const annotation = synth()[0].metadata.annotations?.[SUPPRESSIONS_ANNOTATION];
    expect(JSON.parse(annotation ?? '[]')).toEqual([
      { rule: 'platform/a', reason: 'first' },
      { rule: 'platform/b', reason: 'replaced' },
    ]);
  });

  test('need a reason', () => {
    const { chart } = testChart();
    const sa = new k8s.KubeServiceAccount(chart, 'Sa', { metadata: { name: 'x' } });
    expect(() => Suppressions.add(sa, 'platform/a', '  ')).toThrow(
      'Suppression of platform/a on ServiceAccount/x needs a reason.',
    );
  });
});
