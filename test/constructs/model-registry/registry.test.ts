import { Chart, Testing } from 'cdk8s';
import { IDatabase } from '../../../constructs/core/database';
import { BillOfMaterials } from '../../../constructs/core/images';
import { SecretSource } from '../../../constructs/core/secrets';
import {
  MODEL_REGISTRY_SERVER_DEFAULT_RESOURCES,
  ModelRegistry,
  ModelRegistryProps,
} from '../../../constructs/model-registry';
import { Manifest, Objects } from '../../helpers';
import { HUB_FACTS } from './facts';

const NS = 'team-a';
const F = HUB_FACTS.registry;
const D = HUB_FACTS.database;

function build(props: Partial<ModelRegistryProps> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const registry = new ModelRegistry(chart, 'Registry', { namespace: NS, ...props });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  const deployment = objects.find('Deployment', props.namespace ?? NS, F.deployment);
  const container = deployment.spec.template.spec.containers[0] as Manifest;
  return { chart, registry, objects, deployment, container };
}

describe('ModelRegistry with its own PostgreSQL (defaults)', () => {
  const { chart, registry, objects, deployment, container } = build();

  test('server image, command, args and env as upstream overlays/postgres', () => {
    expect(container.name).toBe(F.container);
    expect(container.image).toBe(F.image);
    expect(BillOfMaterials.of(chart).images()).toEqual(expect.arrayContaining([F.image, D.image]));
    expect(container.command).toEqual(F.command);
    expect(container.args).toEqual([
      ...F.baseArgs,
      F.postgresType,
      `${F.postgresDsnPrefix}$(DBCONFIG_USER):$(DBCONFIG_PASSWORD)@${D.name}.${NS}.svc.cluster.local:${D.port}/${D.databaseName}?sslmode=disable`,
    ]);
    expect(container.env).toEqual([
      { name: 'DBCONFIG_USER', value: 'model_registry' },
      {
        name: 'DBCONFIG_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'model-registry-db', key: 'password' } },
      },
    ]);
  });

  test('port and probes as upstream', () => {
    expect(container.ports).toEqual([{ name: F.portName, containerPort: F.port, protocol: 'TCP' }]);
    const p = (probe: Manifest) => ({
      path: probe.httpGet.path,
      initialDelaySeconds: probe.initialDelaySeconds,
      periodSeconds: probe.periodSeconds,
      timeoutSeconds: probe.timeoutSeconds,
      failureThreshold: probe.failureThreshold,
    });
    expect(p(container.startupProbe)).toEqual(F.probes.startup);
    expect(p(container.livenessProbe)).toEqual(F.probes.liveness);
    expect(p(container.readinessProbe)).toEqual(F.probes.readiness);
    expect(container.livenessProbe.httpGet.port).toBe(F.portName);
  });

  test('restricted security, resources, no API token, in the mesh', () => {
    const spec = deployment.spec.template.spec;
    expect(spec.serviceAccountName).toBe(F.serviceAccount);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: F.uid });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources.requests.cpu).toBe(
      MODEL_REGISTRY_SERVER_DEFAULT_RESOURCES.cpu.request,
    );
    expect(container.resources.limits.memory).toBe(
      MODEL_REGISTRY_SERVER_DEFAULT_RESOURCES.memory.limit,
    );
    const meta = deployment.spec.template.metadata;
    expect(meta.labels).toMatchObject({ ...F.podLabel, 'sidecar.istio.io/inject': 'true' });
    // Both pods in the mesh: no port excluded from the sidecar.
    expect(meta.annotations ?? {}).not.toHaveProperty(
      'traffic.sidecar.istio.io/excludeOutboundPorts',
    );
    expect(meta.annotations['proxy.istio.io/config']).toContain('holdApplicationUntilProxyStarts');
  });

  test('the Service carries what the UI discovers: label, port name, annotations', () => {
    const svc = objects.find('Service', NS, F.service);
    expect(svc.metadata.labels).toMatchObject(HUB_FACTS.ui.discoveryLabel);
    expect(Object.keys(svc.metadata.annotations).sort()).toEqual([...F.serviceAnnotations].sort());
    expect(svc.metadata.annotations.displayName).toBe('Kubeflow Model Registry');
    expect(svc.metadata.annotations.description).toBe(`Model registry of ${NS}`);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([
      {
        name: F.portName,
        port: F.port,
        targetPort: F.portName,
        protocol: 'TCP',
        appProtocol: 'http',
      },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(registry.serviceHost).toBe(`${F.service}.${NS}.svc.cluster.local`);
    expect(registry.port).toBe(8080);
    expect(registry.restBaseUrl).toBe(
      `http://${F.service}.${NS}.svc.cluster.local:8080/api/model_registry/v1alpha3`,
    );
    expect(registry.podLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  test('PostgreSQL: StatefulSet with claim template, hardened, in the mesh on tcp-postgres', () => {
    const sts = objects.find('StatefulSet', NS, D.name);
    const pg = sts.spec.template.spec.containers[0] as Manifest;
    expect(pg.image).toBe(D.image);
    expect(sts.spec.serviceName).toBe(D.name);
    expect(sts.spec.template.metadata.labels).not.toHaveProperty('sidecar.istio.io/inject');
    expect(sts.spec.template.spec.securityContext).toMatchObject({
      runAsUser: D.uid,
      runAsGroup: D.uid,
      fsGroup: D.uid,
      runAsNonRoot: true,
    });
    expect(pg.securityContext.readOnlyRootFilesystem).toBe(true);
    const env = new Map((pg.env as Manifest[]).map((e) => [e.name, e]));
    expect(env.get('PGDATA')?.value).toBe(D.pgdata);
    expect(env.get('POSTGRES_DB')?.value).toBe(D.databaseName);
    expect(env.get('POSTGRES_USER')?.value).toBe('model_registry');
    expect(env.get('POSTGRES_PASSWORD')?.valueFrom.secretKeyRef).toEqual({
      name: 'model-registry-db',
      key: 'password',
    });
    expect(pg.volumeMounts).toEqual(
      expect.arrayContaining([{ name: 'metadata-postgres', mountPath: D.mount }]),
    );
    expect(pg.readinessProbe.exec.command[0]).toBe('pg_isready');
    expect(pg.resources.limits.memory).toBeDefined();
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(D.storage);
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
    const svc = objects.find('Service', NS, D.name);
    expect(svc.spec.ports).toEqual([
      { name: 'tcp-postgres', port: D.port, targetPort: 'postgres', protocol: 'TCP' },
    ]);
    expect(svc.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(registry.databasePodLabels).toEqual(sts.spec.selector.matchLabels);
    expect(registry.databaseServiceAccountName).toBe(sts.spec.template.spec.serviceAccountName);
  });

  test('per-tenant object count is small', () => {
    // SA, Deployment, Service; DB SA, Service, StatefulSet; password generator (Job, SA, Role, RoleBinding).
    const kinds = objects.all.map((o) => o.kind).sort();
    expect(kinds).toEqual(
      [
        'Deployment',
        'Job',
        'Role',
        'RoleBinding',
        'Service',
        'Service',
        'ServiceAccount',
        'ServiceAccount',
        'ServiceAccount',
        'StatefulSet',
      ].sort(),
    );
    expect(objects.all.every((o) => o.metadata.namespace === NS)).toBe(true);
  });
});

test('an existing password Secret adds nothing but the six objects', () => {
  const { objects } = build({
    database: {
      type: 'postgres',
      password: SecretSource.existing('reg-db', { password: 'pw' }),
      storageGiB: 3,
      storageClassName: 'fast',
    },
  });
  expect(objects.all).toHaveLength(6);
  const sts = objects.find('StatefulSet', NS, D.name);
  expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
    storageClassName: 'fast',
    resources: { requests: { storage: '3Gi' } },
  });
  const pg = sts.spec.template.spec.containers[0] as Manifest;
  expect(
    pg.env.find((e: Manifest) => e.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef,
  ).toEqual({
    name: 'reg-db',
    key: 'pw',
  });
});

describe('external databases', () => {
  test('MySQL: upstream base DSN, verified TLS with a CA', () => {
    const { container, deployment, registry } = build({
      database: {
        type: 'external',
        engine: 'mysql',
        host: 'db.example.com',
        databaseName: 'registry',
        username: { name: 'ext', key: 'user' },
        password: { name: 'ext', key: 'pass' },
        tls: { required: true, caSecret: { name: 'ca', key: 'ca.pem' } },
      },
    });
    expect(container.args).toEqual([
      ...F.baseArgs,
      '--embedmd-database-type=mysql',
      `--embedmd-database-dsn=$(DBCONFIG_USER):$(DBCONFIG_PASSWORD)@tcp(db.example.com:3306)/registry${F.mysqlDsnSuffix}`,
      '--embedmd-database-ssl-verify-server-cert=true',
      '--embedmd-database-ssl-root-cert=/etc/model-registry/database-ca/ca.crt',
    ]);
    expect(container.env[0]).toEqual({
      name: 'DBCONFIG_USER',
      valueFrom: { secretKeyRef: { name: 'ext', key: 'user' } },
    });
    expect(deployment.spec.template.spec.volumes).toEqual([
      {
        name: 'database-ca',
        secret: { secretName: 'ca', items: [{ key: 'ca.pem', path: 'ca.crt' }] },
      },
    ]);
    expect(registry.databasePodLabels).toBeUndefined();
  });

  test('PostgreSQL without TLS: sslmode=prefer, port default 5432', () => {
    const { container, objects } = build({
      database: {
        type: 'external',
        engine: 'postgresql',
        host: 'pg.example.com',
        databaseName: 'registry',
        username: { name: 'ext', key: 'user' },
        password: { name: 'ext', key: 'pass' },
        tls: { required: false },
      },
    });
    expect(container.args.slice(-2)).toEqual([
      F.postgresType,
      '--embedmd-database-dsn=postgresql://$(DBCONFIG_USER):$(DBCONFIG_PASSWORD)@pg.example.com:5432/registry?sslmode=prefer',
    ]);
    expect(objects.ofKind('StatefulSet')).toHaveLength(0);
  });

  test('the platform database: declares the database and reads its credentials', () => {
    const declared: string[] = [];
    const db: IDatabase = {
      engine: 'mysql',
      version: '8.4',
      host: 'mysql.kubeflow.svc.cluster.local',
      port: 3306,
      tls: { required: false },
      databases: declared,
      credentials: () => ({
        username: { name: 'mysql', key: 'username' },
        password: { name: 'mysql', key: 'password' },
      }),
      grantAccess: () => undefined,
      addDatabase: (name) => void declared.push(name),
    };
    const { container } = build({
      namespace: 'kubeflow',
      database: { type: 'platform', database: db },
    } as Partial<ModelRegistryProps>);
    expect(declared).toEqual(['model_registry']);
    expect(container.args[container.args.length - 1]).toBe(
      '--embedmd-database-dsn=$(DBCONFIG_USER):$(DBCONFIG_PASSWORD)@tcp(mysql.kubeflow.svc.cluster.local:3306)/model_registry?charset=utf8mb4',
    );
  });
});

test('every problem at once, in the house template', () => {
  expect(() =>
    build({
      namespace: 'Team_A',
      replicas: 0,
      database: { type: 'postgres', storageGiB: 0 },
    }),
  ).toThrow(
    [
      'ModelRegistry "Registry": ',
      '- `namespace` is not a namespace name (got "Team_A"). Use a DNS label such as team-a.',
      '- `replicas` is not a whole number of at least 1 (got 0). Use e.g. 1.',
      '- `database.storageGiB` is not a whole number of at least 1 (got 0). Use e.g. 10.',
    ].join('\n'),
  );
});
