import { Duration, Testing } from 'cdk8s';
import { Certificate, PrivateKey } from '../../../constructs/cert-manager';
import { ICertificateIssuer } from '../../../constructs/core/certificates';
import { Layer } from '../../../constructs/core/layers';
import { CLUSTER_ISSUER } from '../../fakes';
import { LayeredApp, Manifest, Objects } from './helpers';

function certificate(props: Partial<ConstructorParameters<typeof Certificate>[2]> = {}) {
  const chart = Testing.chart();
  const cert = new Certificate(chart, 'Tls', {
    issuer: CLUSTER_ISSUER,
    namespace: 'istio-system',
    secretName: 'gateway-tls',
    dnsNames: ['kubeflow.example.com'],
    ...props,
  });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  return { cert, manifest: objects.find('Certificate', cert.namespace, cert.name) };
}

describe('Certificate', () => {
  test('defaults: named after its Secret, the issuer by reference, an ECDSA P-256 key rotated on renewal', () => {
    const { cert, manifest } = certificate();
    expect(cert.name).toBe('gateway-tls');
    expect(cert.issuerRef).toBe(CLUSTER_ISSUER.issuerRef);
    expect(manifest.apiVersion).toBe('cert-manager.io/v1');
    expect(manifest.spec).toEqual({
      secretName: 'gateway-tls',
      issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      dnsNames: ['kubeflow.example.com'],
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    });
  });

  test('renders lifetime, key, usages and Secret template with upstream keys', () => {
    const { manifest } = certificate({
      name: 'gateway',
      commonName: 'kubeflow.example.com',
      ipAddresses: ['10.0.0.1'],
      duration: Duration.days(30),
      renewBefore: Duration.minutes(90),
      privateKey: PrivateKey.rsa(4096),
      rotationPolicy: 'Never',
      usages: ['server auth', 'digital signature'],
      secretTemplate: { labels: { team: 'platform' }, annotations: { note: 'tls' } },
    });
    expect(manifest.metadata.name).toBe('gateway');
    expect(manifest.spec).toMatchObject({
      commonName: 'kubeflow.example.com',
      ipAddresses: ['10.0.0.1'],
      duration: '720h',
      renewBefore: '90m',
      privateKey: { algorithm: 'RSA', size: 4096, rotationPolicy: 'Never' },
      usages: ['server auth', 'digital signature'],
      secretTemplate: { labels: { team: 'platform' }, annotations: { note: 'tls' } },
    });
    expect(certificate({ privateKey: PrivateKey.ed25519() }).manifest.spec.privateKey).toEqual({
      algorithm: 'Ed25519',
      rotationPolicy: 'Always',
    });
  });

  test('a namespaced Issuer is referenced as one, in its own namespace only', () => {
    const issuer: ICertificateIssuer = {
      issuerRef: { name: 'local', kind: 'Issuer', group: 'cert-manager.io' },
      namespace: 'team-a',
    };
    const { manifest } = certificate({ issuer, namespace: 'team-a' });
    expect(manifest.spec.issuerRef).toEqual({
      name: 'local',
      kind: 'Issuer',
      group: 'cert-manager.io',
    });
    expect(() => certificate({ issuer })).toThrow(
      "`issuer` is an Issuer of namespace team-a (got a Certificate in istio-system). Use a ClusterIssuer or an Issuer of the Certificate's namespace.",
    );
  });

  test('invalid requests fail together with their fix', () => {
    expect(() =>
      certificate({
        dnsNames: [],
        secretName: 'Gateway_TLS',
        duration: Duration.minutes(30),
        renewBefore: Duration.minutes(1),
        layer: Layer.INFRASTRUCTURE,
      }),
    ).toThrow(
      [
        'Certificate istio-system/Gateway_TLS: ',
        "- `name` is not a Kubernetes object name (got \"Gateway_TLS\"). Use lower-case letters, digits, '-' and '.', such as platform-ca.",
        "- `secretName` is not a Kubernetes object name (got \"Gateway_TLS\"). Use lower-case letters, digits, '-' and '.', such as platform-ca.",
        "- `dnsNames` is empty and no `commonName`, `ipAddresses` or `uris` is given (got nothing to certify). Name at least one host, such as dnsNames: ['kubeflow.example.com'].",
        '- `duration` is shorter than one hour (got 30m). Use Duration.hours(1) or more.',
        '- `renewBefore` is shorter than five minutes (got 1m). Use Duration.minutes(5) or more.',
        "- `layer` is before cert-manager's webhook runs (got infrastructure). Use Layer.INFRASTRUCTURE_CONFIG or a later layer.",
      ].join('\n'),
    );
    expect(() => certificate({ renewBefore: Duration.days(90) })).toThrow(
      '`renewBefore` is not shorter than the lifetime (got 2160h).',
    );
  });

  test('goes to the infrastructure-config layer by default, or the layer asked for', () => {
    const platform = new LayeredApp();
    const props = {
      issuer: CLUSTER_ISSUER,
      namespace: 'istio-system',
      secretName: 'gateway-tls',
      dnsNames: ['kubeflow.example.com'],
    };
    new Certificate(platform.chartFor(Layer.INFRASTRUCTURE), 'Gateway', props);
    new Certificate(platform.chartFor(Layer.PLATFORM_CONTROLLERS), 'Tenant', {
      ...props,
      namespace: 'team-a',
      layer: Layer.TENANTS,
    });
    expect(platform.objectsIn(Layer.INFRASTRUCTURE).all).toEqual([]);
    expect(
      platform
        .objectsIn(Layer.INFRASTRUCTURE_CONFIG)
        .find('Certificate', 'istio-system', 'gateway-tls'),
    ).toBeDefined();
    expect(
      platform.objectsIn(Layer.TENANTS).find('Certificate', 'team-a', 'gateway-tls'),
    ).toBeDefined();
  });
});
