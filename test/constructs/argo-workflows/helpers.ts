import { Chart, Testing } from 'cdk8s';
import { ArgoWorkflows, ArgoWorkflowsProps } from '../../../constructs/argo-workflows';
import { FakeNamespace, FakeObjectStore } from '../../fakes';
import { Manifest, Objects } from '../../helpers';

export type { Manifest };
export { Objects };

export const NS = 'kubeflow';

export interface Built {
  readonly chart: Chart;
  readonly namespace: FakeNamespace;
  readonly objectStore: FakeObjectStore;
  readonly argo: ArgoWorkflows;
  readonly objects: () => Objects;
}

export function buildArgo(
  opts: {
    props?: Partial<ArgoWorkflowsProps>;
    buckets?: readonly string[];
    context?: Record<string, unknown>;
  } = {},
): Built {
  const app = Testing.app();
  for (const [k, v] of Object.entries(opts.context ?? {})) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const objectStore = new FakeObjectStore(opts.buckets);
  const argo = new ArgoWorkflows(chart, 'ArgoWorkflows', {
    namespace,
    objectStore,
    ...opts.props,
  });
  return {
    chart,
    namespace,
    objectStore,
    argo,
    objects: () => new Objects(Testing.synth(chart) as Manifest[]),
  };
}
