import { Chart, Testing } from 'cdk8s';
import { KatibController, KatibControllerProps } from '../../../constructs/katib/controller';
import { CLUSTER_ISSUER, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';

export type { Manifest };
export { Objects };

export const NS = 'kubeflow';

export function buildController(
  props: Partial<KatibControllerProps> = {},
  context: Record<string, unknown> = {},
): { controller: KatibController; namespace: FakeNamespace; objects: () => Objects } {
  const app = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const controller = new KatibController(chart, 'Katib', {
    namespace,
    issuer: CLUSTER_ISSUER,
    ...props,
  });
  return {
    controller,
    namespace,
    objects: () => new Objects(Testing.synth(chart) as Manifest[]),
  };
}
