import { Chart, Testing } from 'cdk8s';
import { IMesh } from '../../../constructs/core/mesh';
import { NetworkPeer } from '../../../constructs/core/network';
import {
  KnativeLocalGateway,
  KnativeLocalGatewayProps,
  LOCAL_GATEWAY_DEFAULT_AUTOSCALING,
  injectionPodLabels,
} from '../../../constructs/knative-serving/net-istio-local-gateway';
import {
  revisionAuthorizationRules,
  revisionIngressAllows,
} from '../../../constructs/knative-serving/net-istio-tenant';
import { FakeGateway, FakeMesh, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { NET_ISTIO_UPSTREAM as U } from './net-istio-facts';

const KNS = 'knative-serving';
const GNS = 'istio-system';
const L = U.localGateway;

function build(props: Partial<KnativeLocalGatewayProps> = {}) {
  const chart = new Chart(Testing.app(), 'Test');
  const namespace = new FakeNamespace(GNS);
  const local = new KnativeLocalGateway(chart, 'Local', {
    namespace,
    knativeNamespace: KNS,
    mesh: new FakeMesh(),
    ...props,
  });
  return { local, namespace, objects: new Objects(Testing.synth(chart) as Manifest[]) };
}

const { local, namespace, objects: o } = build();
const deployment = o.find('Deployment', GNS, L.name);
const pod = deployment.spec.template;

describe('KnativeLocalGateway (net-istio 203-local-gateway.yaml, Kubeflow cluster-local-gateway)', () => {
  test('defaults and the names KServe looks up', () => {
    expect(local.gatewayRef).toBe('knative-serving/knative-local-gateway');
    expect(local.serviceHost).toBe('knative-local-gateway.istio-system.svc.cluster.local');
    expect(local.principal).toBe('cluster.local/ns/istio-system/sa/knative-local-gateway');
    expect(local.autoscaling).toEqual(LOCAL_GATEWAY_DEFAULT_AUTOSCALING);
    expect(pod.spec.containers[0].resources).toEqual(U.kubeflowLocalGatewayResources);
  });

  test('the Gateway: HTTP on 8081 for any host, in Knative’s namespace, selecting its own pods', () => {
    const gw = o.find('Gateway', KNS, L.name);
    expect(gw.spec.servers).toEqual([
      { port: { number: L.serverPort, name: 'http', protocol: 'HTTP' }, hosts: ['*'] },
    ]);
    expect(gw.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test('the Service: 80 to 8081 with gateway port translation off, in the gateway namespace', () => {
    const svc = o.find('Service', GNS, L.name);
    expect(svc.metadata.labels).toMatchObject(L.serviceLabel);
    expect(svc.spec.ports).toEqual([
      { name: 'http2', port: L.servicePort, targetPort: L.serverPort, protocol: 'TCP' },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test('the pods ask the injector for the gateway template and run restricted as 1337', () => {
    expect(pod.metadata.annotations['inject.istio.io/templates']).toBe('gateway');
    expect(pod.metadata.labels['sidecar.istio.io/inject']).toBe('true');
    const c = pod.spec.containers[0];
    expect(c.name).toBe('istio-proxy');
    expect(c.image).toBe('docker.io/istio/proxyv2:1.30.1');
    expect(c.securityContext).toMatchObject({
      runAsUser: 1337,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.spec.securityContext.runAsUser).toBe(1337);
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = o.find('HorizontalPodAutoscaler', GNS, L.name);
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 5]);
  });

  test('a revisioned mesh injects through istio.io/rev', () => {
    const mesh: IMesh = Object.assign(new FakeMesh(), {
      injectionLabels: { 'istio.io/rev': 'prod' },
    });
    expect(injectionPodLabels(mesh)).toEqual({ 'istio.io/rev': 'prod' });
  });

  test('clients: only those allowed reach 8081; ids are unique', () => {
    expect(namespace.allows).toEqual([]);
    const chart = new Chart(Testing.app(), 'C');
    const gateway = new FakeGateway(chart, 'Gateway');
    const { local: l2, namespace: ns2 } = build({ clients: [gateway.peer] });
    l2.allowClients('tenants', [
      NetworkPeer.namespacesLabelled({ 'app.kubernetes.io/part-of': 'kubeflow-profile' }),
    ]);
    expect(ns2.allows.map((a) => a.id)).toEqual([
      'knative-local-gateway-clients',
      'knative-local-gateway-tenants',
    ]);
    expect(ns2.allows[0].allow.ports).toEqual([{ port: 8081 }]);
    expect(() => l2.allowClients('tenants', [])).toThrow('already allowed');
  });

  test('invalid autoscaling is refused with every problem', () => {
    expect(() =>
      build({ autoscaling: { minReplicas: 0, maxReplicas: 5, targetCpuUtilizationPercent: 0 } }),
    ).toThrow(
      'KnativeLocalGateway: \n- `autoscaling.minReplicas` must be an integer of at least 1 (got 0). Use 1 or more.\n- `autoscaling.targetCpuUtilizationPercent` must be an integer from 1 to 100 (got 0). Use e.g. 80.',
    );
  });
});

describe('tenant helpers', () => {
  const sources = {
    knativeNamespace: KNS,
    gatewayPeers: [local.peer],
    gatewayPrincipals: [local.principal],
  };
  test('network allows: queue-proxy 8012/8013 from gateways and activator, 9090 from the autoscaler', () => {
    const allows = revisionIngressAllows(sources);
    expect(allows['knative-revisions-from-gateways'].ports).toEqual([
      { port: 8012 },
      { port: 8013 },
    ]);
    expect(allows['knative-revisions-from-autoscaler'].ports).toEqual([{ port: 9090 }]);
  });
  test('authorization rules name the activator and the autoscaler identities', () => {
    const rules = revisionAuthorizationRules(sources);
    expect(rules[0]).toEqual({
      from: [
        {
          source: {
            principals: [
              'cluster.local/ns/istio-system/sa/knative-local-gateway',
              'cluster.local/ns/knative-serving/sa/activator',
            ],
          },
        },
      ],
      to: [{ operation: { ports: ['8012', '8013'] } }],
    });
    expect(rules[1].from).toEqual([
      { source: { principals: ['cluster.local/ns/knative-serving/sa/controller'] } },
    ]);
  });
});
