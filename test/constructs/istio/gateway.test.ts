import { Chart, Testing } from 'cdk8s';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { Istio } from '../../../constructs/istio';
import { CLUSTER_ISSUER } from '../../fakes';
import { findObject, istioFixture, Manifest, platformNamespaces, synth } from './helpers';

describe('ingress gateway', () => {
  const fixture = istioFixture({
    gateway: { hosts: ['kubeflow.example.com', 'ml.example.com'], issuer: CLUSTER_ISSUER },
  });
  const { gateway } = fixture.istio;
  gateway.addRoute('dex', {
    namespace: 'auth',
    prefix: '/dex/',
    destination: { host: 'dex.auth.svc.cluster.local', port: 5556 },
    timeoutSeconds: 30,
  });
  const objects = synth(fixture.chart);
  const certificate = findObject(
    objects,
    'Certificate',
    'istio-system',
    'istio-ingressgateway-tls',
  );
  const gw = findObject(objects, 'Gateway', 'istio-system', 'platform-gateway');

  test('a cert-manager Certificate from the configured issuer covers every host', () => {
    expect(certificate.apiVersion).toBe('cert-manager.io/v1');
    expect(certificate.spec).toEqual({
      secretName: 'istio-ingressgateway-tls',
      dnsNames: ['kubeflow.example.com', 'ml.example.com'],
      issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
  });

  test('the Gateway serves HTTPS with the Secret the Certificate writes', () => {
    expect(gw.apiVersion).toBe('networking.istio.io/v1');
    const https = gw.spec.servers.find((s: Manifest) => s.port.protocol === 'HTTPS');
    expect(https).toEqual({
      port: { number: 443, name: 'https', protocol: 'HTTPS' },
      hosts: ['kubeflow.example.com', 'ml.example.com'],
      tls: { mode: 'SIMPLE', credentialName: certificate.spec.secretName },
    });
    expect(gateway.tlsSecretName).toBe(certificate.spec.secretName);
    // The credential must live in the gateway's namespace.
    expect(certificate.metadata.namespace).toBe(gateway.namespace);
  });

  test('plain HTTP is redirected to HTTPS', () => {
    const http = gw.spec.servers.find((s: Manifest) => s.port.protocol === 'HTTP');
    expect(http).toEqual({
      port: { number: 80, name: 'http', protocol: 'HTTP' },
      hosts: ['kubeflow.example.com', 'ml.example.com'],
      tls: { httpsRedirect: true },
    });
  });

  test('the Gateway selects the gateway pods', () => {
    const deployment = findObject(objects, 'Deployment', 'istio-system', 'istio-ingressgateway');
    expect(gw.spec.selector).toEqual({ istio: 'ingressgateway' });
    for (const [k, v] of Object.entries(gw.spec.selector)) {
      expect(deployment.spec.template.metadata.labels[k]).toBe(v);
    }
    expect(gateway.selector).toEqual(gw.spec.selector);
    expect(gateway.gatewayRef).toBe('istio-system/platform-gateway');
    expect(gateway.hosts).toEqual(['kubeflow.example.com', 'ml.example.com']);
  });

  test('binds 80 and 443 as a non-root user through the safe unprivileged-port sysctl', () => {
    const deployment = findObject(objects, 'Deployment', 'istio-system', 'istio-ingressgateway');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.sysctls).toEqual([
      { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
    ]);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    const service = findObject(objects, 'Service', 'istio-system', 'istio-ingressgateway');
    expect(service.spec.type).toBe('LoadBalancer');
    const containerPorts = pod.containers[0].ports.map((p: Manifest) => p.containerPort);
    expect(service.spec.ports.map((p: Manifest) => [p.name, p.port, p.targetPort])).toEqual([
      ['status-port', 15021, 15021],
      ['http2', 80, 80],
      ['https', 443, 443],
    ]);
    for (const p of service.spec.ports) expect(containerPorts).toContain(p.targetPort);
  });

  test('the proxy container states its user, since no injection template sets it here', () => {
    // Upstream's 1.30 gateway chart leaves runAsUser/runAsGroup to the gateway injection
    // template; this pod opts out of injection, so it must carry them itself.
    const deployment = findObject(objects, 'Deployment', 'istio-system', 'istio-ingressgateway');
    expect(deployment.spec.template.metadata.annotations['sidecar.istio.io/inject']).toBe('false');
    expect(deployment.spec.template.spec.containers[0].securityContext).toMatchObject({
      runAsUser: 1337,
      runAsGroup: 1337,
      runAsNonRoot: true,
    });
  });

  test('the gateway may read the TLS Secrets of its namespace', () => {
    const role = findObject(objects, 'Role', 'istio-system', 'istio-ingressgateway');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] },
    ]);
    const binding = findObject(objects, 'RoleBinding', 'istio-system', 'istio-ingressgateway');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'istio-ingressgateway', namespace: 'istio-system' },
    ]);
  });

  test('anyone may reach 80, 443 and the health port', () => {
    const policy = findObject(
      objects,
      'NetworkPolicy',
      'istio-system',
      'allow-istio-ingressgateway',
    );
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 443, protocol: 'TCP' },
          { port: 15021, protocol: 'TCP' },
        ],
      },
    ]);
    expect(policy.spec.podSelector.matchLabels.istio).toBe('ingressgateway');
  });

  test('a route becomes a VirtualService bound to the gateway and its hosts', () => {
    const vs = findObject(objects, 'VirtualService', 'auth', 'dex');
    expect(vs.apiVersion).toBe('networking.istio.io/v1');
    expect(vs.spec).toEqual({
      hosts: ['kubeflow.example.com', 'ml.example.com'],
      gateways: ['istio-system/platform-gateway'],
      http: [
        {
          name: 'dex',
          match: [{ uri: { prefix: '/dex/' } }],
          route: [{ destination: { host: 'dex.auth.svc.cluster.local', port: { number: 5556 } } }],
          timeout: '30s',
        },
      ],
    });
  });

  test("a route can be created in the caller's scope, with a rewrite", () => {
    const callerChart = new Chart(Testing.app(), 'caller');
    gateway.addRoute(
      'pipelines',
      {
        namespace: 'kubeflow',
        prefix: '/pipeline/',
        rewrite: '/',
        destination: { host: 'ml-pipeline-ui.kubeflow.svc.cluster.local', port: 80 },
      },
      callerChart,
    );
    const vs = findObject(Testing.synth(callerChart), 'VirtualService', 'kubeflow', 'pipelines');
    expect(vs.spec.http[0].rewrite).toEqual({ uri: '/' });
    expect(vs.spec.http[0].timeout).toBeUndefined();
  });

  test('route mistakes are reported together', () => {
    expect(() =>
      gateway.addRoute('Bad_Id', {
        namespace: 'x',
        prefix: 'dex',
        destination: { host: '', port: 0 },
      }),
    ).toThrow(
      'Gateway route "Bad_Id": the id must be a DNS label, e.g. dex (got "Bad_Id"); `prefix` must ' +
        'start with "/" (got "dex"); `destination.host` is empty; use the Service FQDN; ' +
        '`destination.port` must be from 1 to 65535 (got 0).',
    );
    expect(() =>
      gateway.addRoute('dex', {
        namespace: 'auth',
        prefix: '/dex/',
        destination: { host: 'dex.auth.svc.cluster.local', port: 5556 },
      }),
    ).toThrow('a route "dex" already exists in namespace auth; ids are object names');
  });

  test('the gateway can run in its own namespace', () => {
    const chart = new Chart(Testing.app(), 'own-namespace');
    const { namespace, cniNamespace } = platformNamespaces(chart);
    const gatewayNamespace = new PlatformNamespace(chart, 'Ingress', { name: 'istio-ingress' });
    const istio = new Istio(chart, 'Istio', {
      namespace,
      cniNamespace,
      gateway: {
        hosts: ['kubeflow.example.com'],
        issuer: CLUSTER_ISSUER,
        namespace: gatewayNamespace,
      },
    });
    const objs = Testing.synth(chart);
    findObject(objs, 'Deployment', 'istio-ingress', 'istio-ingressgateway');
    findObject(objs, 'Certificate', 'istio-ingress', 'istio-ingressgateway-tls');
    findObject(objs, 'Gateway', 'istio-ingress', 'platform-gateway');
    findObject(objs, 'NetworkPolicy', 'istio-ingress', 'allow-istio-ingressgateway');
    expect(istio.gateway.gatewayRef).toBe('istio-ingress/platform-gateway');
    expect(istio.gateway.peer.toPeer()).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } },
      podSelector: { matchLabels: { istio: 'ingressgateway' } },
    });
    // An Issuer in the gateway's own namespace is fine.
    const other = new Chart(Testing.app(), 'issuer');
    expect(
      () =>
        new Istio(other, 'Istio', {
          ...platformNamespaces(other),
          gateway: {
            hosts: ['kubeflow.example.com'],
            namespace: new PlatformNamespace(other, 'Ingress', { name: 'istio-ingress' }),
            issuer: {
              issuerRef: { name: 'ca', kind: 'Issuer', group: 'cert-manager.io' },
              namespace: 'istio-ingress',
            },
          },
        }),
    ).not.toThrow();
  });

  test('a namespaced Issuer elsewhere cannot sign the gateway certificate', () => {
    expect(() =>
      istioFixture({
        gateway: {
          hosts: ['kubeflow.example.com'],
          issuer: {
            issuerRef: { name: 'team-ca', kind: 'Issuer', group: 'cert-manager.io' },
            namespace: 'cert-manager',
          },
        },
      }),
    ).toThrow(
      '`gateway.issuer` is the namespaced Issuer "team-ca" in namespace cert-manager, but the ' +
        'gateway certificate lives in istio-system (got kind Issuer). Use a ClusterIssuer or an ' +
        'Issuer in istio-system.',
    );
  });

  test('host names are validated before anything is built', () => {
    expect(() =>
      istioFixture({
        gateway: { hosts: ['Kubeflow', 'a.example.com', 'a.example.com'], issuer: CLUSTER_ISSUER },
      }),
    ).toThrow(
      'Istio: \n' +
        '- `gateway.hosts[0]` is not a fully qualified host name (got "Kubeflow"). Use a ' +
        'lower-case DNS name such as kubeflow.example.com (a leading *. is allowed).\n' +
        '- `gateway.hosts` lists "a.example.com" twice. List every host once.',
    );
    expect(() => istioFixture({ gateway: { hosts: [], issuer: CLUSTER_ISSUER } })).toThrow(
      '`gateway.hosts` is empty. Name at least one host, e.g. kubeflow.example.com.',
    );
  });

  test('HTTP can be served without the redirect, e.g. for ACME HTTP-01', () => {
    const objs = synth(
      istioFixture({
        gateway: { hosts: ['kubeflow.example.com'], issuer: CLUSTER_ISSUER, httpsRedirect: false },
      }).chart,
    );
    const http = findObject(objs, 'Gateway', 'istio-system', 'platform-gateway').spec.servers[0];
    expect(http.tls).toBeUndefined();
  });
});
