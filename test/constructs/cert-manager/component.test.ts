import { EnvironmentConfig } from '../../../stacks/config/schema';
import { allObjects, findObject, objectsOfKind, renderEnv } from '../../helpers';

type Issuer = NonNullable<EnvironmentConfig['tls']>['issuer'];
const env = (issuer: Issuer, extra: Partial<EnvironmentConfig> = {}): EnvironmentConfig => ({
  name: 'e',
  preset: 'dev',
  tls: { issuer },
  ...extra,
});
const ref = (name: string, key: string) => ({ name, key });

describe('tls.issuer becomes the platform issuer', () => {
  test('selfSigned: a platform root CA signed by a bootstrap issuer, and a CA ClusterIssuer', () => {
    const objects = allObjects(renderEnv(env({ type: 'selfSigned' })));
    expect(findObject(objects, 'ClusterIssuer', undefined, 'platform-ca-bootstrap').spec).toEqual({
      selfSigned: {},
    });
    const root = findObject(objects, 'Certificate', 'cert-manager', 'platform-ca-root');
    expect(root.spec).toMatchObject({
      isCA: true,
      issuerRef: { name: 'platform-ca-bootstrap', kind: 'ClusterIssuer' },
    });
    expect(findObject(objects, 'ClusterIssuer', undefined, 'platform-ca').spec).toEqual({
      ca: { secretName: root.spec.secretName },
    });
  });

  test('ca: your CA Secret, which the install script checks for', () => {
    const r = renderEnv(env({ type: 'ca', secretName: 'corp-ca' }));
    expect(findObject(allObjects(r), 'ClusterIssuer', undefined, 'platform-ca').spec).toEqual({
      ca: { secretName: 'corp-ca' },
    });
    expect(r.requiredSecrets).toContainEqual({
      namespace: 'cert-manager',
      name: 'corp-ca',
      keys: ['tls.crt', 'tls.key'],
      purpose: 'cert-manager ca issuer',
    });
  });

  test('acme http01: solved through the Istio ingress class', () => {
    const objects = allObjects(
      renderEnv(env({ type: 'acme', email: 'ops@example.com', solver: { type: 'http01' } })),
    );
    const spec = findObject(objects, 'ClusterIssuer', undefined, 'platform-acme').spec.acme;
    expect(spec.email).toBe('ops@example.com');
    expect(spec.server).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect(spec.solvers[0].http01.ingress.class).toBe('istio');
  });

  test.each([
    [
      { type: 'cloudflare', apiToken: ref('cf', 'token') },
      { cloudflare: { apiTokenSecretRef: { name: 'cf', key: 'token' } } },
      [['cf', ['token']]],
    ],
    [
      {
        type: 'route53',
        region: 'eu-west-1',
        accessKeyID: ref('aws', 'id'),
        secretAccessKey: ref('aws', 'secret'),
      },
      {
        route53: {
          region: 'eu-west-1',
          accessKeyIDSecretRef: { name: 'aws', key: 'id' },
          secretAccessKeySecretRef: { name: 'aws', key: 'secret' },
        },
      },
      [['aws', ['id', 'secret']]],
    ],
    [{ type: 'route53', region: 'eu-west-1' }, { route53: { region: 'eu-west-1' } }, []],
    [
      { type: 'clouddns', project: 'p1', serviceAccount: ref('gcp', 'key.json') },
      { cloudDNS: { project: 'p1', serviceAccountSecretRef: { name: 'gcp', key: 'key.json' } } },
      [['gcp', ['key.json']]],
    ],
    [
      {
        type: 'azuredns',
        subscriptionID: 's',
        resourceGroupName: 'rg',
        auth: {
          type: 'servicePrincipal',
          clientID: 'c',
          tenantID: 't',
          clientSecret: ref('az', 'secret'),
        },
      },
      {
        azureDNS: {
          subscriptionID: 's',
          resourceGroupName: 'rg',
          clientID: 'c',
          tenantID: 't',
          clientSecretSecretRef: { name: 'az', key: 'secret' },
        },
      },
      [['az', ['secret']]],
    ],
    [
      {
        type: 'azuredns',
        subscriptionID: 's',
        resourceGroupName: 'rg',
        auth: { type: 'managedIdentity', clientID: 'mi' },
      },
      {
        azureDNS: {
          subscriptionID: 's',
          resourceGroupName: 'rg',
          managedIdentity: { clientID: 'mi' },
        },
      },
      [],
    ],
  ])(
    'acme dns01 %j renders the upstream keys and requires its Secrets',
    (provider, expected, secrets) => {
      const r = renderEnv(
        env({
          type: 'acme',
          email: 'ops@example.com',
          solver: { type: 'dns01', provider },
        } as Issuer),
      );
      const solver = findObject(allObjects(r), 'ClusterIssuer', undefined, 'platform-acme').spec
        .acme.solvers[0];
      expect(solver.dns01).toEqual(expected);
      expect(r.requiredSecrets.map((s) => [s.name, s.keys])).toEqual(secrets);
    },
  );

  test('external cert-manager: nothing of cert-manager is installed, its CRDs are required', () => {
    const r = renderEnv(
      env(
        { type: 'external', clusterIssuer: 'corp-issuer' },
        { certManager: { mode: 'external' } },
      ),
    );
    const objects = allObjects(r);
    // Only the platform's in-cluster CA for webhook certificates: its root lives where the
    // cluster's cert-manager reads ClusterIssuer Secrets, a namespace the install requires.
    expect(
      objects
        .filter(
          (o) => o.metadata.namespace === 'cert-manager' || o.metadata.name === 'cert-manager',
        )
        .map((o) => `${o.kind}/${o.metadata.name}`),
    ).toEqual(['Certificate/platform-service-ca-root']);
    expect(r.requiredNamespaces.map((n) => n.name)).toContain('cert-manager');
    expect(
      objectsOfKind(objects, 'CustomResourceDefinition').filter((c) =>
        c.spec.group.includes('cert-manager'),
      ),
    ).toEqual([]);
    expect(objectsOfKind(objects, 'ClusterIssuer').map((i) => i.metadata.name)).toEqual([
      'platform-service-ca-bootstrap',
      'platform-service-ca',
    ]);
    expect(r.requiredCrds.map((c) => c.name)).toEqual([
      'certificates.cert-manager.io',
      'clusterissuers.cert-manager.io',
    ]);
  });

  test('the cert-manager namespace is restricted and not meshed', () => {
    const ns = findObject(allObjects(renderEnv()), 'Namespace', undefined, 'cert-manager');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    expect(ns.metadata.labels).not.toHaveProperty('istio-injection');
  });
});
