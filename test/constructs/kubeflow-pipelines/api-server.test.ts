import { Chart, Testing } from 'cdk8s';
import { imageReference } from '../../../constructs/core/images';
import {
  API_SERVER_DEFAULT_RESOURCES,
  PipelinesApiServer,
  PipelinesApiServerProps,
} from '../../../constructs/kubeflow-pipelines/api-server';
import { KFP_NAMES, KFP_PORTS } from '../../../constructs/kubeflow-pipelines/names';
import { KFP_IMAGES, KFP_VERSION } from '../../../constructs/kubeflow-pipelines/versions';
import { FakeGateway, FakeNamespace, FakeObjectStore } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { FakeDatabase, UPSTREAM, envByName } from './backend-facts';

const NS = 'kubeflow';
const U = UPSTREAM.apiServer;

function build(props: Partial<PipelinesApiServerProps> = {}, gatewaySa?: string | null) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const database = new FakeDatabase();
  const objectStore = new FakeObjectStore();
  const gateway = new FakeGateway(chart, 'Gateway', undefined, gatewaySa);
  const server = new PipelinesApiServer(chart, 'Api', {
    namespace,
    database,
    objectStore,
    gateway,
    ...props,
  });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  return { server, namespace, database, objectStore, objects };
}

const { server, namespace, database, objectStore, objects: o } = build();
const deployment = o.find('Deployment', NS, U.deployment);
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const env = envByName(container);

describe('PipelinesApiServer against kubeflow/pipelines 2.16.1', () => {
  test('with only the required props: the documented defaults', () => {
    expect(server.multiUser).toBe(true);
    expect(server.userIdHeader).toBe('kubeflow-userid');
    expect(server.userIdPrefix).toBe('');
    expect(server.artifactBucket).toBe('mlpipeline');
    expect(server.databaseName).toBe('mlpipeline');
    expect(server.replicas).toBe(1);
    expect(server.resources).toEqual(API_SERVER_DEFAULT_RESOURCES);
    expect(server.serviceHost).toBe('ml-pipeline.kubeflow.svc.cluster.local');
    expect(deployment.spec.replicas).toBe(1);
    expect(o.ofKind('PodDisruptionBudget')).toHaveLength(0);
  });

  test('images: every pin is upstream’s', () => {
    expect(KFP_VERSION).toBe(UPSTREAM.version);
    for (const [key, ref] of Object.entries(UPSTREAM.images)) {
      expect(imageReference(KFP_IMAGES[key as keyof typeof KFP_IMAGES])).toBe(ref);
    }
    expect(container.image).toBe(UPSTREAM.images.apiServer);
    expect(container.name).toBe(U.container);
  });

  test('ports, Service and probes: upstream’s', () => {
    expect(
      container.ports.map((p: Manifest) => ({ name: p.name, containerPort: p.containerPort })),
    ).toEqual(U.ports);
    const svc = o.find('Service', NS, 'ml-pipeline');
    expect(svc.metadata.annotations).toEqual(U.serviceAnnotations);
    expect(
      svc.spec.ports.map((p: Manifest) => ({
        name: p.name,
        port: p.port,
        targetPort: container.ports.find((c: Manifest) => c.name === p.targetPort).containerPort,
      })),
    ).toEqual(U.servicePorts);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    for (const probe of [
      container.readinessProbe,
      container.livenessProbe,
      container.startupProbe,
    ]) {
      expect(probe.httpGet.path).toBe(U.probe.path);
      expect(
        container.ports.find((p: Manifest) => p.name === probe.httpGet.port).containerPort,
      ).toBe(U.probe.port);
      expect(probe.periodSeconds).toBe(U.probe.periodSeconds);
      expect(probe.timeoutSeconds).toBe(U.probe.timeoutSeconds);
    }
    expect(container.readinessProbe.initialDelaySeconds).toBe(U.readinessInitialDelaySeconds);
    expect(container.livenessProbe.initialDelaySeconds).toBe(U.livenessInitialDelaySeconds);
    expect(container.startupProbe.failureThreshold).toBe(U.startupFailureThreshold);
  });

  test('multi-user settings: params.env through envFrom, user header and prefix', () => {
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'pipeline-api-server-config' } }]);
    expect(o.find('ConfigMap', NS, 'pipeline-api-server-config').data).toEqual(U.multiUserParams);
    for (const [k, v] of Object.entries({ ...U.userIdEnv, ...U.literalEnv })) {
      expect([k, env[k]?.value]).toEqual([k, v]);
    }
  });

  test('env from pipeline-install-config: upstream’s keys and optional flags', () => {
    const config = o.find('ConfigMap', NS, 'pipeline-install-config').data;
    for (const [name, key, optional] of U.configEnv) {
      expect([name, env[name]?.valueFrom]).toEqual([
        name,
        {
          configMapKeyRef: {
            name: 'pipeline-install-config',
            key,
            ...(optional ? { optional: true } : {}),
          },
        },
      ]);
      expect(Object.keys(config)).toContain(key);
    }
    for (const [k, v] of Object.entries(UPSTREAM.installConfig)) {
      expect([k, config[k]]).toEqual([k, v]);
    }
    expect(config.mysqlHost).toBe(database.host);
    expect(config.mysqlPort).toBe('3306');
    expect(config.cacheImage).toBe('ghcr.io/containerd/busybox:1.36');
    for (const name of U.unreadEnv) expect(env[name]).toBeUndefined();
    expect(env.POD_NAMESPACE.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
  });

  test('credentials resolve to the contracts’ Secrets, never literals', () => {
    expect(database.asked).toEqual([NS]);
    expect(env.DBCONFIG_MYSQLCONFIG_USER.valueFrom).toEqual({
      secretKeyRef: { name: 'kfp-db-kubeflow', key: 'user' },
    });
    expect(env.DBCONFIG_MYSQLCONFIG_PASSWORD.valueFrom).toEqual({
      secretKeyRef: { name: 'kfp-db-kubeflow', key: 'pass' },
    });
    expect(env.OBJECTSTORECONFIG_ACCESSKEY.valueFrom).toEqual({
      secretKeyRef: { name: 's3-credentials', key: 'accessKey' },
    });
    expect(env.OBJECTSTORECONFIG_SECRETACCESSKEY.valueFrom).toEqual({
      secretKeyRef: { name: 's3-credentials', key: 'secretKey' },
    });
    expect(env.OBJECTSTORECONFIG_HOST.value).toBe('s3.example.com');
    expect(env.OBJECTSTORECONFIG_PORT.value).toBe('443');
    expect(env.OBJECTSTORECONFIG_SECURE.value).toBe('true');
    expect(env.OBJECTSTORECONFIG_REGION.value).toBe('us-east-1');
    for (const e of container.env as Manifest[]) {
      if (/PASSWORD|ACCESSKEY|USER$/.test(e.name) && e.name !== 'DBCONFIG_MYSQLCONFIG_USER') {
        expect([e.name, e.value]).toEqual([e.name, undefined]);
      }
    }
    expect(env.DBCONFIG_MYSQLCONFIG_EXTRAPARAMS).toBeUndefined();
  });

  test('database TLS: tls=true for the go-sql-driver; a private CA is refused', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'T');
    let n = 0;
    const mk = (database: FakeDatabase) =>
      new PipelinesApiServer(chart, `A${++n}`, {
        namespace: new FakeNamespace(NS),
        database,
        objectStore: new FakeObjectStore(),
        gateway: new FakeGateway(chart, `G${n}`),
      });
    const s = mk(new FakeDatabase({ tls: { required: true } }));
    const c = (Testing.synth(chart) as Manifest[]).find(
      (x) => x.kind === 'Deployment' && x.metadata.name === 'ml-pipeline',
    )?.spec.template.spec.containers[0];
    expect(s.multiUser).toBe(true);
    expect(envByName(c).DBCONFIG_MYSQLCONFIG_EXTRAPARAMS.value).toBe('{"tls":"true"}');
    expect(() =>
      mk(new FakeDatabase({ tls: { required: true, caSecret: { name: 'db-ca', key: 'ca.crt' } } })),
    ).toThrow(
      'PipelinesApiServer: `database.tls.caSecret` is set (got db-ca/ca.crt). The API server verifies the database against the system roots only (go-sql-driver tls=true); use a certificate from a public CA or drop caSecret.',
    );
  });

  test('invalid props: every problem at once, in the house template', () => {
    expect(() =>
      build({
        replicas: 0,
        artifactBucket: 'other',
        database: new FakeDatabase({ engine: 'postgresql' }),
      }),
    ).toThrow(
      'PipelinesApiServer: \n- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.\n' +
        '- `database` is a postgresql database (got mysql.database.svc.cluster.local:3306). The API server is deployed against MySQL here (the cache server of 2.16.1 supports nothing else); use a MySQL database.\n' +
        '- `artifactBucket` is not a bucket of the object store (got "other"). Use one of ["mlpipeline"].',
    );
  });

  test('restricted pod as upstream’s user 1000, requests and limits, /tmp writable', () => {
    expect(pod.serviceAccountName).toBe(U.serviceAccount);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: U.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    });
    expect(container.resources).toEqual({
      requests: U.requests,
      limits: { cpu: '1', memory: '1Gi' },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(o.find('ServiceAccount', NS, 'ml-pipeline').automountServiceAccountToken).toBe(false);
  });

  test('ClusterRole: upstream’s multi-user rules, bound to the ServiceAccount', () => {
    expect(o.find('ClusterRole', undefined, 'ml-pipeline').rules).toEqual(U.rules);
    const binding = o.find('ClusterRoleBinding', undefined, 'ml-pipeline');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'ml-pipeline',
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'ml-pipeline', namespace: NS },
    ]);
  });

  test('aggregated user roles: upstream’s labels and aggregation', () => {
    for (const [name, fact] of Object.entries(UPSTREAM.userRoles)) {
      const role = o.find('ClusterRole', undefined, name);
      expect(role.metadata.labels).toMatchObject(fact.labels);
      expect(role.aggregationRule.clusterRoleSelectors).toEqual([
        { matchLabels: { [fact.aggregateFrom]: 'true' } },
      ]);
    }
    const edit = o.find('ClusterRole', undefined, 'aggregate-to-kubeflow-pipelines-edit');
    expect(edit.rules.find((r: Manifest) => r.resources.includes('runs')).verbs).toContain('retry');
  });

  test('kfp-launcher and the public version ConfigMap in the namespace', () => {
    expect(o.find('ConfigMap', NS, 'kfp-launcher').data).toEqual({ defaultPipelineRoot: '' });
    expect(o.find('ConfigMap', NS, 'kubeflow-pipelines-public').data).toEqual({
      kubeflow_pipelines_version: 'v2.16.1',
    });
    expect(o.find('RoleBinding', NS, 'kubeflow-pipelines-public').subjects).toEqual([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
    ]);
  });

  test('AuthorizationPolicy: upstream’s principals, and header-less callers on the API ports', () => {
    const ap = o.find('AuthorizationPolicy', NS, 'ml-pipeline');
    expect(ap.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(ap.spec.action).toBe('ALLOW');
    expect(ap.spec.rules).toEqual([
      {
        from: [
          {
            source: {
              principals: U.authorizedServiceAccounts.map(
                (sa) => `cluster.local/ns/kubeflow/sa/${sa}`,
              ),
            },
          },
        ],
        to: [{ operation: { ports: ['8888', '8887'] } }],
      },
      {
        to: [{ operation: { ports: ['8888', '8887'] } }],
        when: [{ key: 'request.headers[kubeflow-userid]', notValues: ['*'] }],
      },
    ]);
    expect(server.callerPrincipals).toHaveLength(U.authorizedServiceAccounts.length);
    expect(o.find('PeerAuthentication', NS, 'ml-pipeline').spec.portLevelMtls).toEqual({
      '8888': { mode: 'PERMISSIVE' },
      '8887': { mode: 'PERMISSIVE' },
    });
  });

  test('principals follow the mesh trust domain of the gateway', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'T');
    const gateway = new FakeGateway(chart, 'G');
    Object.assign(gateway, { principal: 'example.org/ns/istio-system/sa/gw' });
    const s = new PipelinesApiServer(chart, 'A', {
      namespace: new FakeNamespace(NS),
      database: new FakeDatabase(),
      objectStore: new FakeObjectStore(),
      gateway,
    });
    expect(s.principal).toBe('example.org/ns/kubeflow/sa/ml-pipeline');
  });

  test('network: the namespace, tenants, the database and the object store', () => {
    expect(namespace.allows.map((a) => a.id)).toEqual([
      'ml-pipeline-from-pipelines',
      'ml-pipeline-from-tenants',
    ]);
    const tenants = namespace.allows[1].allow;
    expect(tenants.from.map((p) => p.toPeer())).toEqual([
      { namespaceSelector: { matchLabels: { 'pipelines.kubeflow.org/enabled': 'true' } } },
    ]);
    expect(tenants.ports).toEqual([{ port: KFP_PORTS.apiHttp }, { port: KFP_PORTS.apiGrpc }]);
    expect(database.grants.map((g) => g.id)).toEqual(['ml-pipeline']);
    expect(objectStore.grants.map((g) => g.id)).toEqual(['ml-pipeline']);
    expect(KFP_NAMES.apiServer.service).toBe('ml-pipeline');
  });
});
