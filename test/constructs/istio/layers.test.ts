import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ILayerCharts, Layer, LAYERS, LAYERS_CONTEXT } from '../../../constructs/core/layers';
import { Istio } from '../../../constructs/istio';
import { CLUSTER_ISSUER } from '../../fakes';
import { Manifest, platformNamespaces } from './helpers';

/** The layered setup MlopsPlatform builds: one chart per layer, published in the context. */
function layeredIstio(): { charts: Map<Layer, Chart>; istio: Istio } {
  const app = Testing.app();
  const charts = new Map<Layer, Chart>();
  const layers: ILayerCharts = {
    chartFor: (layer: Layer): Construct => charts.get(layer) as Chart,
  };
  app.node.setContext(LAYERS_CONTEXT, layers);
  for (const info of LAYERS) {
    charts.set(info.layer, new Chart(app, info.id, { disableResourceNameHashes: true }));
  }
  const nsChart = charts.get(Layer.NAMESPACES) as Chart;
  const istio = new Istio(charts.get(Layer.INFRASTRUCTURE) as Chart, 'Istio', {
    ...platformNamespaces(nsChart),
    gateway: { hosts: ['kubeflow.example.com'], issuer: CLUSTER_ISSUER },
  });
  return { charts, istio };
}

const kinds = (objects: Manifest[]): string[] => [...new Set(objects.map((o) => o.kind))].sort();

describe('install layers', () => {
  const { charts, istio } = layeredIstio();
  istio.gateway.addRoute('dex', {
    namespace: 'auth',
    prefix: '/dex/',
    destination: { host: 'dex.auth.svc.cluster.local', port: 5556 },
  });
  const synthOf = (layer: Layer): Manifest[] => Testing.synth(charts.get(layer) as Chart);

  test('CRDs go to the crds layer', () => {
    expect(kinds(synthOf(Layer.CRDS))).toEqual(['CustomResourceDefinition']);
    expect(synthOf(Layer.CRDS)).toHaveLength(15);
  });

  test('controllers, webhooks, RBAC and workloads go to the infrastructure layer', () => {
    expect(kinds(synthOf(Layer.INFRASTRUCTURE))).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'DaemonSet',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Job',
      'MutatingWebhookConfiguration',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
      'ValidatingWebhookConfiguration',
    ]);
  });

  test('custom resources that need webhooks go to the infrastructure-config layer', () => {
    const config = synthOf(Layer.INFRASTRUCTURE_CONFIG);
    expect(config.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Certificate/istio-ingressgateway-tls',
      'Gateway/platform-gateway',
      'PeerAuthentication/default',
      'VirtualService/dex',
    ]);
  });

  test('network allows land with the namespaces they belong to', () => {
    const policies = synthOf(Layer.NAMESPACES).filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual([
      'istio-cni/default-deny-ingress',
      'istio-system/allow-istio-ingressgateway',
      'istio-system/allow-istiod-webhooks',
      'istio-system/allow-istiod-xds',
      'istio-system/default-deny-ingress',
    ]);
  });
});
