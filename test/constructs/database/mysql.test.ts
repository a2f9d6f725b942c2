import { Testing } from 'cdk8s';
import { BillOfMaterials } from '../../../constructs/core/images';
import { NetworkPeer } from '../../../constructs/core/network';
import { Prerequisites } from '../../../constructs/core/prerequisites';
import { PULUMI_SECRET_ANNOTATION, SecretSource } from '../../../constructs/core/secrets';
import {
  MYSQL_DEFAULT_RESOURCES,
  ManagedMysql,
  mysqlInitScript,
} from '../../../constructs/database/mysql';
import { DATABASE_VERSIONS } from '../../../constructs/database/versions';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { evaluate } from '../../../policies/evaluate';
import { KubeObject } from '../../../stacks/render';
import { Obj, findObject, objectsOfKind, testChart } from '../../helpers';
import { env } from './helpers';

function build(props: Partial<ConstructorParameters<typeof ManagedMysql>[2]> = {}) {
  const { chart, synth } = testChart();
  const namespace = new PlatformNamespace(chart, 'Ns', { name: 'db' });
  const mysql = new ManagedMysql(chart, 'Mysql', { namespace, ...props });
  return { chart, mysql, objects: synth() };
}

const server = (objects: Obj[]) => findObject(objects, 'StatefulSet', 'db', 'mysql');
const container = (objects: Obj[]) => server(objects).spec.template.spec.containers[0] as Obj;

describe('ManagedMysql', () => {
  test('defaults: KFP databases, 20 GiB, generated credentials, default resources, version 8.4', () => {
    const { mysql, objects } = build();
    expect(mysql.engine).toBe('mysql');
    expect(mysql.version).toBe('8.4');
    expect(mysql.host).toBe('mysql.db.svc.cluster.local');
    expect(mysql.port).toBe(3306);
    expect(mysql.tls).toEqual({ required: false });
    expect(mysql.databases).toEqual(['mlpipeline', 'metadb', 'cachedb']);
    expect(mysql.clientNamespaces).toEqual([]);
    expect(mysql.storageGiB).toBe(20);
    expect(mysql.rootCredentials.origin).toBe('generated');
    expect(mysql.userCredentials.origin).toBe('generated');
    expect(container(objects).resources).toEqual({
      requests: { cpu: '100m', memory: '800Mi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
    expect(MYSQL_DEFAULT_RESOURCES.memory.limit).toBe('2Gi');
    expect(server(objects).spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '20Gi' } },
    });
  });

  test('the server: image pinned by patch tag, in the bill of materials', () => {
    const { chart, objects } = build();
    const image = 'docker.io/library/mysql:8.4.10';
    expect(container(objects).image).toBe(image);
    expect(DATABASE_VERSIONS.mysql.tag).toMatch(/^8\.4\.\d+$/);
    expect(BillOfMaterials.of(chart).images()).toContain(image);
  });

  test('the server: args, port, probes that need no credentials', () => {
    const { objects } = build();
    const c = container(objects);
    expect(c.args).toEqual([
      '--datadir=/var/lib/mysql/data',
      '--authentication-policy=mysql_native_password',
      '--mysql-native-password',
      '--disable-log-bin',
    ]);
    expect(c.command).toBeUndefined();
    expect(c.ports).toEqual([{ name: 'mysql', containerPort: 3306, protocol: 'TCP' }]);
    const ping = [
      'mysqladmin',
      '--protocol=tcp',
      '--host=127.0.0.1',
      '--port=3306',
      '--connect-timeout=5',
      '--silent',
      'ping',
    ];
    expect(c.readinessProbe).toEqual({
      exec: { command: ping },
      periodSeconds: 10,
      timeoutSeconds: 10,
      failureThreshold: 3,
    });
    expect(c.startupProbe.exec.command).toEqual(ping);
    // Ten minutes for the first start, which initialises the data directory.
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(600);
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'mysql' });
  });

  test('the server: restricted as uid 999 with a read-only root and writable emptyDirs', () => {
    const { objects } = build();
    const pod = server(objects).spec.template.spec;
    const c = container(objects);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('mysql');
    expect(c.volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/mysql' },
      { name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
      { name: 'run', mountPath: '/var/run/mysqld' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'files', mountPath: '/var/lib/mysql-files' },
    ]);
    const volumes = Object.fromEntries((pod.volumes as Obj[]).map((v) => [v.name, v]));
    expect(volumes.run.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '16Mi' });
    expect(volumes.tmp.emptyDir).toEqual({ sizeLimit: '2Gi' });
    expect(volumes.files.emptyDir).toEqual({ sizeLimit: '64Mi' });
    // 0444: the entrypoint sources a non-executable .sh, so its docker_process_sql is defined.
    expect(volumes.init.configMap).toEqual({ name: 'mysql-init', defaultMode: 0o444 });
  });

  test('credentials reach the server from Secrets; root only from localhost', () => {
    const { objects } = build();
    const c = container(objects);
    expect(env(c, 'MYSQL_ROOT_PASSWORD')).toEqual({
      name: 'MYSQL_ROOT_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'mysql-root-credentials', key: 'rootPassword' } },
    });
    expect(env(c, 'MYSQL_USER')?.valueFrom.secretKeyRef).toEqual({
      name: 'mysql-credentials',
      key: 'username',
    });
    expect(env(c, 'MYSQL_PASSWORD')?.valueFrom.secretKeyRef).toEqual({
      name: 'mysql-credentials',
      key: 'password',
    });
    expect(env(c, 'MYSQL_ROOT_HOST')?.value).toBe('localhost');
    expect(env(c, 'MYSQL_ALLOW_EMPTY_PASSWORD')).toBeUndefined();
    expect(env(c, 'MYSQL_DATABASE')).toBeUndefined();
    expect((c.env as Obj[]).filter((e) => e.value !== undefined).map((e) => e.name)).toEqual([
      'MYSQL_ROOT_HOST',
    ]);
  });

  test('generated credentials: a generator Job each; the user Secret has 32-character values', () => {
    const { objects } = build();
    const root = findObject(objects, 'Job', 'db', 'mysql-root-credentials-generator');
    const user = findObject(objects, 'Job', 'db', 'mysql-credentials-generator');
    const envOf = (job: Obj) =>
      Object.fromEntries(
        (job.spec.template.spec.containers[0].env as Obj[])
          .filter((e) => e.value !== undefined)
          .map((e) => [e.name, e.value]),
      );
    expect(envOf(root)).toMatchObject({
      SECRET_NAME: 'mysql-root-credentials',
      GENERATED_KEY_NAMES: 'rootPassword',
      SHARED_WITH: '',
    });
    expect(envOf(user)).toMatchObject({
      SECRET_NAME: 'mysql-credentials',
      GENERATED_KEY_NAMES: 'username password',
      VALUE_LENGTH: '32',
      SHARED_WITH: '',
    });
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
  });

  test('credentials(namespace): the user Secret copied to each client namespace, refused elsewhere', () => {
    const { mysql, objects } = build({ clientNamespaces: ['kubeflow', 'katib'] });
    const user = findObject(objects, 'Job', 'db', 'mysql-credentials-generator');
    expect(
      (user.spec.template.spec.containers[0].env as Obj[]).find((e) => e.name === 'SHARED_WITH')
        ?.value,
    ).toBe('kubeflow katib');
    // The generator may create the Secret in each client namespace.
    for (const ns of ['kubeflow', 'katib']) {
      expect(findObject(objects, 'Role', ns, 'mysql-credentials-generator').rules).toContainEqual({
        apiGroups: [''],
        resources: ['secrets'],
        verbs: ['create'],
      });
    }
    expect(mysql.credentials('kubeflow')).toEqual({
      username: { name: 'mysql-credentials', key: 'username' },
      password: { name: 'mysql-credentials', key: 'password' },
    });
    expect(mysql.credentials('db')).toEqual(mysql.credentials('katib'));
    expect(() => mysql.credentials('tenant-a')).toThrow(
      'ManagedMysql "Mysql": `clientNamespaces` does not list the namespace that asks for the credentials, so mysql-credentials is not made there (got "tenant-a"). Add "tenant-a" to clientNamespaces.',
    );
  });

  test('existing Secrets: referenced with their key names, required in every client namespace', () => {
    const { chart, mysql, objects } = build({
      clientNamespaces: ['kubeflow'],
      rootCredentials: SecretSource.existing('corp-mysql-root', { rootPassword: 'root' }),
      userCredentials: SecretSource.existing('corp-mysql-kfp', {
        username: 'user',
        password: 'pass',
      }),
    });
    expect(mysql.credentials('kubeflow')).toEqual({
      username: { name: 'corp-mysql-kfp', key: 'user' },
      password: { name: 'corp-mysql-kfp', key: 'pass' },
    });
    expect(env(container(objects), 'MYSQL_ROOT_PASSWORD')?.valueFrom.secretKeyRef).toEqual({
      name: 'corp-mysql-root',
      key: 'root',
    });
    expect(objectsOfKind(objects, 'Job')).toEqual([]);
    expect(
      Prerequisites.of(chart)
        .secrets()
        .map((s) => `${s.namespace}/${s.name}: ${s.keys.join(',')}`),
    ).toEqual([
      'db/corp-mysql-kfp: pass,user',
      'db/corp-mysql-root: root',
      'kubeflow/corp-mysql-kfp: pass,user',
    ]);
  });

  test('Pulumi secrets: declared empty in the database and each client namespace', () => {
    const { objects } = build({
      clientNamespaces: ['kubeflow'],
      userCredentials: SecretSource.pulumiConfig({ username: 'dbUser', password: 'dbPassword' }),
    });
    for (const ns of ['db', 'kubeflow']) {
      const secret = findObject(objects, 'Secret', ns, 'mysql-credentials');
      expect(secret.data).toBeUndefined();
      expect(JSON.parse(String(secret.metadata.annotations?.[PULUMI_SECRET_ANNOTATION]))).toEqual({
        username: 'dbUser',
        password: 'dbPassword',
      });
    }
  });

  test('the init script creates each database and grants it to the application user', () => {
    const { objects } = build({ databases: ['mlpipeline', 'model_registry'] });
    const script = findObject(objects, 'ConfigMap', 'db', 'mysql-init').data[
      'create-databases.sh'
    ] as string;
    expect(script).toBe(mysqlInitScript(['mlpipeline', 'model_registry']));
    expect(script).toContain(
      "docker_process_sql --database=mysql <<<\"CREATE DATABASE IF NOT EXISTS \\`mlpipeline\\`; GRANT ALL ON \\`mlpipeline\\`.* TO '$MYSQL_USER'@'%';\"",
    );
    // `_` is a wildcard in GRANT: escaped, so the grant covers exactly this database.
    expect(script).toContain("GRANT ALL ON \\`model\\_registry\\`.* TO '$MYSQL_USER'@'%';");
    expect(script).toContain('CREATE DATABASE IF NOT EXISTS \\`model_registry\\`');
    expect(script).not.toMatch(/IDENTIFIED|PASSWORD/);
  });

  test('Services: client and headless on 3306, plain TCP for the mesh, selecting the server', () => {
    const { objects } = build();
    const client = findObject(objects, 'Service', 'db', 'mysql');
    const headless = findObject(objects, 'Service', 'db', 'mysql-headless');
    const port = { name: 'tcp-mysql', port: 3306, targetPort: 'mysql', protocol: 'TCP' };
    expect(client.spec).toEqual({
      type: 'ClusterIP',
      selector: server(objects).spec.selector.matchLabels,
      ports: [port],
    });
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(headless.spec.ports).toEqual([port]);
    expect(server(objects).spec.serviceName).toBe('mysql-headless');
    expect(server(objects).spec.template.metadata.labels).toMatchObject(client.spec.selector);
  });

  test('storage class and size are props', () => {
    const { objects } = build({ storageGiB: 50, storageClassName: 'fast-ssd' });
    expect(server(objects).spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '50Gi' } },
    });
  });

  test('network: default deny, and grantAccess opens 3306 to the server pods only', () => {
    const { chart, synth } = testChart();
    const namespace = new PlatformNamespace(chart, 'Ns', { name: 'db' });
    const mysql = new ManagedMysql(chart, 'Mysql', { namespace });
    const before = objectsOfKind(Testing.synth(chart) as Obj[], 'NetworkPolicy');
    expect(before.map((p) => p.metadata.name)).toEqual(['default-deny-ingress']);
    mysql.grantAccess('mysql-from-kubeflow', NetworkPeer.namespace('kubeflow'));
    const allow = findObject(synth(), 'NetworkPolicy', 'db', 'allow-mysql-from-kubeflow');
    expect(allow.spec).toEqual({
      podSelector: { matchLabels: mysql.serverSelector },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } } },
          ],
          ports: [{ port: 3306, protocol: 'TCP' }],
        },
      ],
    });
  });

  test('invalid props: every problem in one error', () => {
    const { chart } = testChart();
    const namespace = new PlatformNamespace(chart, 'Ns', { name: 'db' });
    expect(
      () =>
        new ManagedMysql(chart, 'Mysql', {
          namespace,
          databases: ['mlpipeline', 'ML-Pipeline', 'mysql', 'mlpipeline'],
          clientNamespaces: ['Kubeflow'],
          storageGiB: 0,
        }),
    ).toThrow(
      [
        'ManagedMysql "Mysql": ',
        '- `databases[1]` is not a database name of lower-case letters, digits and underscores starting with a letter, at most 64 characters (got "ML-Pipeline"). Use a name such as mlpipeline.',
        '- `databases[2]` names a system schema of MySQL (got "mysql"). Name a database of the application.',
        '- `databases[3]` is listed twice (got "mlpipeline"). List it once.',
        '- `clientNamespaces[0]` is not a namespace name (got "Kubeflow"). Use a DNS label such as kubeflow.',
        '- `storageGiB` is not a positive whole number (got 0). Give the size in GiB, e.g. 20.',
      ].join('\n'),
    );
    expect(() => new ManagedMysql(chart, 'Empty', { namespace, databases: [] })).toThrow(
      'ManagedMysql "Empty": `databases` is empty. Name at least one database, e.g. mlpipeline.',
    );
  });

  test('the policy gate (production): no error, no warning, nothing suppressed', () => {
    const { objects } = build({ clientNamespaces: ['kubeflow'] });
    const report = evaluate(objects as KubeObject[], { production: true });
    expect(report.errors.map((f) => f.message)).toEqual([]);
    expect(report.warnings.map((f) => f.message)).toEqual([]);
    expect(
      report.suppressed.map((f) => `${f.object.kind}/${f.object.name} ${f.ruleId} ${f.path}`),
    ).toEqual([]);
  });
});
