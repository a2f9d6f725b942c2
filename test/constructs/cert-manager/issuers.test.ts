import { Chart, Testing } from 'cdk8s';
import {
  AcmeSolver,
  AzureDnsAuth,
  Dns01Provider,
  LETS_ENCRYPT_PRODUCTION,
  LETS_ENCRYPT_STAGING,
  PlatformIssuer,
  allowAcmeHttp01Solvers,
} from '../../../constructs/cert-manager';
import { Layer } from '../../../constructs/core/layers';
import { NetworkPeer } from '../../../constructs/core/network';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { LayeredApp, Manifest, Objects } from './helpers';

const CONTEXT = { clusterResourceNamespace: 'cert-manager' };

function bind(issuer: PlatformIssuer) {
  const chart = Testing.chart();
  const bound = issuer.bind(chart, 'Issuer', CONTEXT);
  return { bound, objects: new Objects(Testing.synth(chart) as Manifest[]) };
}

const specOf = (issuer: PlatformIssuer, name: string): Manifest =>
  bind(issuer).objects.find('ClusterIssuer', undefined, name).spec;

const solverOf = (solver: AcmeSolver): Manifest =>
  specOf(PlatformIssuer.acme({ email: 'ops@example.com', solvers: [solver] }), 'platform-acme').acme
    .solvers[0];

const ref = (name: string, key: string) => ({ name, key });

describe('PlatformIssuer', () => {
  test('selfSigned: one self-signed ClusterIssuer', () => {
    const { bound, objects } = bind(PlatformIssuer.selfSigned());
    expect(objects.all).toHaveLength(1);
    const issuer = objects.find('ClusterIssuer', undefined, 'platform-selfsigned');
    expect(issuer.apiVersion).toBe('cert-manager.io/v1');
    expect(issuer.spec).toEqual({ selfSigned: {} });
    expect(bound.type).toBe('selfSigned');
    expect(bound.issuerRef).toEqual({
      name: 'platform-selfsigned',
      kind: 'ClusterIssuer',
      group: 'cert-manager.io',
    });
    expect(bound.namespace).toBeUndefined();
  });

  test('ca: a CA ClusterIssuer over your key pair Secret, trusted by its ca.crt', () => {
    const { bound, objects } = bind(PlatformIssuer.ca({ secretName: 'corp-ca' }));
    expect(objects.all).toHaveLength(1);
    expect(objects.find('ClusterIssuer', undefined, 'platform-ca').spec).toEqual({
      ca: { secretName: 'corp-ca' },
    });
    expect(bound.trustAnchor).toEqual({ namespace: 'cert-manager', secretName: 'corp-ca' });
    expect(objects.ofKind('Secret')).toEqual([]);
  });

  test('platformCa: bootstrap issuer -> root CA Certificate in cert-manager -> CA ClusterIssuer', () => {
    const { bound, objects } = bind(PlatformIssuer.platformCa());
    expect(objects.all.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Certificate/platform-ca-root',
      'ClusterIssuer/platform-ca',
      'ClusterIssuer/platform-ca-bootstrap',
    ]);
    expect(objects.find('ClusterIssuer', undefined, 'platform-ca-bootstrap').spec).toEqual({
      selfSigned: {},
    });
    const root = objects.find('Certificate', 'cert-manager', 'platform-ca-root');
    expect(root.spec).toEqual({
      secretName: 'platform-ca-root',
      issuerRef: { name: 'platform-ca-bootstrap', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      commonName: 'mlops-platform root CA',
      isCA: true,
      duration: '87600h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Never' },
    });
    expect(objects.find('ClusterIssuer', undefined, 'platform-ca').spec).toEqual({
      ca: { secretName: 'platform-ca-root' },
    });
    expect(bound.issuerRef.name).toBe('platform-ca');
    expect(bound.trustAnchor).toEqual({
      namespace: 'cert-manager',
      secretName: 'platform-ca-root',
    });
  });

  test('platformCa needs the cert-manager install to place its root', () => {
    expect(() => PlatformIssuer.platformCa().bind(Testing.chart(), 'Issuer')).toThrow(
      'PlatformIssuer.platformCa() needs a bind context (got none). Bind it with the CertManager (or { clusterResourceNamespace }) so the root CA is placed where cert-manager reads it.',
    );
  });

  test('acme: email, server, account key Secret and solvers', () => {
    const spec = specOf(
      PlatformIssuer.acme({
        email: 'ops@example.com',
        solvers: [AcmeSolver.http01()],
      }),
      'platform-acme',
    );
    expect(spec).toEqual({
      acme: {
        email: 'ops@example.com',
        server: LETS_ENCRYPT_PRODUCTION,
        privateKeySecretRef: { name: 'platform-acme-account-key' },
        solvers: [
          {
            http01: {
              ingress: {
                class: 'istio',
                serviceType: 'ClusterIP',
                podTemplate: { metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } } },
              },
            },
          },
        ],
      },
    });
    const staging = specOf(
      PlatformIssuer.acme({
        name: 'letsencrypt-staging',
        email: 'ops@example.com',
        server: LETS_ENCRYPT_STAGING,
        solvers: [AcmeSolver.http01()],
        preferredChain: 'ISRG Root X1',
        externalAccountBinding: { keyID: 'kid', keySecretRef: ref('eab', 'secret') },
      }),
      'letsencrypt-staging',
    );
    expect(staging.acme).toMatchObject({
      server: LETS_ENCRYPT_STAGING,
      privateKeySecretRef: { name: 'letsencrypt-staging-account-key' },
      preferredChain: 'ISRG Root X1',
      externalAccountBinding: { keyID: 'kid', keySecretRef: { name: 'eab', key: 'secret' } },
    });
  });

  test('acme http01: an ingressClassName, NodePort and a sidecar on request', () => {
    expect(
      solverOf(
        AcmeSolver.http01({
          ingressClassName: 'nginx',
          serviceType: 'NodePort',
          meshSidecar: true,
          dnsZones: ['example.com'],
        }),
      ),
    ).toEqual({
      selector: { dnsZones: ['example.com'] },
      http01: { ingress: { ingressClassName: 'nginx', serviceType: 'NodePort' } },
    });
    expect(() => AcmeSolver.http01({ ingressClass: 'istio', ingressClassName: 'istio' })).toThrow(
      '`http01` has both ingressClass and ingressClassName (got both). cert-manager accepts only one; use ingressClass for Istio.',
    );
  });

  test.each([
    [
      'cloudflare',
      Dns01Provider.cloudflare({ apiTokenSecretRef: ref('cloudflare', 'api-token') }),
      { cloudflare: { apiTokenSecretRef: { name: 'cloudflare', key: 'api-token' } } },
    ],
    [
      'route53 with an access key',
      Dns01Provider.route53({
        region: 'eu-west-1',
        hostedZoneID: 'Z123',
        accessKeyIDSecretRef: ref('aws', 'access-key-id'),
        secretAccessKeySecretRef: ref('aws', 'secret-access-key'),
      }),
      {
        route53: {
          region: 'eu-west-1',
          hostedZoneID: 'Z123',
          accessKeyIDSecretRef: { name: 'aws', key: 'access-key-id' },
          secretAccessKeySecretRef: { name: 'aws', key: 'secret-access-key' },
        },
      },
    ],
    [
      'route53 with ambient credentials and a role',
      Dns01Provider.route53({ role: 'arn:aws:iam::1:role/dns' }),
      { route53: { role: 'arn:aws:iam::1:role/dns' } },
    ],
    [
      'route53 with a ServiceAccount token',
      Dns01Provider.route53({ serviceAccountRef: { name: 'cert-manager', audiences: ['sts'] } }),
      {
        route53: {
          auth: { kubernetes: { serviceAccountRef: { name: 'cert-manager', audiences: ['sts'] } } },
        },
      },
    ],
    [
      'cloudDNS',
      Dns01Provider.cloudDns({
        project: 'my-project',
        serviceAccountSecretRef: ref('clouddns', 'key.json'),
      }),
      {
        cloudDNS: {
          project: 'my-project',
          serviceAccountSecretRef: { name: 'clouddns', key: 'key.json' },
        },
      },
    ],
    [
      'azureDNS with a managed identity',
      Dns01Provider.azureDns({
        subscriptionID: 'sub',
        resourceGroupName: 'rg',
        hostedZoneName: 'example.com',
        auth: AzureDnsAuth.managedIdentity({ clientID: 'client' }),
      }),
      {
        azureDNS: {
          subscriptionID: 'sub',
          resourceGroupName: 'rg',
          hostedZoneName: 'example.com',
          managedIdentity: { clientID: 'client' },
        },
      },
    ],
    [
      'azureDNS with a service principal',
      Dns01Provider.azureDns({
        subscriptionID: 'sub',
        resourceGroupName: 'rg',
        environment: 'AzureChinaCloud',
        auth: AzureDnsAuth.servicePrincipal({
          clientID: 'client',
          tenantID: 'tenant',
          clientSecretSecretRef: ref('azure', 'client-secret'),
        }),
      }),
      {
        azureDNS: {
          subscriptionID: 'sub',
          resourceGroupName: 'rg',
          environment: 'AzureChinaCloud',
          clientID: 'client',
          tenantID: 'tenant',
          clientSecretSecretRef: { name: 'azure', key: 'client-secret' },
        },
      },
    ],
    [
      'azureDNS in a private zone (v1.20)',
      Dns01Provider.azureDns({
        subscriptionID: 'sub',
        resourceGroupName: 'rg',
        zoneType: 'AzurePrivateZone',
        auth: AzureDnsAuth.managedIdentity(),
      }),
      {
        azureDNS: {
          subscriptionID: 'sub',
          resourceGroupName: 'rg',
          zoneType: 'AzurePrivateZone',
          managedIdentity: {},
        },
      },
    ],
  ])('acme dns01 %s renders the upstream provider keys', (_name, provider, expected) => {
    expect(solverOf(AcmeSolver.dns01(provider))).toEqual({ dns01: expected });
  });

  test('acme dns01 with a selector and CNAME following', () => {
    const provider = Dns01Provider.cloudflare({ apiTokenSecretRef: ref('cf', 'token') });
    expect(
      solverOf(
        AcmeSolver.dns01(provider, { dnsNames: ['*.example.com'], cnameStrategy: 'Follow' }),
      ),
    ).toEqual({
      selector: { dnsNames: ['*.example.com'] },
      dns01: {
        cnameStrategy: 'Follow',
        cloudflare: { apiTokenSecretRef: { name: 'cf', key: 'token' } },
      },
    });
  });

  test('route53 credentials are whole and of one kind', () => {
    expect(() => Dns01Provider.route53({ accessKeyIDSecretRef: ref('aws', 'id') })).toThrow(
      '`route53` has only one half of an access key (got accessKeyIDSecretRef or secretAccessKeySecretRef alone). Give both, or neither to use ambient credentials.',
    );
    expect(() =>
      Dns01Provider.route53({
        accessKeyIDSecretRef: ref('aws', 'id'),
        secretAccessKeySecretRef: ref('aws', 'secret'),
        serviceAccountRef: { name: 'cert-manager' },
      }),
    ).toThrow('`route53` has both an access key and a serviceAccountRef (got both).');
    expect(() => Dns01Provider.cloudDns({ project: ' ' })).toThrow(
      '`cloudDns.project` is empty (got ""). Give the Google Cloud project ID.',
    );
  });

  test('acme rejects a bad email, a non-https server and no solvers, all at once', () => {
    expect(() =>
      PlatformIssuer.acme({ email: 'admin', server: 'http://acme.local/directory', solvers: [] }),
    ).toThrow(
      [
        'PlatformIssuer.acme: ',
        '- `email` is not an email address (got "admin"). Use a full address such as ops@example.com.',
        `- \`server\` is not an https URL (got "http://acme.local/directory"). Use the CA's ACME directory, such as ${LETS_ENCRYPT_PRODUCTION}.`,
        '- `solvers` is empty (got []). Give at least one, such as AcmeSolver.http01() or AcmeSolver.dns01(...).',
      ].join('\n'),
    );
  });

  test('names are checked when the issuer is chosen', () => {
    expect(() => PlatformIssuer.ca({ secretName: 'Corp_CA' })).toThrow(
      'PlatformIssuer.ca: `secretName` is not a Kubernetes object name (got "Corp_CA").',
    );
    expect(() => PlatformIssuer.external('')).toThrow('`clusterIssuerName`');
  });

  test('external: creates nothing and references the named ClusterIssuer', () => {
    const { bound, objects } = bind(PlatformIssuer.external('corp-issuer'));
    expect(objects.all).toEqual([]);
    expect(bound.type).toBe('external');
    expect(bound.clusterIssuer).toBeUndefined();
    expect(bound.issuerRef).toEqual({
      name: 'corp-issuer',
      kind: 'ClusterIssuer',
      group: 'cert-manager.io',
    });
    const pca = PlatformIssuer.external('aws-pca', { group: 'awspca.cert-manager.io' }).bind(
      Testing.chart(),
      'Issuer',
    );
    expect(pca.issuerRef.group).toBe('awspca.cert-manager.io');
  });

  test('bound in a platform, issuers and their root certificate land in infrastructure-config', () => {
    const platform = new LayeredApp();
    PlatformIssuer.platformCa().bind(platform.chartFor(Layer.INFRASTRUCTURE), 'Issuer', CONTEXT);
    expect(platform.objectsIn(Layer.INFRASTRUCTURE).all).toEqual([]);
    expect(platform.objectsIn(Layer.INFRASTRUCTURE_CONFIG).all).toHaveLength(3);
  });
});

describe('allowAcmeHttp01Solvers', () => {
  test('lets the gateway reach the solver pods on 8089', () => {
    const chart = new Chart(Testing.app(), 'Test');
    const namespace = new PlatformNamespace(chart, 'Ns', { name: 'istio-system' });
    const gateway = NetworkPeer.sameNamespace({ istio: 'ingressgateway' });
    allowAcmeHttp01Solvers(namespace, gateway);
    const policy = new Objects(Testing.synth(chart) as Manifest[]).find(
      'NetworkPolicy',
      'istio-system',
      'allow-acme-http01-solver',
    );
    expect(policy.spec.podSelector).toEqual({
      matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' },
    });
    expect(policy.spec.ingress).toEqual([
      { from: [gateway.toPeer()], ports: [{ port: 8089, protocol: 'TCP' }] },
    ]);
  });
});
