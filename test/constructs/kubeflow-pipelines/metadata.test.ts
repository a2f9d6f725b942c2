import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { parse } from 'yaml';
import { DatabaseTls, IDatabase } from '../../../constructs/core/database';
import { BillOfMaterials } from '../../../constructs/core/images';
import { NetworkPeer } from '../../../constructs/core/network';
import {
  METADATA_DEFAULT_RESOURCES,
  Metadata,
  MetadataProps,
} from '../../../constructs/kubeflow-pipelines/metadata';
import { FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { ENVOY_CONFIG, METADATA_FACTS } from './frontend-facts';

const NS = 'kubeflow';
const G = METADATA_FACTS.grpc;
const E = METADATA_FACTS.envoy;
const W = METADATA_FACTS.writer;

/** A database as MLMD sees it: records the namespaces asked for credentials and the grants. */
class FakeDatabase implements IDatabase {
  public readonly version = '8.4';
  public readonly host = 'mysql.mysql.svc.cluster.local';
  public readonly port = 3306;
  public readonly credentialRequests: string[] = [];
  public readonly grants: { id: string; peer: NetworkPeer }[] = [];

  public constructor(
    public readonly engine: 'mysql' | 'postgresql' = 'mysql',
    public readonly tls: DatabaseTls = { required: false },
  ) {}

  public credentials(namespace: string): {
    username: k8s.SecretKeySelector;
    password: k8s.SecretKeySelector;
  } {
    this.credentialRequests.push(namespace);
    return {
      username: { name: `db-client-${namespace}`, key: 'user' },
      password: { name: `db-client-${namespace}`, key: 'pass' },
    };
  }

  public readonly databases: string[] = [];
  public addDatabase(name: string): void {
    if (!this.databases.includes(name)) this.databases.push(name);
  }
  public grantAccess(id: string, peer: NetworkPeer): void {
    this.grants.push({ id, peer });
  }
}

function build(props: Partial<MetadataProps> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const database = (props.database as FakeDatabase | undefined) ?? new FakeDatabase();
  const metadata = new Metadata(chart, 'Metadata', { namespace, database, ...props });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  const part = (name: string) => {
    const deployment = objects.find('Deployment', NS, name);
    return {
      deployment,
      pod: deployment.spec.template.spec as Manifest,
      container: deployment.spec.template.spec.containers[0] as Manifest,
    };
  };
  return {
    chart,
    namespace,
    database,
    metadata,
    objects,
    grpc: part(G.names.deployment),
    envoy: part(E.names.deployment),
    writer: part(W.names.deployment),
  };
}

const envMap = (container: Manifest): Record<string, Manifest> =>
  Object.fromEntries((container.env as Manifest[]).map((e) => [e.name, e]));

function expectRestricted(pod: Manifest, container: Manifest, runAsUser: number): void {
  expect(pod.securityContext).toMatchObject({
    runAsNonRoot: true,
    runAsUser,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(container.securityContext).toMatchObject({
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  });
  expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
}

const built = build();
const { objects, grpc, envoy, writer } = built;

describe('Metadata (MLMD) against kubeflow/pipelines 2.16.1', () => {
  test('with only the required props: the documented defaults', () => {
    const { metadata } = built;
    expect(metadata.namespace).toBe(NS);
    expect(metadata.databaseName).toBe(G.database);
    expect(metadata.resources).toEqual(METADATA_DEFAULT_RESOURCES);
    expect(metadata.grpcHost).toBe('metadata-grpc-service.kubeflow.svc.cluster.local');
    expect(metadata.grpcPort).toBe(8080);
    expect(metadata.envoyHost).toBe('metadata-envoy-service.kubeflow.svc.cluster.local');
    expect(metadata.envoyPort).toBe(9090);
    expect(metadata.writerServiceAccountName).toBe(W.names.serviceAccount);
  });

  test('every image as upstream pins it, all in the bill of materials', () => {
    expect(grpc.container.image).toBe(G.image);
    expect(envoy.container.image).toBe(E.image);
    expect(writer.container.image).toBe(W.image);
    expect(BillOfMaterials.of(built.chart).images()).toEqual([G.image, E.image, W.image].sort());
  });
});

describe('MLMD gRPC server', () => {
  const { container, pod } = grpc;
  const env = envMap(container);

  test("command, args and the names the args read, as upstream's", () => {
    expect(container.name).toBe(G.names.container);
    expect(container.command).toEqual(G.command);
    expect(container.args).toEqual(G.args);
    expect(Object.keys(env).sort()).toEqual(Object.keys(G.env).sort());
  });

  test('database from the IDatabase contract: credentials by reference, in its namespace', () => {
    expect(built.database.credentialRequests).toEqual([NS]);
    expect(env.DBCONFIG_USER.valueFrom.secretKeyRef).toEqual({
      name: 'db-client-kubeflow',
      key: 'user',
    });
    expect(env.DBCONFIG_PASSWORD.valueFrom.secretKeyRef).toEqual({
      name: 'db-client-kubeflow',
      key: 'pass',
    });
    expect(env.DBCONFIG_PASSWORD.value).toBeUndefined();
    expect(env.MYSQL_DATABASE.value).toBe(G.database);
    expect(env.MYSQL_HOST.value).toBe('mysql.mysql.svc.cluster.local');
    expect(env.MYSQL_PORT.value).toBe('3306');
    expect(built.database.grants).toEqual([
      {
        id: 'metadata-grpc-deployment',
        peer: NetworkPeer.namespace(NS, grpc.deployment.spec.selector.matchLabels),
      },
    ]);
    expect(build({ databaseName: 'mlmd_prod' }).grpc.container.env).toContainEqual({
      name: 'MYSQL_DATABASE',
      value: 'mlmd_prod',
    });
  });

  test("PostgreSQL: upstream's overlay flags with the port inlined", () => {
    const pg = build({ database: new FakeDatabase('postgresql') });
    const expected = G.postgresArgs.map((a) =>
      a === '--grpc_port=$(METADATA_GRPC_SERVICE_PORT)' ? '--grpc_port=8080' : a,
    );
    expect(pg.grpc.container.args).toEqual(expected);
    const pgEnv = envMap(pg.grpc.container);
    expect(Object.keys(pgEnv).sort()).toEqual([
      'MLMD_DB_HOST',
      'POSTGRES_DBNAME',
      'POSTGRES_PASSWORD',
      'POSTGRES_PORT',
      'POSTGRES_USER',
    ]);
    expect(pgEnv.POSTGRES_PASSWORD.valueFrom.secretKeyRef.key).toBe('pass');
    expect(pgEnv.MLMD_DB_HOST.value).toBe('mysql.mysql.svc.cluster.local');
  });

  test('port, probes, Service and ConfigMap as upstream', () => {
    expect(container.ports).toEqual([{ ...G.containerPort, protocol: 'TCP' }]);
    for (const probe of [container.livenessProbe, container.readinessProbe] as Manifest[]) {
      expect(probe).toEqual({
        tcpSocket: { port: G.probe.port },
        initialDelaySeconds: G.probe.initialDelaySeconds,
        periodSeconds: G.probe.periodSeconds,
        timeoutSeconds: G.probe.timeoutSeconds,
      });
    }
    const svc = objects.find('Service', NS, G.names.service);
    expect(svc.spec.ports).toEqual([
      { ...G.servicePort, targetPort: 'grpc-api', protocol: 'TCP', appProtocol: 'grpc' },
    ]);
    expect(svc.spec.selector).toEqual(grpc.deployment.spec.selector.matchLabels);
    expect(objects.find('ConfigMap', NS, G.names.configMap).data).toEqual(G.configData);
    expect(pod.serviceAccountName).toBe(G.names.serviceAccount);
    expect(objects.has('ServiceAccount', NS, G.names.serviceAccount)).toBe(true);
  });

  test('restricted as upstream user 1000; no API token; requests and limits', () => {
    expectRestricted(pod, container, G.runAsUser);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
  });

  test('tenant pipeline pods and this namespace may connect, over plain text too', () => {
    const selector = grpc.deployment.spec.selector.matchLabels as Record<string, string>;
    const allow = built.namespace.allows.find(
      (a) => a.id === 'metadata-grpc-service-from-pipelines',
    );
    expect(allow?.allow.podLabels).toEqual(selector);
    expect(allow?.allow.ports).toEqual([{ port: 8080 }]);
    expect(allow?.allow.from).toEqual([
      NetworkPeer.sameNamespace(),
      NetworkPeer.namespacesLabelled({ 'pipelines.kubeflow.org/enabled': 'true' }),
    ]);
    const policy = objects.find('AuthorizationPolicy', NS, G.names.authorizationPolicy);
    expect(policy.spec).toEqual({
      selector: { matchLabels: selector },
      action: 'ALLOW',
      rules: [{ to: [{ operation: { ports: ['8080'] } }] }],
    });
    const peer = objects.find('PeerAuthentication', NS, G.names.deployment);
    expect(peer.spec.portLevelMtls).toEqual({ '8080': { mode: 'PERMISSIVE' } });
    const custom = build({ clientNamespaceLabels: { team: 'ml' } });
    expect(
      custom.namespace.allows.find((a) => a.id === 'metadata-grpc-service-from-pipelines')?.allow
        .from,
    ).toContainEqual(NetworkPeer.namespacesLabelled({ team: 'ml' }));
  });

  test('every invalid prop is reported at once', () => {
    expect(() =>
      build({
        database: new FakeDatabase('mysql', { required: true }),
        databaseName: 'meta-db',
        clientNamespaceLabels: {},
      }),
    ).toThrow(
      [
        'Metadata: ',
        '- `database.tls.required` is not supported by ML Metadata 1.14.0 (got true). Its server takes no TLS settings on the command line; give MLMD a database reachable without TLS (for example over the mesh).',
        '- `databaseName` is not a database name of letters, digits and underscores (got "meta-db"). Use a name such as \'metadb\'.',
        '- `clientNamespaceLabels` is empty (got {}). Name the labels of the pipelines-enabled namespaces; an empty selector admits every namespace.',
      ].join('\n'),
    );
  });
});

describe('Metadata Envoy', () => {
  const { container, pod, deployment } = envoy;

  test("config: upstream's, verbatim", () => {
    const cm = objects.find('ConfigMap', NS, E.names.configMap);
    expect(cm.data['envoy-config.yaml']).toBe(ENVOY_CONFIG);
    expect(parse(cm.data['envoy-config.yaml'] as string)).toEqual(parse(ENVOY_CONFIG));
  });

  test('args, ports, mount and Service as upstream; no sidecar', () => {
    expect(container.name).toBe(E.names.container);
    expect(container.args).toEqual(E.args);
    expect(container.ports).toEqual(E.ports.map((p) => ({ ...p, protocol: 'TCP' })));
    expect(container.volumeMounts).toContainEqual({ ...E.configMount, readOnly: true });
    expect(pod.volumes).toContainEqual({
      name: E.configMount.name,
      configMap: { name: E.names.configMap },
    });
    expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe(
      E.sidecarInject,
    );
    const svc = objects.find('Service', NS, E.names.service);
    expect(svc.spec.ports).toEqual([
      { ...E.servicePort, targetPort: 'md-envoy', protocol: 'TCP', appProtocol: 'http' },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test("probes on Envoy's admin /ready; restricted; requests and limits", () => {
    for (const probe of [container.livenessProbe, container.readinessProbe] as Manifest[]) {
      expect(probe.httpGet).toEqual({ path: '/ready', port: 'envoy-admin' });
    }
    expectRestricted(pod, container, E.runAsUser);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.resources.limits).toEqual({ cpu: '200m', memory: '128Mi' });
  });

  test('only the UI reaches the listener; the admin port stays closed', () => {
    const allow = built.namespace.allows.find((a) => a.id === 'metadata-envoy-service-from-ui');
    expect(allow?.allow.ports).toEqual([{ port: 9090 }]);
    expect(allow?.allow.podLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(allow?.allow.from).toEqual([
      NetworkPeer.sameNamespace({
        'app.kubernetes.io/name': 'kubeflow-pipelines',
        'app.kubernetes.io/instance': 'kubeflow-pipelines',
        'app.kubernetes.io/component': 'ui',
      }),
    ]);
    expect(
      built.namespace.allows.flatMap((a) => a.allow.ports ?? []).map((p) => p.port),
    ).not.toContain(9901);
  });
});

describe('Metadata writer', () => {
  const { container, pod } = writer;

  test("env: upstream's multi-user NAMESPACE_TO_WATCH, and where it dials MLMD", () => {
    const env = envMap(container);
    expect(container.name).toBe(W.names.container);
    expect(env.NAMESPACE_TO_WATCH.value).toBe(W.env.NAMESPACE_TO_WATCH);
    expect(env.POD_NAMESPACE.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(env.CLUSTER_DOMAIN.value).toBe(W.dialEnv.CLUSTER_DOMAIN);
    // The writer dials metadata-grpc-service.<POD_NAMESPACE><CLUSTER_DOMAIN>: our gRPC host.
    expect(`metadata-grpc-service.${NS}${env.CLUSTER_DOMAIN.value as string}`).toBe(
      built.metadata.grpcHost,
    );
    expect(
      envMap(build({ clusterDomain: 'corp.internal' }).writer.container).CLUSTER_DOMAIN.value,
    ).toBe('.svc.corp.internal');
  });

  test("RBAC: upstream's multi-user ClusterRole, bound to the writer's account", () => {
    expect(objects.find('ClusterRole', undefined, W.names.clusterRole).rules).toEqual(W.rules);
    const binding = objects.find('ClusterRoleBinding', undefined, W.names.clusterRoleBinding);
    expect(binding.roleRef.name).toBe(W.names.clusterRole);
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: W.names.serviceAccount, namespace: NS },
    ]);
    expect(pod.serviceAccountName).toBe(W.names.serviceAccount);
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('restricted as upstream user 1000; requests and limits; no port, no probes', () => {
    expectRestricted(pod, container, W.runAsUser);
    expect(container.resources).toEqual({
      requests: { cpu: '10m', memory: '128Mi' },
      limits: { cpu: '200m', memory: '512Mi' },
    });
    expect(container.ports).toBeUndefined();
    expect(container.livenessProbe).toBeUndefined();
  });
});
