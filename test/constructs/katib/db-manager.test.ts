import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials } from '../../../constructs/core/images';
import {
  KATIB_DB_MANAGER_CREATES_DATABASE,
  KATIB_DB_MANAGER_DEFAULT_RESOURCES,
  KATIB_DB_MANAGER_SUPPORTS_TLS,
  KatibDbManager,
  KatibDbManagerProps,
} from '../../../constructs/katib/db-manager';
import { FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { FakeDatabase, KATIB_APPS_FACTS } from './facts-apps';

const NS = 'kubeflow';
const F = KATIB_APPS_FACTS.dbManager;

function build(props: Partial<KatibDbManagerProps> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const database = (props.database as FakeDatabase | undefined) ?? new FakeDatabase();
  const dbManager = new KatibDbManager(chart, 'DbManager', { namespace, ...props, database });
  return { chart, namespace, database, dbManager };
}

function synth(built: ReturnType<typeof build>) {
  const objects = new Objects(Testing.synth(built.chart) as Manifest[]);
  const deployment = objects.find('Deployment', NS, F.name);
  const container = deployment.spec.template.spec.containers[0] as Manifest;
  const env = new Map<string, Manifest>(
    (container.env as Manifest[]).map((e) => [e.name as string, e]),
  );
  return { objects, deployment, container, env };
}

const built = build();
const { objects, deployment, container, env } = synth(built);

describe('KatibDbManager', () => {
  test('image, command, port and Service as upstream', () => {
    expect(container.image).toBe(F.image);
    expect(BillOfMaterials.of(built.chart).images()).toContain(F.image);
    expect(container.command).toEqual(F.command);
    expect(container.args).toEqual([`--connect-timeout=${F.connectTimeout}`]);
    expect(container.ports).toEqual([{ name: F.portName, containerPort: F.port, protocol: 'TCP' }]);
    const svc = objects.find('Service', NS, F.name);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([
      {
        name: F.portName,
        port: F.port,
        targetPort: F.portName,
        protocol: 'TCP',
        appProtocol: 'grpc',
      },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(built.dbManager.serviceHost).toBe(`katib-db-manager.${NS}.svc.cluster.local`);
    expect(built.dbManager.servicePort).toBe(6789);
  });

  test('pods carry upstream component label and no sidecar', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(F.podLabel);
    expect(labels['sidecar.istio.io/inject']).toBe(F.sidecarInject);
    expect(deployment.spec.selector.matchLabels).toMatchObject(F.podLabel);
    expect(built.dbManager.podLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  test("liveness is upstream's native gRPC probe; readiness follows the database", () => {
    expect(container.livenessProbe).toEqual(F.liveness);
    expect(container.readinessProbe.grpc).toEqual({ port: F.port });
  });

  test('MySQL env names exactly as the code reads them, credentials by reference', () => {
    expect([...env.keys()].sort()).toEqual([...F.mysqlEnv].sort());
    expect(env.get('DB_NAME')?.value).toBe(F.dbNameMysql);
    expect(env.get('KATIB_MYSQL_DB_HOST')?.value).toBe(built.database.host);
    expect(env.get('KATIB_MYSQL_DB_PORT')?.value).toBe('3306');
    expect(env.get('KATIB_MYSQL_DB_DATABASE')?.value).toBe(F.database);
    expect(env.get('DB_USER')?.valueFrom).toEqual({
      secretKeyRef: { name: `katib-db-${NS}`, key: 'username' },
    });
    expect(env.get('DB_PASSWORD')?.valueFrom).toEqual({
      secretKeyRef: { name: `katib-db-${NS}`, key: 'password' },
    });
    expect(built.database.asked).toEqual([NS]);
    expect(built.dbManager.settings.DB_PASSWORD).toBe(`secret:katib-db-${NS}/password`);
  });

  test('defaults', () => {
    const m = built.dbManager;
    expect(m.databaseName).toBe('katib');
    expect(m.replicas).toBe(1);
    expect(m.connectTimeoutSeconds).toBe(60);
    expect(m.resources).toEqual(KATIB_DB_MANAGER_DEFAULT_RESOURCES);
    expect(deployment.spec.replicas).toBe(1);
    expect(container.resources).toEqual({
      requests: { cpu: '10m', memory: '32Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
  });

  test('restricted security context, upstream user, no API token', () => {
    const spec = deployment.spec.template.spec;
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: F.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('katib-db-manager');
    expect(
      objects.find('ServiceAccount', NS, 'katib-db-manager').automountServiceAccountToken,
    ).toBe(false);
  });

  test('network: tenants reach gRPC; the database admits the pods; allowFrom adds callers', () => {
    const tenants = built.namespace.allows.find((a) => a.id === 'katib-db-manager-from-tenants');
    expect(tenants?.allow.ports).toEqual([{ port: 6789 }]);
    expect(tenants?.allow.podLabels).toEqual(built.dbManager.podLabels);
    expect(tenants?.allow.from[0].toPeer()).toEqual({
      namespaceSelector: { matchLabels: F.clientNamespaceLabels },
    });
    expect(built.database.grants.map((g) => g.id)).toEqual(['katib-db-manager']);
    expect(built.database.databases).toEqual(['katib']);
    expect(build({ databaseName: 'katib_v1' }).database.databases).toEqual(['katib_v1']);
    expect(built.database.grants[0].peer.toPeer()).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } },
      podSelector: { matchLabels: built.dbManager.podLabels },
    });

    const b = build();
    b.dbManager.allowFrom('katib-db-manager-from-controller', { app: 'c' }, 'controller');
    b.dbManager.allowFrom('katib-db-manager-from-controller', { app: 'c' }, 'controller');
    const allows = b.namespace.allows.filter((a) => a.id === 'katib-db-manager-from-controller');
    expect(allows).toHaveLength(1);
    expect(allows[0].allow.from[0].toPeer()).toEqual({
      podSelector: { matchLabels: { app: 'c' } },
    });
    expect(() => b.dbManager.allowFrom('x', {}, 'any')).toThrow(
      /`podLabels` is empty \(got \{\}\)/,
    );
  });

  test('PostgreSQL with TLS: verify-full and the CA through PGSSLROOTCERT', () => {
    const database = new FakeDatabase({
      engine: 'postgresql',
      host: 'pg.example.com',
      tls: { required: true, caSecret: { name: 'pg-ca', key: 'ca.pem' } },
    });
    const s = synth(build({ database }));
    expect(s.env.get('DB_NAME')?.value).toBe(F.dbNamePostgres);
    for (const name of F.postgresEnv) expect(s.env.has(name)).toBe(true);
    expect(s.env.has('KATIB_MYSQL_DB_HOST')).toBe(false);
    expect(s.env.get('KATIB_POSTGRESQL_SSL_MODE')?.value).toBe('verify-full');
    expect(s.env.get('KATIB_POSTGRESQL_DB_PORT')?.value).toBe('5432');
    expect(s.env.get('PGSSLROOTCERT')?.value).toBe('/etc/katib/database-ca/ca.crt');
    expect(s.deployment.spec.template.spec.volumes).toEqual([
      {
        name: 'database-ca',
        secret: { secretName: 'pg-ca', items: [{ key: 'ca.pem', path: 'ca.crt' }] },
      },
    ]);
    const plain = synth(build({ database: new FakeDatabase({ engine: 'postgresql' }) }));
    expect(plain.env.get('KATIB_POSTGRESQL_SSL_MODE')?.value).toBe('disable');
    expect(plain.env.has('PGSSLROOTCERT')).toBe(false);
  });

  test('facts: TLS support per engine; the database is not created', () => {
    expect(KATIB_DB_MANAGER_SUPPORTS_TLS).toEqual({ mysql: false, postgresql: true });
    expect(KATIB_DB_MANAGER_CREATES_DATABASE).toBe(false);
  });

  test('every problem at once', () => {
    const database = new FakeDatabase({ tls: { required: true } });
    expect(() =>
      build({
        database,
        databaseName: 'katib-db',
        connectTimeoutSeconds: 0,
        replicas: 0,
        clientNamespaceLabels: {},
        image: {
          registry: 'ghcr.io',
          repository: 'kubeflow/katib/katib-db-manager',
          tag: 'latest',
        },
      }),
    ).toThrow(
      [
        'KatibDbManager: ',
        "- `database.tls.required` is true, but Katib's DB manager v0.19.0 connects to MySQL without TLS (got mysql.database.svc.cluster.local:3306). Let the database accept plain connections from a network you trust, or use the managed database.",
        '- `databaseName` is not a plain database name (got "katib-db"). Use letters, digits and underscores, such as katib.',
        '- `image` is not a pinned image (got "ghcr.io/kubeflow/katib/katib-db-manager:latest"). Name a registry and a tag other than latest.',
        '- `clientNamespaceLabels` is empty (got {}). Name the labels of the tenant namespaces, such as app.kubernetes.io/part-of: kubeflow-profile.',
        '- `connectTimeoutSeconds` is not a whole number of at least 1 (got 0). Use a number of seconds such as 60.',
        '- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
      ].join('\n'),
    );
  });
});
