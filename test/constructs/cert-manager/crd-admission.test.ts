import { Testing } from 'cdk8s';
import {
  AcmeSolver,
  AzureDnsAuth,
  Certificate,
  Dns01Provider,
  PlatformIssuer,
} from '../../../constructs/cert-manager';
import { CLUSTER_ISSUER } from '../../fakes';
import { Manifest, Objects, buildCertManager } from './helpers';
import { admissionProblems, applyDefaults } from './schema-walk';

const crds = buildCertManager().objects().ofKind('CustomResourceDefinition');
const schemaFor = (kind: string): Manifest => {
  const crd = crds.find((c) => c.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${kind}`);
  return crd.spec.versions[0].schema.openAPIV3Schema;
};
/** What the API server stores: the object with the CRD's defaults applied. */
const admit = (o: Manifest): Manifest => applyDefaults(o, schemaFor(o.kind as string)) as Manifest;

const ref = (name: string, key: string) => ({ name, key });

describe('the API server with our cert-manager CRDs', () => {
  test('fills in upstream defaults inside an ACME solver', () => {
    const solver = {
      http01: {
        gatewayHTTPRoute: {
          parentRefs: [{ name: 'platform-gateway', namespace: 'istio-system' }],
          podTemplate: { spec: { imagePullSecrets: [{}] } },
        },
      },
    };
    const issuer = admit({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'acme' },
      spec: {
        acme: {
          server: 'https://acme.example.com/directory',
          privateKeySecretRef: { name: 'acme-key' },
          solvers: [solver],
        },
      },
    });
    const route = issuer.spec.acme.solvers[0].http01.gatewayHTTPRoute;
    expect(route.parentRefs).toEqual([
      {
        name: 'platform-gateway',
        namespace: 'istio-system',
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
      },
    ]);
    expect(route.podTemplate.spec.imagePullSecrets).toEqual([{ name: '' }]);
    expect(admissionProblems(issuer, schemaFor('ClusterIssuer'))).toEqual([]);

    // A Challenge copies its issuer's solver and gets the same defaults.
    const challenge = admit({ kind: 'Challenge', spec: { solver } });
    expect(challenge.spec.solver.http01.gatewayHTTPRoute.parentRefs[0].kind).toBe('Gateway');
  });

  test("leaves a Certificate's issuerRef kind and group to the controller, as upstream does", () => {
    const certificate = admit({
      kind: 'Certificate',
      spec: { secretName: 'tls', issuerRef: { name: 'platform-ca' } },
    });
    expect(certificate.spec.issuerRef).toEqual({ name: 'platform-ca' });
    expect(certificate.spec.privateKey).toBeUndefined();
  });

  test('rejects what upstream rejects: a value outside an enum, a missing required field', () => {
    const issuer = {
      kind: 'Issuer',
      metadata: { name: 'x' },
      spec: {
        acme: {
          server: 'https://acme.example.com/directory',
          privateKeySecretRef: { name: 'k' },
          solvers: [
            {
              dns01: {
                azureDNS: { subscriptionID: 's', zoneType: 'AzureSecretZone' },
                unknownProvider: {},
              },
            },
          ],
        },
      },
    };
    expect(admissionProblems(issuer, schemaFor('Issuer'))).toEqual([
      'spec.acme.solvers[0].dns01.azureDNS: required field resourceGroupName is missing',
      'spec.acme.solvers[0].dns01.azureDNS.zoneType: "AzureSecretZone" is not one of ["AzurePublicZone","AzurePrivateZone"]',
      'spec.acme.solvers[0].dns01.unknownProvider: unknown field, would be pruned',
    ]);
  });

  test('admits every cert-manager object the platform creates, and prunes none of its fields', () => {
    const chart = Testing.chart();
    const context = { clusterResourceNamespace: 'cert-manager' };
    const acme = (id: string, solvers: AcmeSolver[]) =>
      PlatformIssuer.acme({
        name: `acme-${id}`,
        email: 'ops@example.com',
        solvers,
        externalAccountBinding: { keyID: 'kid', keySecretRef: ref('eab', 'secret') },
        preferredChain: 'ISRG Root X1',
      }).bind(chart, `Acme${id}`, context);
    PlatformIssuer.selfSigned().bind(chart, 'SelfSigned', context);
    PlatformIssuer.ca({ secretName: 'corp-ca' }).bind(chart, 'Ca', context);
    PlatformIssuer.platformCa({ name: 'root' }).bind(chart, 'PlatformCa', context);
    acme('http', [
      AcmeSolver.http01(),
      AcmeSolver.http01({ ingressClassName: 'nginx', meshSidecar: true, dnsZones: ['a.example'] }),
    ]);
    acme('dns', [
      AcmeSolver.dns01(Dns01Provider.cloudflare({ apiTokenSecretRef: ref('cf', 'token') }), {
        cnameStrategy: 'Follow',
        dnsNames: ['x.example.com'],
      }),
      AcmeSolver.dns01(
        Dns01Provider.route53({
          region: 'eu-west-1',
          hostedZoneID: 'Z1',
          role: 'arn:aws:iam::1:role/dns',
          serviceAccountRef: { name: 'cert-manager', audiences: ['sts.amazonaws.com'] },
        }),
      ),
      AcmeSolver.dns01(
        Dns01Provider.route53({
          accessKeyIDSecretRef: ref('aws', 'id'),
          secretAccessKeySecretRef: ref('aws', 'secret'),
        }),
      ),
      AcmeSolver.dns01(
        Dns01Provider.cloudDns({
          project: 'p',
          hostedZoneName: 'zone',
          serviceAccountSecretRef: ref('gcp', 'key.json'),
        }),
      ),
      AcmeSolver.dns01(
        Dns01Provider.azureDns({
          subscriptionID: 's',
          resourceGroupName: 'rg',
          environment: 'AzureUSGovernmentCloud',
          zoneType: 'AzurePrivateZone',
          auth: AzureDnsAuth.servicePrincipal({
            clientID: 'c',
            tenantID: 't',
            clientSecretSecretRef: ref('azure', 'secret'),
          }),
        }),
      ),
      AcmeSolver.dns01(
        Dns01Provider.azureDns({
          subscriptionID: 's',
          resourceGroupName: 'rg',
          auth: AzureDnsAuth.managedIdentity({ clientID: 'c', resourceID: 'r', tenantID: 't' }),
        }),
      ),
    ]);
    new Certificate(chart, 'Tls', {
      issuer: CLUSTER_ISSUER,
      namespace: 'istio-system',
      secretName: 'gateway-tls',
      commonName: 'kubeflow.example.com',
      dnsNames: ['kubeflow.example.com'],
      ipAddresses: ['10.0.0.1'],
      secretTemplate: { labels: { team: 'platform' }, annotations: { note: 'x' } },
    });

    const objects = new Objects(Testing.synth(chart) as Manifest[]).all.filter((o) =>
      /(^|\.)cert-manager\.io\//.test(o.apiVersion as string),
    );
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'Certificate',
      'Certificate',
      'ClusterIssuer',
      'ClusterIssuer',
      'ClusterIssuer',
      'ClusterIssuer',
      'ClusterIssuer',
      'ClusterIssuer',
    ]);
    for (const o of objects) {
      const schema = schemaFor(o.kind as string);
      const problems = admissionProblems(applyDefaults(o, schema), schema);
      expect({ object: `${o.kind as string}/${o.metadata.name as string}`, problems }).toEqual({
        object: `${o.kind as string}/${o.metadata.name as string}`,
        problems: [],
      });
      // No default changes what the platform wrote: it uses no field with a schema default.
      expect(applyDefaults(o, schema)).toEqual(o);
    }
  });
});
