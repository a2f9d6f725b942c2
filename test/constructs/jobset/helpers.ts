import { Chart, Testing } from 'cdk8s';
import { JobSet, JobSetProps } from '../../../constructs/jobset';
import { CLUSTER_ISSUER, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';

export type { Manifest };
export { Objects };

export const NS = 'kubeflow-system';

export interface Built {
  readonly namespace: FakeNamespace;
  readonly jobSet: JobSet;
  readonly objects: () => Objects;
}

export function buildJobSet(
  opts: { props?: Partial<JobSetProps>; context?: Record<string, unknown> } = {},
): Built {
  const app = Testing.app();
  for (const [k, v] of Object.entries(opts.context ?? {})) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const jobSet = new JobSet(chart, 'JobSet', {
    namespace,
    issuer: CLUSTER_ISSUER,
    ...opts.props,
  });
  return {
    namespace,
    jobSet,
    objects: () => new Objects(Testing.synth(chart) as Manifest[]),
  };
}
