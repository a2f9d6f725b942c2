import { Chart, Testing } from 'cdk8s';
import { ICertificateIssuer } from '../../../constructs/core/certificates';
import {
  CACHE_SERVER_DEFAULT_RESOURCES,
  CacheServer,
  CacheServerProps,
} from '../../../constructs/kubeflow-pipelines/cache-server';
import { CLUSTER_ISSUER, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { FakeDatabase, UPSTREAM, envByName } from './backend-facts';

const NS = 'kubeflow';
const U = UPSTREAM.cache;

function build(props: Partial<CacheServerProps> = {}) {
  const chart = new Chart(Testing.app(), 'Test');
  const namespace = new FakeNamespace(NS);
  const database = new FakeDatabase();
  const cache = new CacheServer(chart, 'Cache', {
    namespace,
    database,
    issuer: CLUSTER_ISSUER,
    ...props,
  });
  return { cache, namespace, database, objects: new Objects(Testing.synth(chart) as Manifest[]) };
}

const { cache, namespace, database, objects: o } = build();
const deployment = o.find('Deployment', NS, U.deployment);
const pod = deployment.spec.template.spec;
const c = pod.containers[0];
const env = envByName(c);
const mwc = o.find('MutatingWebhookConfiguration', undefined, U.webhook.configuration);
const hook = mwc.webhooks[0];

describe('CacheServer against kubeflow/pipelines 2.16.1', () => {
  test('defaults', () => {
    expect(cache.replicas).toBe(1);
    expect(cache.resources).toEqual(CACHE_SERVER_DEFAULT_RESOURCES);
    expect(cache.databaseName).toBe('cachedb');
    expect(cache.namespaceLabels).toEqual({ 'pipelines.kubeflow.org/enabled': 'true' });
    expect(cache.serviceHost).toBe('cache-server.kubeflow.svc');
  });

  test('image, args (with the cert-manager overlay) and ports: upstream’s', () => {
    expect(c.image).toBe(UPSTREAM.images.cacheServer);
    expect(c.name).toBe(U.container);
    expect(c.args).toEqual(U.args);
    expect(
      c.ports.map((p: Manifest) => ({ name: p.name, containerPort: p.containerPort })),
    ).toEqual(U.ports);
  });

  test('env: upstream’s values; database credentials from the contract’s Secret', () => {
    for (const [k, v] of Object.entries(U.literalEnv)) expect([k, env[k]?.value]).toEqual([k, v]);
    expect(env.CACHE_IMAGE.value).toBe('ghcr.io/containerd/busybox:1.36');
    expect(env.DBCONFIG_HOST_NAME.value).toBe(database.host);
    expect(env.DBCONFIG_PORT.value).toBe('3306');
    expect(env.DBCONFIG_USER).toEqual({
      value: undefined,
      valueFrom: { secretKeyRef: { name: 'kfp-db-kubeflow', key: 'user' } },
    });
    expect(env.DBCONFIG_PASSWORD).toEqual({
      value: undefined,
      valueFrom: { secretKeyRef: { name: 'kfp-db-kubeflow', key: 'pass' } },
    });
    expect(database.asked).toEqual([NS]);
  });

  test('certificate: upstream’s names and Secret, from the platform issuer', () => {
    const cert = o.find('Certificate', NS, U.certificate);
    expect(cert.spec.secretName).toBe(U.certSecret);
    expect(cert.spec.issuerRef).toEqual(CLUSTER_ISSUER.issuerRef);
    expect(cert.spec.dnsNames).toEqual([
      'cache-server',
      'cache-server.kubeflow',
      'cache-server.kubeflow.svc',
    ]);
    expect(c.volumeMounts).toEqual([
      { name: 'webhook-tls-certs', mountPath: U.certMount, readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'webhook-tls-certs', secret: { secretName: U.certSecret, defaultMode: 292 } },
    ]);
  });

  test('Service: 443 to the webhook port', () => {
    const svc = o.find('Service', NS, U.service.name);
    expect(svc.spec.ports).toEqual([
      {
        name: 'https-webhook',
        port: U.service.port,
        targetPort: U.service.targetPort,
        protocol: 'TCP',
      },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test('webhook: upstream’s fields, CA injected, limited to pipelines-enabled namespaces', () => {
    const W = U.webhook;
    expect(mwc.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': W.injectCaFrom });
    expect(hook.name).toBe(W.name);
    expect(hook.clientConfig).toEqual({ service: { ...W.service, port: 443 } });
    expect(hook.failurePolicy).toBe(W.failurePolicy);
    expect(hook.sideEffects).toBe(W.sideEffects);
    expect(hook.timeoutSeconds).toBe(W.timeoutSeconds);
    expect(hook.admissionReviewVersions).toEqual(W.admissionReviewVersions);
    expect(hook.objectSelector).toEqual(W.objectSelector);
    expect(hook.rules).toEqual(W.rules.map((r) => ({ ...r, scope: 'Namespaced' })));
    expect(hook.namespaceSelector).toEqual({
      matchLabels: { 'pipelines.kubeflow.org/enabled': 'true' },
    });
  });

  test('restricted pod, probes on the TLS port, requests and limits', () => {
    expect(pod.serviceAccountName).toBe(U.serviceAccount);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    });
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 'webhook-api' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'webhook-api' });
    expect(c.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
  });

  test('ClusterRole: upstream’s multi-user rules and binding', () => {
    expect(o.find('ClusterRole', undefined, U.clusterRole).rules).toEqual(U.rules);
    expect(o.find('ClusterRoleBinding', undefined, U.clusterRoleBinding).subjects).toEqual([
      { kind: 'ServiceAccount', name: U.serviceAccount, namespace: NS },
    ]);
  });

  test('mesh and network: plain text to the webhook port from the API server', () => {
    expect(o.find('PeerAuthentication', NS, 'cache-server').spec.portLevelMtls).toEqual({
      '8443': { mode: 'PERMISSIVE' },
    });
    expect(o.find('AuthorizationPolicy', NS, 'service-cache-server').spec.rules).toEqual([
      { to: [{ operation: { ports: ['8443'] } }] },
    ]);
    expect(namespace.allows.map((a) => [a.id, a.allow.ports])).toEqual([
      ['cache-server-from-apiserver', [{ port: 8443 }]],
    ]);
    expect(database.grants.map((g) => g.id)).toEqual(['cache-server']);
  });

  test('database TLS adds tls=true to the driver parameters', () => {
    const b = build({ database: new FakeDatabase({ tls: { required: true } }) });
    const args = b.objects.find('Deployment', NS, 'cache-server').spec.template.spec.containers[0]
      .args as string[];
    expect(args.at(-1)).toBe('--db_extra_params={"tls":"true"}');
  });

  test('invalid props: every problem at once', () => {
    const acme: ICertificateIssuer = { ...CLUSTER_ISSUER, solvesHttp01: true };
    expect(() =>
      build({
        issuer: acme,
        namespaceLabels: {},
        defaultCacheStaleness: '30 days',
        database: new FakeDatabase({ engine: 'postgresql' }),
      }),
    ).toThrow(
      'CacheServer: \n' +
        '- `database` is a postgresql database (got mysql.database.svc.cluster.local:3306). The cache server is deployed against MySQL here (the cache server of 2.16.1 supports nothing else); use a MySQL database.\n' +
        '- `defaultCacheStaleness` is not an ISO 8601 duration (got "30 days"). Use e.g. P30D or PT12H.\n' +
        '- `namespaceLabels` is empty (got {}). Name the labels of the pipelines-enabled namespaces.\n' +
        '- `issuer` is an ACME issuer (got HTTP-01 for cache-server.kubeflow.svc). An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.',
    );
  });
});
