import { Layer } from '../../../constructs/core/layers';
import { KubeflowDashboard, KubeflowDashboardProps } from '../../../constructs/kubeflow-dashboard';
import { FakeGateway, FakeMesh, FakeNamespace } from '../../fakes';
import { LayeredApp, Manifest, Objects } from '../../helpers';

export type { Manifest };
export const NS = 'kubeflow';

export interface Built {
  readonly dashboard: KubeflowDashboard;
  readonly namespace: FakeNamespace;
  readonly gateway: FakeGateway;
  readonly platform: LayeredApp;
  /** Objects of the platform-controllers layer, where the construct is placed. */
  readonly objects: () => Objects;
  readonly crds: () => Objects;
}

/** The construct with only what it needs, placed as the platform places it. */
export function build(props: Partial<KubeflowDashboardProps> = {}): Built {
  const platform = new LayeredApp();
  const chart = platform.chartFor(Layer.PLATFORM_CONTROLLERS);
  const gateway = new FakeGateway(chart, 'Gateway');
  const namespace = new FakeNamespace(NS);
  const dashboard = new KubeflowDashboard(chart, 'KubeflowDashboard', {
    namespace,
    gateway,
    mesh: new FakeMesh(),
    ...props,
  });
  return {
    dashboard,
    namespace,
    gateway,
    platform,
    objects: () => platform.objectsIn(Layer.PLATFORM_CONTROLLERS),
    crds: () => platform.objectsIn(Layer.CRDS),
  };
}

/** The one container of a Deployment. */
export function containerOf(objects: Objects, name: string): Manifest {
  const containers = objects.find('Deployment', NS, name).spec.template.spec
    .containers as Manifest[];
  expect(containers).toHaveLength(1);
  return containers[0];
}
