import { parse } from 'yaml';
import { NetworkPeer } from '../../../constructs/core/network';
import { AccessLogging } from '../../../constructs/istio';
import { findObject, istioFixture, Manifest, synth } from './helpers';

const OAUTH2_PROXY = {
  name: 'oauth2-proxy',
  service: 'oauth2-proxy.oauth2-proxy.svc.cluster.local',
  port: 4180,
  includeRequestHeadersInCheck: ['authorization', 'cookie'],
  headersToUpstreamOnAllow: ['authorization', 'x-auth-request-email'],
  headersToDownstreamOnDeny: ['content-type', 'set-cookie'],
};

function meshOf(objects: Manifest[], name = 'istio'): Manifest {
  return parse(findObject(objects, 'ConfigMap', 'istio-system', name).data.mesh);
}

describe('mesh policy and configuration', () => {
  test('mutual TLS is STRICT mesh-wide: a selector-less PeerAuthentication in the root namespace', () => {
    const objects = synth(istioFixture().chart);
    const pa = findObject(objects, 'PeerAuthentication', 'istio-system', 'default');
    expect(pa.apiVersion).toBe('security.istio.io/v1');
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
    const permissive = synth(istioFixture({ mutualTls: 'PERMISSIVE' }).chart);
    expect(
      findObject(permissive, 'PeerAuthentication', 'istio-system', 'default').spec.mtls.mode,
    ).toBe('PERMISSIVE');
  });

  test('the mesh config names the root namespace, trust domain and discovery address', () => {
    const mesh = meshOf(synth(istioFixture({ trustDomain: 'ml.example.com' }).chart));
    expect(mesh).toEqual({
      defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
      defaultProviders: { metrics: ['prometheus'] },
      enablePrometheusMerge: true,
      rootNamespace: 'istio-system',
      trustDomain: 'ml.example.com',
    });
  });

  test('access logging goes to standard output when asked', () => {
    const mesh = meshOf(synth(istioFixture({ accessLogging: AccessLogging.stdout('JSON') }).chart));
    expect(mesh.accessLogFile).toBe('/dev/stdout');
    expect(mesh.accessLogEncoding).toBe('JSON');
  });

  test('addExtensionProvider after construction shows up in the mesh config', () => {
    const { chart, istio } = istioFixture({
      extensionProviders: [{ name: 'zz-opa', service: 'opa.opa.svc.cluster.local', port: 9191 }],
    });
    istio.addExtensionProvider(OAUTH2_PROXY);
    const mesh = meshOf(synth(chart));
    expect(mesh.extensionProviders).toEqual([
      {
        name: 'oauth2-proxy',
        envoyExtAuthzHttp: {
          service: 'oauth2-proxy.oauth2-proxy.svc.cluster.local',
          port: 4180,
          includeRequestHeadersInCheck: ['authorization', 'cookie'],
          headersToUpstreamOnAllow: ['authorization', 'x-auth-request-email'],
          headersToDownstreamOnDeny: ['content-type', 'set-cookie'],
        },
      },
      // Sorted by name, whatever the registration order.
      { name: 'zz-opa', envoyExtAuthzHttp: { service: 'opa.opa.svc.cluster.local', port: 9191 } },
    ]);
  });

  test('the mesh config is the same for the same providers in any order', () => {
    const a = istioFixture();
    a.istio.addExtensionProvider(OAUTH2_PROXY);
    a.istio.addExtensionProvider({ name: 'b', service: 'b.b.svc.cluster.local', port: 1 });
    const b = istioFixture();
    b.istio.addExtensionProvider({ name: 'b', service: 'b.b.svc.cluster.local', port: 1 });
    b.istio.addExtensionProvider(OAUTH2_PROXY);
    expect(synth(a.chart)).toEqual(synth(b.chart));
  });

  test('extension providers are validated', () => {
    const { istio } = istioFixture();
    istio.addExtensionProvider(OAUTH2_PROXY);
    expect(() => istio.addExtensionProvider(OAUTH2_PROXY)).toThrow(
      'Mesh extension provider: `name` "oauth2-proxy" is already registered. Give every extension provider its own name.',
    );
    expect(() => istio.addExtensionProvider({ name: 'X', service: ' ', port: 70000 })).toThrow(
      'Mesh extension provider: \n' +
        '- `name` must be a lower-case DNS label (got "X"). Use a name such as oauth2-proxy.\n' +
        '- `service` is empty. Use the FQDN of the authorization service, e.g. ' +
        'oauth2-proxy.oauth2-proxy.svc.cluster.local.\n' +
        '- `port` must be a port number from 1 to 65535 (got 70000).',
    );
  });

  test('IMesh: root namespace, injection labels and the control plane peer', () => {
    const { istio } = istioFixture();
    expect(istio.rootNamespace).toBe('istio-system');
    expect(istio.injectionLabels).toEqual({ 'istio-injection': 'enabled' });
    expect(istio.controlPlanePeer.toPeer()).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
      podSelector: { matchLabels: istio.istiod.selector },
    });
    expect(istioFixture({ revision: 'stable' }).istio.injectionLabels).toEqual({
      'istio.io/rev': 'stable',
    });
  });

  test('the API server may call the webhooks and every namespace may reach xDS', () => {
    const objects = synth(istioFixture().chart);
    const webhooks = findObject(objects, 'NetworkPolicy', 'istio-system', 'allow-istiod-webhooks');
    expect(webhooks.spec.ingress).toEqual([
      {
        from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
        ports: [{ port: 15017, protocol: 'TCP' }],
      },
    ]);
    const xds = findObject(objects, 'NetworkPolicy', 'istio-system', 'allow-istiod-xds');
    expect(xds.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }],
            },
          },
        ],
        ports: [{ port: 15012, protocol: 'TCP' }],
      },
    ]);
    const istiod = findObject(objects, 'Deployment', 'istio-system', 'istiod');
    for (const policy of [webhooks, xds]) {
      expect(policy.spec.podSelector.matchLabels).toEqual(istiod.spec.selector.matchLabels);
    }
  });

  test('the allowed peers can be narrowed', () => {
    const objects = synth(
      istioFixture({
        apiServerPeers: [NetworkPeer.ipBlock('10.0.0.0/24')],
        xdsClients: [NetworkPeer.namespacesWithLabel('istio-injection')],
      }).chart,
    );
    expect(
      findObject(objects, 'NetworkPolicy', 'istio-system', 'allow-istiod-webhooks').spec.ingress[0]
        .from,
    ).toEqual([{ ipBlock: { cidr: '10.0.0.0/24' } }]);
    expect(
      findObject(objects, 'NetworkPolicy', 'istio-system', 'allow-istiod-xds').spec.ingress[0].from,
    ).toEqual([
      { namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'Exists' }] } },
    ]);
  });

  test('configuration mistakes are reported together', () => {
    expect(() => istioFixture({ revision: 'default', trustDomain: 'Not A Domain' })).toThrow(
      'Istio: \n' +
        '- `revision` "default" names the default revision (got "default"). Leave revision unset instead.\n' +
        '- `trustDomain` is not a DNS name (got "Not A Domain"). Use e.g. cluster.local or example.com.',
    );
  });
});
