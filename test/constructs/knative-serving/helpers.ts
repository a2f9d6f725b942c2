import { Chart, Testing } from 'cdk8s';
import { KnativeServing, KnativeServingProps } from '../../../constructs/knative-serving';
import { FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';

export type { Manifest };
export const NS = 'knative-serving';

export function buildServing(
  opts: { props?: Partial<KnativeServingProps>; context?: Record<string, unknown> } = {},
) {
  const app = Testing.app();
  for (const [k, v] of Object.entries(opts.context ?? {})) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const serving = new KnativeServing(chart, 'KnativeServing', { namespace, ...opts.props });
  return {
    chart,
    namespace,
    serving,
    objects: () => new Objects(Testing.synth(chart) as Manifest[]),
  };
}
