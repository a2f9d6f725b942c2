import { k8s } from 'cdk8s-plus-27';
import {
  AccessLogging,
  CNI_DEFAULT_RESOURCES,
  DEFAULT_AUTOSCALING,
  ISTIOD_DEFAULT_RESOURCES,
  PROXY_DEFAULT_RESOURCES,
} from '../../../constructs/istio';
import { toResourceRequirements } from '../../../constructs/core/resources';
import { findObject, injectorConfig, istioFixture, synth } from './helpers';

describe('constructing with only the required props gives the documented defaults', () => {
  const fixture = istioFixture();
  const { istio } = fixture;
  const objects = synth(fixture.chart);

  test('default revision, trust domain cluster.local, STRICT mTLS, no access logs, no providers', () => {
    expect(istio.revision).toBeUndefined();
    expect(istio.trustDomain).toBe('cluster.local');
    expect(istio.meshPolicy.mutualTls).toBe('STRICT');
    expect(istio.meshConfig.extensionProviders).toEqual([]);
    expect(AccessLogging.disabled().file).toBeUndefined();
    const mesh = findObject(objects, 'ConfigMap', 'istio-system', 'istio').data.mesh;
    expect(mesh).not.toContain('accessLogFile');
    expect(mesh).not.toContain('extensionProviders');
  });

  test('istiod: upstream requests with a memory limit, 1 to 5 replicas at 80 % CPU', () => {
    const d = findObject(objects, 'Deployment', 'istio-system', 'istiod');
    expect(d.spec.template.spec.containers[0].resources).toEqual(
      k8s.toJson_ResourceRequirements(toResourceRequirements(ISTIOD_DEFAULT_RESOURCES)),
    );
    expect(d.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '500m', memory: '2048Mi' },
      limits: { memory: '4Gi' },
    });
    expect(DEFAULT_AUTOSCALING).toEqual({
      minReplicas: 1,
      maxReplicas: 5,
      targetCpuUtilizationPercent: 80,
    });
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'istio-system', 'istiod');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 5]);
  });

  test('proxies: upstream resources and log levels', () => {
    const { values } = injectorConfig(objects);
    expect(PROXY_DEFAULT_RESOURCES).toEqual({
      cpu: { request: '100m', limit: '2000m' },
      memory: { request: '128Mi', limit: '1024Mi' },
    });
    expect(values.global.proxy.logLevel).toBe('warning');
    expect(values.global.proxy.componentLogLevel).toBe('misc:error');
    expect(values.global.logging.level).toBe('default:info');
  });

  test('gateway: in the control plane namespace, LoadBalancer, redirect on, upstream resources', () => {
    expect(istio.gateway.namespace).toBe('istio-system');
    const service = findObject(objects, 'Service', 'istio-system', 'istio-ingressgateway');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.metadata.annotations).toBeUndefined();
    const gw = findObject(objects, 'Gateway', 'istio-system', 'platform-gateway');
    expect(gw.spec.servers[0].tls).toEqual({ httpsRedirect: true });
    const d = findObject(objects, 'Deployment', 'istio-system', 'istio-ingressgateway');
    expect(d.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '2000m', memory: '1024Mi' },
    });
    const hpa = findObject(
      objects,
      'HorizontalPodAutoscaler',
      'istio-system',
      'istio-ingressgateway',
    );
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 5]);
  });

  test('CNI: upstream node paths, kube-system excluded, no quota, upstream requests plus a memory limit', () => {
    const ds = findObject(objects, 'DaemonSet', 'istio-cni', 'istio-cni-node');
    const paths = ds.spec.template.spec.volumes.map(
      (v: { hostPath: { path: string } }) => v.hostPath.path,
    );
    expect(paths).toEqual(['/opt/cni/bin', '/proc', '/etc/cni/net.d', '/var/run/istio-cni']);
    expect(ds.spec.template.spec.containers[0].resources).toEqual(
      k8s.toJson_ResourceRequirements(toResourceRequirements(CNI_DEFAULT_RESOURCES)),
    );
    expect(CNI_DEFAULT_RESOURCES).toEqual({
      cpu: { request: '100m' },
      memory: { request: '100Mi', limit: '1Gi' },
    });
    expect(
      findObject(objects, 'ConfigMap', 'istio-cni', 'istio-cni-config').data.EXCLUDE_NAMESPACES,
    ).toBe('kube-system');
  });

  test('network peers: the API server and gateway clients from anywhere, xDS from every namespace', () => {
    const from = (name: string): unknown =>
      findObject(objects, 'NetworkPolicy', 'istio-system', name).spec.ingress[0].from;
    const anywhere = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];
    expect(from('allow-istiod-webhooks')).toEqual(anywhere);
    expect(from('allow-istio-ingressgateway')).toEqual(anywhere);
    expect(from('allow-istiod-xds')).toEqual([
      {
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }],
        },
      },
    ]);
  });
});
