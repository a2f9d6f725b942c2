import { Chart, Testing } from 'cdk8s';
import { KubeflowTrainer, KubeflowTrainerProps } from '../../../constructs/trainer';
import { CLUSTER_ISSUER, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';

export type { Manifest };
export const NS = 'kubeflow-system';

export function buildTrainer(
  props: Partial<KubeflowTrainerProps> = {},
  context: Record<string, unknown> = {},
): { trainer: KubeflowTrainer; namespace: FakeNamespace; objects: Objects; chart: Chart } {
  const app = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const trainer = new KubeflowTrainer(chart, 'Trainer', {
    namespace,
    issuer: CLUSTER_ISSUER,
    ...props,
  });
  return { trainer, namespace, chart, objects: new Objects(Testing.synth(chart) as Manifest[]) };
}
