import { Chart, Testing } from 'cdk8s';
import { KServe, KServeProps } from '../../../constructs/kserve';
import { CLUSTER_ISSUER, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';

export type { Manifest };
export const NS = 'kubeflow';

export function buildKServe(
  props: Partial<KServeProps> = {},
  context: Record<string, unknown> = {},
): { kserve: KServe; namespace: FakeNamespace; objects: Objects; chart: Chart } {
  const app = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const kserve = new KServe(chart, 'KServe', { namespace, issuer: CLUSTER_ISSUER, ...props });
  return { kserve, namespace, chart, objects: new Objects(Testing.synth(chart) as Manifest[]) };
}

/** The parsed JSON of one `inferenceservice-config` key. */
export function configSection(objects: Objects, key: string, ns = NS): Manifest {
  const cm = objects.find('ConfigMap', ns, 'inferenceservice-config');
  return JSON.parse(cm.data[key] as string) as Manifest;
}
