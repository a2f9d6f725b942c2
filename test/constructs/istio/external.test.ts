import { Chart, Testing } from 'cdk8s';
import { ExternalGateway, ExternalMesh } from '../../../constructs/istio';
import { findObject } from './helpers';

describe('bring your own Istio', () => {
  test('an external mesh and gateway create no objects', () => {
    const chart = new Chart(Testing.app(), 'external');
    const mesh = new ExternalMesh(chart, 'Mesh', { revision: 'prod-1-29' });
    const gateway = new ExternalGateway(chart, 'Gateway', {
      namespace: 'ingress',
      selector: { istio: 'public-gateway' },
      hosts: ['kubeflow.example.com'],
      gatewayName: 'public',
    });
    expect(Testing.synth(chart)).toEqual([]);
    expect(mesh.rootNamespace).toBe('istio-system');
    expect(mesh.injectionLabels).toEqual({ 'istio.io/rev': 'prod-1-29' });
    expect(mesh.controlPlanePeer.toPeer()).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
      podSelector: { matchLabels: { app: 'istiod' } },
    });
    expect(gateway.gatewayRef).toBe('ingress/public');
    expect(gateway.selector).toEqual({ istio: 'public-gateway' });
    expect(gateway.peer.toPeer()).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } },
      podSelector: { matchLabels: { istio: 'public-gateway' } },
    });
    expect(new ExternalMesh(chart, 'Default').injectionLabels).toEqual({
      'istio-injection': 'enabled',
    });
  });

  test('the external mesh refuses extension providers and says what to add instead', () => {
    const mesh = new ExternalMesh(new Chart(Testing.app(), 'c'), 'Mesh');
    expect(() =>
      mesh.addExtensionProvider({
        name: 'oauth2-proxy',
        service: 'oauth2-proxy.oauth2-proxy.svc.cluster.local',
        port: 4180,
        headersToUpstreamOnAllow: ['authorization'],
      }),
    ).toThrow(
      'Cannot add the ext-authz provider "oauth2-proxy": the Istio mesh is external (revision ' +
        'default, root namespace istio-system), so this platform does not manage its mesh ' +
        'config. Add this entry under meshConfig.extensionProviders of your Istio installation ' +
        '(istiod reloads it without a restart):\n' +
        '- name: oauth2-proxy\n' +
        '  envoyExtAuthzHttp:\n' +
        '    service: oauth2-proxy.oauth2-proxy.svc.cluster.local\n' +
        '    port: 4180\n' +
        '    headersToUpstreamOnAllow:\n' +
        '      - authorization\n',
    );
  });

  test('routes through an external gateway bind to the named Gateway', () => {
    const chart = new Chart(Testing.app(), 'routes');
    const gateway = new ExternalGateway(chart, 'Gateway', {
      namespace: 'ingress',
      selector: { istio: 'ingressgateway' },
      hosts: ['kubeflow.example.com'],
      gatewayName: 'public',
    });
    gateway.addRoute('central-dashboard', {
      namespace: 'kubeflow',
      prefix: '/',
      destination: { host: 'centraldashboard.kubeflow.svc.cluster.local', port: 80 },
    });
    const vs = findObject(Testing.synth(chart), 'VirtualService', 'kubeflow', 'central-dashboard');
    expect(vs.spec.gateways).toEqual(['ingress/public']);
    expect(vs.spec.hosts).toEqual(['kubeflow.example.com']);
  });

  test('external settings are validated together', () => {
    const chart = new Chart(Testing.app(), 'bad');
    expect(
      () =>
        new ExternalGateway(chart, 'Gateway', {
          namespace: 'Ingress',
          selector: {},
          hosts: [],
          gatewayName: 'public gateway',
        }),
    ).toThrow(
      'External Istio gateway: \n' +
        '- `namespace` must be a namespace name (got "Ingress").\n' +
        '- `selector` is empty. Name the labels of your gateway pods, e.g. istio: ingressgateway.\n' +
        '- `gatewayName` must name an Istio Gateway resource (got "public gateway").\n' +
        '- `hosts` is empty. Name at least one host, e.g. kubeflow.example.com.',
    );
    expect(
      () => new ExternalMesh(chart, 'Mesh', { revision: 'Prod', controlPlaneSelector: {} }),
    ).toThrow(
      'External Istio mesh: \n' +
        '- `revision` must be a DNS label (got "Prod").\n' +
        '- `controlPlaneSelector` is empty. Name the labels of your istiod pods, e.g. app: istiod.',
    );
  });
});
