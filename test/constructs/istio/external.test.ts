import { Chart, Testing } from 'cdk8s';
import { Prerequisites } from '../../../constructs/core/prerequisites';
import { ExternalGateway, ExternalMesh } from '../../../constructs/istio';
import { validateEnvironment } from '../../../stacks/config/validate';
import { synthesize } from '../../../stacks/pipeline';
import { Manifest } from '../../helpers';
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

  test('an extension provider of an external mesh is a prerequisite with the entry to add', () => {
    const mesh = new ExternalMesh(new Chart(Testing.app(), 'c'), 'Mesh', { revision: 'stable' });
    mesh.addExtensionProvider({
      name: 'oauth2-proxy',
      service: 'oauth2-proxy.oauth2-proxy.svc.cluster.local',
      port: 4180,
      headersToUpstreamOnAllow: ['authorization'],
    });
    expect(Prerequisites.of(mesh).meshProviders()).toEqual([
      {
        name: 'oauth2-proxy',
        namespace: 'istio-system',
        configMap: 'istio-stable',
        entry:
          '- name: oauth2-proxy\n' +
          '  envoyExtAuthzHttp:\n' +
          '    service: oauth2-proxy.oauth2-proxy.svc.cluster.local\n' +
          '    port: 4180\n' +
          '    headersToUpstreamOnAllow:\n' +
          '      - authorization\n',
      },
    ]);
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

describe('an external gateway with its plain-HTTP server named', () => {
  test('authentication leaves the named port to its redirect', () => {
    const env = {
      name: 'x',
      preset: 'dev' as const,
      mesh: {
        istio: {
          mode: 'external' as const,
          gateway: {
            namespace: 'ingress',
            selector: { istio: 'ingressgateway' },
            name: 'kubeflow-gateway',
            serviceAccount: 'istio-ingressgateway-service-account',
            plainHttp: { port: 8080, redirectsToHttps: true },
          },
        },
      },
    };
    const objects = synthesize(env).rendered.layers.flatMap((l) => l.objects) as Manifest[];
    const custom = objects.find(
      (o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'oauth2-proxy-ext-authz',
    );
    expect(JSON.stringify(custom?.spec.rules)).toContain('"notPorts":["8080"]');
    expect(() =>
      validateEnvironment({
        ...env,
        mesh: {
          istio: {
            ...env.mesh.istio,
            gateway: { ...env.mesh.istio.gateway, plainHttp: { port: 0, redirectsToHttps: true } },
          },
        },
      }),
    ).toThrow('`mesh.istio.gateway.plainHttp.port`');
  });
});
