import { spawnSync } from 'child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials } from '../../../constructs/core/images';
import {
  MLFLOW_SERVER_DEFAULT_RESOURCES,
  MLFLOW_SUPPORTS_DATABASE_TLS,
  MLFLOW_UNPROTECTED_PATHS,
  MlflowServer,
  MlflowServerProps,
  mlflowWorkspaceArtifactPrefix,
} from '../../../constructs/mlflow/server';
import { MLFLOW_IMAGES, MLFLOW_VERSION } from '../../../constructs/mlflow/versions';
import { FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { FakeDatabase, MLFLOW_FACTS as F } from './facts';

const NS = 'kubeflow';
const TRUSTED = {
  mode: 'trusted-proxy',
  userHeader: 'kubeflow-userid',
  groupsHeader: 'kubeflow-groups',
  groupsSeparator: ',',
} as const;

function build(props: Partial<MlflowServerProps> = {}, database = new FakeDatabase()) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const server = new MlflowServer(chart, 'Server', {
    namespace: new FakeNamespace(NS),
    authorization: TRUSTED,
    allowedHosts: ['kubeflow.example.com', '*.kubeflow.example.com'],
    workspaceLabelSelector: 'app.kubernetes.io/part-of=kubeflow-profile',
    database: { database, name: 'mlflow' },
    artifacts: {
      endpointUrl: 'http://minio.minio.svc.cluster.local:9000',
      bucket: 'mlpipeline',
      prefix: 'mlflow/',
      credentials: {
        secretName: 'mlflow-s3',
        namespace: NS,
        accessKeyKey: 'accesskey',
        secretKeyKey: 'secretkey',
      },
      region: 'us-east-1',
    },
    ...props,
  });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  const deployment = objects.find('Deployment', NS, 'mlflow');
  const pod = deployment.spec.template.spec as Manifest;
  const container = pod.containers[0] as Manifest;
  const env = new Map<string, Manifest>(
    (container.env as Manifest[]).map((e) => [e.name as string, e]),
  );
  return { chart, server, objects, deployment, pod, container, env, database };
}

const built = build();
const { container, env, pod, deployment } = built;

describe('MlflowServer', () => {
  test('versions: v1.6.0 image carrying MLflow 3.15.2, in the bill of materials', () => {
    expect(MLFLOW_VERSION).toBe(F.mlflowVersion);
    expect(container.image).toBe(F.image);
    expect(BillOfMaterials.of(built.chart).images()).toEqual([F.image]);
    expect(MLFLOW_IMAGES.server.tag).toBe('v1.6.0');
  });

  test('args: every upstream flag, S3 destination, hosts as Kubeflow renders them', () => {
    const args = container.args as string[];
    const flags = args.filter((a) => !a.startsWith('--artifacts-destination=') && !a.includes(','));
    expect(flags).toEqual(F.flags);
    expect(args).toContain('--artifacts-destination=s3://mlpipeline/mlflow');
    expect(args[args.indexOf('--allowed-hosts') + 1]).toBe(F.allowedHosts);
    expect(built.server.artifactsDestination).toBe('s3://mlpipeline/mlflow');
  });

  test('command builds the URI in the container, never in the manifest', () => {
    expect(container.command.slice(0, 2)).toEqual(['python', '-c']);
    const text = JSON.stringify(built.objects.all);
    expect(text).not.toContain('MLFLOW_BACKEND_STORE_URI"');
    expect(env.get('DB_SCHEME')?.value).toBe('mysql+pymysql');
    expect(env.get('DB_HOST')?.value).toBe('mysql.mysql.svc.cluster.local');
    expect(env.get('DB_PORT')?.value).toBe('3306');
    expect(env.get('DB_NAME')?.value).toBe('mlflow');
    expect(env.get('DB_USER')?.valueFrom).toEqual({
      secretKeyRef: { name: 'mlflow-db', key: 'username' },
    });
    expect(env.get('DB_PASSWORD')?.valueFrom).toEqual({
      secretKeyRef: { name: 'mlflow-db', key: 'password' },
    });
    const pg = build({}, new FakeDatabase('postgresql'));
    expect(pg.env.get('DB_SCHEME')?.value).toBe('postgresql');
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  (python ? test : test.skip)('the launcher quotes a hostile password and execs mlflow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlflow-launch-'));
    try {
      const fake = join(dir, 'mlflow');
      writeFileSync(fake, '#!/bin/sh\necho "$MLFLOW_BACKEND_STORE_URI"\necho "$@"\n');
      chmodSync(fake, 0o755);
      const out = spawnSync('python3', [...container.command.slice(1), 'server', '--workers=1'], {
        env: {
          PATH: `${dir}:${process.env.PATH ?? ''}`,
          DB_SCHEME: 'mysql+pymysql',
          DB_HOST: 'db',
          DB_PORT: '3306',
          DB_NAME: 'mlflow',
          DB_USER: 'ml flow',
          DB_PASSWORD: 'p@ss:w/rd+%#?',
        },
        encoding: 'utf8',
      });
      expect(out.stdout.split('\n').slice(0, 2)).toEqual([
        'mysql+pymysql://ml%20flow:p%40ss%3Aw%2Frd%2B%25%23%3F@db:3306/mlflow',
        'server --workers=1',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('env: upstream settings, S3 endpoint and keys from the Secret', () => {
    for (const [name, value] of Object.entries(F.env)) expect(env.get(name)?.value).toBe(value);
    expect(env.get('MLFLOW_S3_ENDPOINT_URL')?.value).toBe(
      'http://minio.minio.svc.cluster.local:9000',
    );
    expect(env.get('AWS_ACCESS_KEY_ID')?.valueFrom).toEqual({
      secretKeyRef: { name: 'mlflow-s3', key: 'accesskey' },
    });
    expect(env.get('AWS_SECRET_ACCESS_KEY')?.valueFrom).toEqual({
      secretKeyRef: { name: 'mlflow-s3', key: 'secretkey' },
    });
    expect(env.get('AWS_DEFAULT_REGION')?.value).toBe('us-east-1');
    expect(built.server.settings.AWS_ACCESS_KEY_ID).toBe('secret:mlflow-s3/accesskey');
  });

  test('token mode: self access reviews, no proxy headers', () => {
    const t = build({ authorization: { mode: 'token' }, workspaceLabelSelector: undefined });
    expect(t.env.get('MLFLOW_K8S_AUTH_AUTHORIZATION_MODE')?.value).toBe(
      'self_subject_access_review',
    );
    expect(t.env.has('MLFLOW_K8S_AUTH_REMOTE_USER_HEADER')).toBe(false);
    expect(t.env.has('MLFLOW_K8S_WORKSPACE_LABEL_SELECTOR')).toBe(false);
  });

  test('port, Service and probes at /mlflow/health', () => {
    expect(container.ports).toEqual([{ name: F.portName, containerPort: F.port, protocol: 'TCP' }]);
    const svc = built.objects.find('Service', NS, 'mlflow');
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: 5000, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    for (const [probe, fact] of [
      [container.livenessProbe, F.liveness],
      [container.readinessProbe, F.readiness],
    ] as const) {
      expect(probe.httpGet).toEqual({ path: fact.path, port: 'http', scheme: 'HTTP' });
      expect(probe).toMatchObject({
        initialDelaySeconds: fact.initialDelaySeconds,
        periodSeconds: fact.periodSeconds,
        timeoutSeconds: fact.timeoutSeconds,
        failureThreshold: fact.failureThreshold,
      });
    }
    expect(built.server.healthPath).toBe('/mlflow/health');
    expect(MLFLOW_UNPROTECTED_PATHS).toContain('/health');
    const other = build({ staticPrefix: '/tracking' });
    expect(other.container.livenessProbe.httpGet.path).toBe('/tracking/health');
    expect(other.container.args).toContain('--static-prefix=/tracking');
  });

  test('security: uid 1000, read-only root, /tmp emptyDir, token mounted, sidecar on', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: F.runAsUser,
      fsGroup: F.fsGroup,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '4Gi' } }]);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.serviceAccountName).toBe('mlflow');
    expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('true');
    expect(container.resources).toEqual({
      requests: { cpu: '100m', memory: '768Mi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
    expect(built.server.resources).toBe(MLFLOW_SERVER_DEFAULT_RESOURCES);
    expect(built.objects.find('ServiceAccount', NS, 'mlflow').automountServiceAccountToken).toBe(
      true,
    );
  });

  test('database: declared, granted to the pods; TLS per engine', () => {
    expect(built.database.databases).toEqual(['mlflow']);
    expect(built.database.grants.map((g) => g.id)).toEqual(['mlflow']);
    expect(MLFLOW_SUPPORTS_DATABASE_TLS).toEqual({ mysql: true, postgresql: true });
    const my = build({}, new FakeDatabase('mysql', { required: true }));
    expect(my.env.get('MLFLOW_MYSQL_SSL_CA')?.value).toBe('/etc/ssl/certs/ca-certificates.crt');
    const pg = build(
      {},
      new FakeDatabase('postgresql', {
        required: true,
        caSecret: { name: 'pg-ca', key: 'ca.crt' },
      }),
    );
    expect(pg.env.get('PGSSLMODE')?.value).toBe('verify-full');
    expect(pg.env.get('PGSSLROOTCERT')?.value).toBe('/etc/mlflow/database-ca/ca.crt');
    expect(pg.pod.volumes).toContainEqual({
      name: 'database-ca',
      secret: { secretName: 'pg-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] },
    });
    expect(built.env.has('PGSSLMODE') || built.env.has('MLFLOW_MYSQL_SSL_CA')).toBe(false);
  });

  test('artifact layout per workspace', () => {
    expect(mlflowWorkspaceArtifactPrefix('mlflow/', 'team-a')).toBe('mlflow/workspaces/team-a/');
  });

  test('problems are reported together', () => {
    expect(() =>
      build({
        staticPrefix: 'mlflow/',
        allowedHosts: [],
        replicas: 0,
        authorization: { ...TRUSTED, userHeader: 'bad header' },
      }),
    ).toThrow(
      [
        'MlflowServer: ',
        '- `staticPrefix` is not a URL path without a trailing slash (got "mlflow/"). Use a path such as /mlflow.',
        '- `authorization.userHeader` is not an HTTP header name (got "bad header"). Use the header the gateway sets, such as kubeflow-userid.',
        '- `allowedHosts` is empty (got []). Name the gateway domain users reach MLflow at, such as kubeflow.example.com.',
        '- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
      ].join('\n'),
    );
  });
});
