import { parse } from 'yaml';
import { ConfigError } from '../../constructs/core/config/problems';
import { accessReport } from '../../stacks/access';
import { EnvironmentConfig } from '../../stacks/config/schema';
import { validateEnvironment } from '../../stacks/config/validate';
import { RenderedPlatform } from '../../stacks/render';
import { Obj, allObjects, findObject, objectsOfKind, readEnvironment, renderEnv } from '../helpers';

// Kubeflow Pipelines as the platform wires it: every tenant's object-store keys limited to its own
// prefixes, its launcher, metadata and Argo settings, the platform services' own keys, the
// database and its backups, what the access report shows and the config rules of `pipelines`.

const DEV = readEnvironment('stacks/dev.yaml');
const PROD = readEnvironment('stacks/prod.yaml');
const EXTERNAL_FIXTURE = 'test/fixtures/config/valid/prod-external-everything.yaml';

const TENANTS = ['team-a', 'team-b'] as const;
const BUCKET = 'mlpipeline';
/** MinIO's root credentials: generated under this name in dev, named so in prod.yaml. */
const MINIO_ROOT_SECRET = 'minio-root-credentials';
const ARTIFACT_SECRET = 'mlpipeline-minio-artifact';
const MINIO_ENDPOINT = 'minio.minio.svc.cluster.local:9000';

/** `env` with the two tenants of this file instead of its own. */
const withTwoTenants = (env: EnvironmentConfig): EnvironmentConfig =>
  ({
    ...env,
    tenants: TENANTS.map((name) => ({ name, owner: `lead@${name}.example.com` })),
  }) as EnvironmentConfig;

/** `env` with these `pipelines` settings. */
const withPipelines = (env: EnvironmentConfig, pipelines: unknown): EnvironmentConfig =>
  ({ ...env, pipelines }) as EnvironmentConfig;

interface Rendered {
  readonly rendered: RenderedPlatform;
  readonly objects: Obj[];
}

const render = (env: EnvironmentConfig): Rendered => {
  const rendered = renderEnv(env);
  return { rendered, objects: allObjects(rendered) };
};

const CASES: readonly { name: string; preset: 'dev' | 'prod'; env: EnvironmentConfig }[] = [
  { name: 'stacks/dev.yaml', preset: 'dev', env: withTwoTenants(DEV) },
  { name: 'stacks/prod.yaml', preset: 'prod', env: withTwoTenants(PROD) },
];

const renders = new Map<string, Rendered>();
const renderedCase = (name: string): Rendered => {
  let r = renders.get(name);
  if (!r) {
    const c = CASES.find((x) => x.name === name);
    if (!c) throw new Error(`no case ${name}`);
    r = render(c.env);
    renders.set(name, r);
  }
  return r;
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}

interface PolicyStatement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

const envOf = (container: { env?: EnvVar[] }, name: string): EnvVar => {
  const found = (container.env ?? []).filter((e) => e.name === name);
  if (found.length !== 1) throw new Error(`expected one env ${name}, found ${found.length}`);
  return found[0];
};

const valueOf = (container: { env?: EnvVar[] }, name: string): string | undefined =>
  envOf(container, name).value;

/** The tenant-access Job of `ns` in MinIO's namespace, its two containers. */
function tenantAccessJob(objects: readonly Obj[], ns: string) {
  const job = findObject(objects, 'Job', 'minio', `tenant-access-${ns}`);
  const spec = job.spec.template.spec as {
    initContainers: { name: string; env: EnvVar[] }[];
    containers: { name: string; env: EnvVar[] }[];
  };
  return { job, secretWriter: spec.initContainers[0], mc: spec.containers[0] };
}

function policyOf(objects: readonly Obj[], ns: string): PolicyStatement[] {
  const policy = JSON.parse(valueOf(tenantAccessJob(objects, ns).mc, 'POLICY') ?? 'null') as {
    Version: string;
    Statement: PolicyStatement[];
  };
  expect(policy.Version).toBe('2012-10-17');
  return policy.Statement;
}

/** Every Resource of a policy, and every `s3:prefix` its conditions allow. */
function grantsOf(statements: readonly PolicyStatement[]): {
  resources: string[];
  prefixes: string[];
} {
  return {
    resources: statements.flatMap((s) => s.Resource),
    prefixes: statements.flatMap((s) =>
      Object.values(s.Condition ?? {}).flatMap((c) => c['s3:prefix'] ?? []),
    ),
  };
}

/**
 * Secrets a manifest refers to: `secretKeyRef`, `envFrom[].secretRef`, secret volumes and
 * projected secret sources.
 */
function secretNames(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) secretNames(item, out);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const v = value as { name?: string; secretName?: string } | null;
      if ((key === 'secretKeyRef' || key === 'secretRef') && typeof v?.name === 'string') {
        out.add(v.name);
      } else if (key === 'secret' && typeof v === 'object' && v !== null) {
        const name = v.secretName ?? v.name;
        if (typeof name === 'string') out.add(name);
      }
      secretNames(value, out);
    }
  }
  return out;
}

const sorted = (names: Iterable<string>): string[] => [...names].sort();
const key = (o: Obj): string => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** A Service named by its in-cluster host (`<svc>.<ns>.svc.cluster.local`), which must exist. */
function serviceOfHost(objects: readonly Obj[], host: string): Obj {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
  if (!m) throw new Error(`${host} is not an in-cluster Service host`);
  return findObject(objects, 'Service', m[2], m[1]);
}

const servicePorts = (service: Obj): number[] =>
  (service.spec.ports as { port: number }[]).map((p) => p.port);

/** The problems `validateEnvironment` reports for `env`. */
function problemsOf(env: unknown): { path: string; message: string; rule?: string }[] {
  try {
    validateEnvironment(env, 'environment.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => ({ ...p }));
    throw err;
  }
  return [];
}

function menuTexts(objects: readonly Obj[]): string[] {
  const config = findObject(objects, 'ConfigMap', 'kubeflow', 'dashboard-config');
  return (
    JSON.parse(config.data.links as string) as { menuLinks: { text: string }[] }
  ).menuLinks.map((m) => m.text);
}

describe.each(CASES)('Pipelines in $name with tenants team-a and team-b', ({ name, preset }) => {
  const objects = (): Obj[] => renderedCase(name).objects;

  describe('tenant isolation in the object store', () => {
    test.each(TENANTS)(
      "%s's MinIO policy allows exactly its own two prefixes of the artifact bucket",
      (ns) => {
        const statements = policyOf(objects(), ns);
        expect(statements).toEqual([
          {
            Sid: 'BucketLocation',
            Effect: 'Allow',
            Action: ['s3:GetBucketLocation'],
            Resource: [`arn:aws:s3:::${BUCKET}`],
          },
          {
            Sid: 'ListOwnPrefixes',
            Effect: 'Allow',
            Action: ['s3:ListBucket'],
            Resource: [`arn:aws:s3:::${BUCKET}`],
            Condition: {
              StringLike: { 's3:prefix': [`private-artifacts/${ns}/*`, `private/${ns}/*`] },
            },
          },
          {
            Sid: 'ObjectsUnderOwnPrefixes',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
            Resource: [
              `arn:aws:s3:::${BUCKET}/private-artifacts/${ns}/*`,
              `arn:aws:s3:::${BUCKET}/private/${ns}/*`,
            ],
          },
        ]);
      },
    );

    test.each(TENANTS)(
      "%s's policy names nothing of the other tenant, in any Resource or s3:prefix",
      (ns) => {
        const other = TENANTS.find((t) => t !== ns) ?? '';
        const own = [`private-artifacts/${ns}/`, `private/${ns}/`];
        const { resources, prefixes } = grantsOf(policyOf(objects(), ns));
        expect(resources.length).toBeGreaterThan(0);
        expect(prefixes.length).toBeGreaterThan(0);
        // every object resource sits under one of the tenant's own prefixes; the bucket itself
        // appears only for location and (conditioned) listing
        for (const r of resources) {
          const object = r.slice(`arn:aws:s3:::${BUCKET}/`.length);
          expect(
            r === `arn:aws:s3:::${BUCKET}` ||
              (r.startsWith(`arn:aws:s3:::${BUCKET}/`) && own.some((p) => object === `${p}*`)),
          ).toBe(true);
        }
        for (const p of prefixes) expect(own.map((o) => `${o}*`)).toContain(p);
        expect([...resources, ...prefixes].filter((s) => s.includes(other))).toEqual([]);
      },
    );

    test("each tenant's Secret is written by its own Job into its own namespace only", () => {
      const jobs = objectsOfKind(objects(), 'Job').filter((j) =>
        (j.metadata.name as string).startsWith('tenant-access-'),
      );
      // the tenants and the platform's own Pipelines services, nothing else
      expect(jobs.map((j) => `${j.metadata.namespace}/${j.metadata.name}`).sort()).toEqual([
        'minio/tenant-access-kubeflow',
        'minio/tenant-access-team-a',
        'minio/tenant-access-team-b',
      ]);
      for (const ns of TENANTS) {
        const { secretWriter, mc } = tenantAccessJob(objects(), ns);
        expect(valueOf(secretWriter, 'TENANT_NAMESPACE')).toBe(ns);
        expect(valueOf(secretWriter, 'SECRET_NAME')).toBe(ARTIFACT_SECRET);
        expect(valueOf(secretWriter, 'TENANT_USER')).toBe(`tenant-${ns}`);
        expect(valueOf(mc, 'TENANT_USER')).toBe(`tenant-${ns}`);
        expect(valueOf(mc, 'POLICY_NAME')).toBe(`tenant-${ns}`);
      }
      // the key is generated in the cluster: no manifest carries the Secret itself
      expect(
        objects().filter((o) => o.kind === 'Secret' && o.metadata.name === ARTIFACT_SECRET),
      ).toEqual([]);
    });

    test.each(TENANTS)(
      "the Role that lets %s's Job write the Secret lives in that namespace only",
      (ns) => {
        const account = `tenant-access-${ns}`;
        const bindings = objects().filter(
          (o) =>
            (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') &&
            ((o.subjects ?? []) as { kind: string; name: string; namespace?: string }[]).some(
              (s) => s.kind === 'ServiceAccount' && s.name === account && s.namespace === 'minio',
            ),
        );
        expect(bindings.map(key)).toEqual([`RoleBinding ${ns}/${account}`]);
        expect(bindings[0].roleRef).toEqual({
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: account,
        });
        const roles = objects().filter((o) => o.kind === 'Role' && o.metadata.name === account);
        expect(roles.map(key)).toEqual([`Role ${ns}/${account}`]);
        expect(roles[0].rules).toEqual([
          {
            apiGroups: [''],
            resources: ['secrets'],
            resourceNames: [ARTIFACT_SECRET],
            verbs: ['get', 'patch'],
          },
          { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        ]);
        // the Job's pod runs as that account, in MinIO's namespace
        const { job } = tenantAccessJob(objects(), ns);
        expect(job.spec.template.spec.serviceAccountName).toBe(account);
      },
    );

    test("MinIO's root credentials are referenced only in the minio namespace", () => {
      // it is the root Secret: the server reads its root user from it
      const minio = findObject(objects(), 'StatefulSet', 'minio', 'minio');
      expect(
        envOf(minio.spec.template.spec.containers[0] as { env: EnvVar[] }, 'MINIO_ROOT_USER')
          .valueFrom?.secretKeyRef?.name,
      ).toBe(MINIO_ROOT_SECRET);
      const referring = objects().filter((o) => JSON.stringify(o).includes(MINIO_ROOT_SECRET));
      expect(referring.map(key)).toEqual(
        expect.arrayContaining([
          'StatefulSet minio/minio',
          'Job minio/tenant-access-kubeflow',
          'Job minio/tenant-access-team-a',
          'Job minio/tenant-access-team-b',
        ]),
      );
      expect(referring.filter((o) => o.metadata.namespace !== 'minio').map(key)).toEqual([]);
      // in the tenant-access Jobs, only the mc container (no API token) holds the root keys
      for (const ns of TENANTS) {
        const { secretWriter, mc } = tenantAccessJob(objects(), ns);
        expect(sorted(secretNames(secretWriter))).toEqual([]);
        expect(sorted(secretNames(mc))).toEqual([MINIO_ROOT_SECRET]);
      }
    });
  });

  describe.each(TENANTS)("%s's Pipelines settings", (ns) => {
    test('kfp-launcher roots its pipelines under the tenant prefix of the artifact bucket', () => {
      const launcher = findObject(objects(), 'ConfigMap', ns, 'kfp-launcher');
      expect(launcher.data).toEqual({
        defaultPipelineRoot: `minio://${BUCKET}/private-artifacts/${ns}/v2/artifacts`,
        clusterDomain: '.svc.cluster.local',
      });
    });

    test('metadata-grpc-configmap names the metadata gRPC Service of kubeflow on a port it has', () => {
      const config = findObject(objects(), 'ConfigMap', ns, 'metadata-grpc-configmap');
      expect(config.data).toEqual({
        METADATA_GRPC_SERVICE_HOST: 'metadata-grpc-service.kubeflow.svc.cluster.local',
        METADATA_GRPC_SERVICE_PORT: '8080',
      });
      const service = serviceOfHost(objects(), config.data.METADATA_GRPC_SERVICE_HOST as string);
      expect(service.metadata.namespace).toBe('kubeflow');
      expect(servicePorts(service)).toContain(Number(config.data.METADATA_GRPC_SERVICE_PORT));
    });

    test("artifact-repositories is Argo's namespace default, with the tenant's own prefix and keys", () => {
      const repos = findObject(objects(), 'ConfigMap', ns, 'artifact-repositories');
      expect(repos.metadata.annotations).toEqual({
        'workflows.argoproj.io/default-artifact-repository': 'default-namespaced',
      });
      expect(Object.keys(repos.data as object)).toEqual(['default-namespaced']);
      const repo = JSON.parse(repos.data['default-namespaced'] as string) as {
        archiveLogs: boolean;
        s3: Record<string, unknown> & { endpoint: string; keyFormat: string };
      };
      expect(repo.s3.endpoint).toBe(MINIO_ENDPOINT);
      const [host, port] = repo.s3.endpoint.split(':');
      expect(servicePorts(serviceOfHost(objects(), host))).toContain(Number(port));
      expect(repo.s3.keyFormat.startsWith(`private-artifacts/${ns}/`)).toBe(true);
      expect(repo).toEqual({
        archiveLogs: true,
        s3: {
          endpoint: MINIO_ENDPOINT,
          bucket: BUCKET,
          keyFormat: `private-artifacts/${ns}/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}`,
          insecure: true,
          region: 'us-east-1',
          // the Secret in the workflow's (the tenant's) namespace, which its own Job writes
          accessKeySecret: { name: ARTIFACT_SECRET, key: 'accesskey' },
          secretKeySecret: { name: ARTIFACT_SECRET, key: 'secretkey' },
        },
      });
      expect(valueOf(tenantAccessJob(objects(), ns).secretWriter, 'TENANT_NAMESPACE')).toBe(ns);
    });
  });

  describe("the platform's Pipelines services", () => {
    test('use the scoped Secret of kubeflow, whose policy covers exactly the platform prefixes', () => {
      const { secretWriter } = tenantAccessJob(objects(), 'kubeflow');
      expect(valueOf(secretWriter, 'TENANT_NAMESPACE')).toBe('kubeflow');
      expect(valueOf(secretWriter, 'SECRET_NAME')).toBe(ARTIFACT_SECRET);
      const platformPrefixes = [
        'pipelines/',
        'private-artifacts/',
        'private/',
        'database-backups/',
      ];
      const { resources, prefixes } = grantsOf(policyOf(objects(), 'kubeflow'));
      expect(prefixes).toEqual(platformPrefixes.map((p) => `${p}*`));
      expect(resources).toEqual([
        `arn:aws:s3:::${BUCKET}`,
        `arn:aws:s3:::${BUCKET}`,
        ...platformPrefixes.map((p) => `arn:aws:s3:::${BUCKET}/${p}*`),
      ]);
    });

    test('ml-pipeline and ml-pipeline-ui read their object-store keys from it, never the root keys', () => {
      const api = findObject(objects(), 'Deployment', 'kubeflow', 'ml-pipeline');
      const apiContainer = api.spec.template.spec.containers[0] as { env: EnvVar[] };
      expect(envOf(apiContainer, 'OBJECTSTORECONFIG_ACCESSKEY').valueFrom?.secretKeyRef).toEqual({
        name: ARTIFACT_SECRET,
        key: 'accesskey',
      });
      expect(
        envOf(apiContainer, 'OBJECTSTORECONFIG_SECRETACCESSKEY').valueFrom?.secretKeyRef,
      ).toEqual({ name: ARTIFACT_SECRET, key: 'secretkey' });
      expect(sorted(secretNames(api))).toEqual([ARTIFACT_SECRET, 'mysql-credentials']);

      const ui = findObject(objects(), 'Deployment', 'kubeflow', 'ml-pipeline-ui');
      const uiContainer = ui.spec.template.spec.containers[0] as { env: EnvVar[] };
      for (const [name, k] of [
        ['MINIO_ACCESS_KEY', 'accesskey'],
        ['MINIO_SECRET_KEY', 'secretkey'],
        ['AWS_ACCESS_KEY_ID', 'accesskey'],
        ['AWS_SECRET_ACCESS_KEY', 'secretkey'],
      ]) {
        expect(envOf(uiContainer, name).valueFrom?.secretKeyRef).toEqual({
          name: ARTIFACT_SECRET,
          key: k,
        });
      }
      expect(sorted(secretNames(ui))).toEqual([ARTIFACT_SECRET]);
    });

    test("Argo's controller config points the default repository at the same Secret", () => {
      const config = findObject(
        objects(),
        'ConfigMap',
        'kubeflow',
        'workflow-controller-configmap',
      );
      const repo = parse(config.data.artifactRepository as string) as {
        s3: Record<string, unknown>;
      };
      expect(repo.s3.accessKeySecret).toEqual({ name: ARTIFACT_SECRET, key: 'accesskey' });
      expect(repo.s3.secretKeySecret).toEqual({ name: ARTIFACT_SECRET, key: 'secretkey' });
      expect(repo.s3.endpoint).toBe(MINIO_ENDPOINT);
      expect(repo.s3.bucket).toBe(BUCKET);
      expect(JSON.stringify(config)).not.toContain(MINIO_ROOT_SECRET);
    });

    if (preset === 'prod') {
      test('the backup CronJob writes with the same Secret', () => {
        const cron = findObject(objects(), 'CronJob', 'kubeflow', 'mysql-backup');
        const backup = cron.spec.jobTemplate.spec.template.spec.containers[0] as { env: EnvVar[] };
        expect(envOf(backup, 'S3_ACCESS_KEY').valueFrom?.secretKeyRef).toEqual({
          name: ARTIFACT_SECRET,
          key: 'accesskey',
        });
        expect(envOf(backup, 'S3_SECRET_KEY').valueFrom?.secretKeyRef).toEqual({
          name: ARTIFACT_SECRET,
          key: 'secretkey',
        });
        // under database-backups/, which the platform's policy covers
        expect(valueOf(backup, 'PREFIX')).toBe('database-backups/pipelines');
        expect(sorted(secretNames(cron))).toEqual([ARTIFACT_SECRET, 'mysql-credentials']);
      });
    }
  });

  test("the API server's database is the MySQL Service, its credentials the generated Secret of kubeflow", () => {
    const api = findObject(objects(), 'Deployment', 'kubeflow', 'ml-pipeline');
    const container = api.spec.template.spec.containers[0] as { env: EnvVar[] };
    const fromConfig = (name: string): string => {
      const ref = envOf(container, name).valueFrom?.configMapKeyRef;
      if (!ref) throw new Error(`${name} is not read from a ConfigMap`);
      const config = findObject(objects(), 'ConfigMap', 'kubeflow', ref.name);
      return config.data[ref.key] as string;
    };
    const host = fromConfig('DBCONFIG_MYSQLCONFIG_HOST');
    const port = fromConfig('DBCONFIG_MYSQLCONFIG_PORT');
    expect([host, port]).toEqual(['mysql.kubeflow.svc.cluster.local', '3306']);
    const service = serviceOfHost(objects(), host);
    expect(servicePorts(service)).toContain(Number(port));
    // the Service selects the MySQL server
    const server = findObject(objects(), 'StatefulSet', 'kubeflow', 'mysql');
    expect(server.spec.template.metadata.labels).toEqual(
      expect.objectContaining(service.spec.selector as Record<string, string>),
    );

    const user = envOf(container, 'DBCONFIG_MYSQLCONFIG_USER').valueFrom?.secretKeyRef;
    const password = envOf(container, 'DBCONFIG_MYSQLCONFIG_PASSWORD').valueFrom?.secretKeyRef;
    expect([user, password]).toEqual([
      { name: 'mysql-credentials', key: 'username' },
      { name: 'mysql-credentials', key: 'password' },
    ]);
    // made in kubeflow by the generator Job, with both keys
    const generator = findObject(objects(), 'Job', 'kubeflow', 'mysql-credentials-generator');
    const gen = generator.spec.template.spec.containers[0] as { env: EnvVar[] };
    expect(valueOf(gen, 'SECRET_NAME')).toBe('mysql-credentials');
    expect((valueOf(gen, 'GENERATED_KEY_NAMES') ?? '').split(' ').sort()).toEqual([
      'password',
      'username',
    ]);
    expect(renderedCase(name).rendered.requiredSecrets.map((s) => s.name)).not.toContain(
      'mysql-credentials',
    );
  });

  if (preset === 'prod') {
    test('the database is dumped nightly at the default schedule and kept 30 days', () => {
      const crons = objectsOfKind(objects(), 'CronJob');
      expect(crons.map(key)).toEqual(['CronJob kubeflow/mysql-backup']);
      expect(crons[0].spec.schedule).toBe('0 2 * * *');
      const backup = crons[0].spec.jobTemplate.spec.template.spec.containers[0] as {
        env: EnvVar[];
      };
      expect(valueOf(backup, 'RETENTION_DAYS')).toBe('30');
      expect(valueOf(backup, 'BUCKET')).toBe(BUCKET);
      expect(valueOf(backup, 'DB_HOST')).toBe('mysql.kubeflow.svc.cluster.local');
    });
  } else {
    test('no database backup runs', () => {
      expect(objectsOfKind(objects(), 'CronJob').map(key)).toEqual([]);
    });
  }

  test.each(TENANTS)(
    "%s's access report lists kubeflow's ml-pipeline (8888, 8887), metadata gRPC (8080) and Katib's DB manager (6789)",
    (ns) => {
      const report = accessReport(renderedCase(name).rendered);
      const tenant = report.tenants.find((t) => t.tenant === ns);
      const inKubeflow = (tenant?.reaches ?? []).filter((r) => r.namespace === 'kubeflow');
      expect(inKubeflow.map((r) => `${r.policy} ${r.ports.join(',')}`)).toEqual([
        // trials' metrics collectors report, suggestions read (AutoML)
        'allow-katib-db-manager-from-tenants 6789/TCP',
        'allow-metadata-grpc-service-from-pipelines 8080/TCP',
        'allow-ml-pipeline-from-tenants 8888/TCP,8887/TCP',
      ]);
      // the allows select the pods behind those Services, on ports the Services have
      for (const [policy, service] of [
        ['allow-metadata-grpc-service-from-pipelines', 'metadata-grpc-service'],
        ['allow-ml-pipeline-from-tenants', 'ml-pipeline'],
      ]) {
        const np = findObject(objects(), 'NetworkPolicy', 'kubeflow', policy);
        const svc = findObject(objects(), 'Service', 'kubeflow', service);
        expect(np.spec.podSelector).toEqual({ matchLabels: svc.spec.selector });
        const ports = (np.spec.ingress as { ports: { port: number }[] }[]).flatMap((i) =>
          i.ports.map((p) => p.port),
        );
        expect(ports).toEqual(servicePorts(svc));
      }
    },
  );
});

describe('backup settings from the environment', () => {
  test('prod: the configured schedule and retention reach the CronJob', () => {
    const { objects } = render(
      withPipelines(PROD, { backup: { schedule: '30 3 * * 0', retentionDays: 9 } }),
    );
    const cron = findObject(objects, 'CronJob', 'kubeflow', 'mysql-backup');
    expect(cron.spec.schedule).toBe('30 3 * * 0');
    const backup = cron.spec.jobTemplate.spec.template.spec.containers[0] as { env: EnvVar[] };
    expect(valueOf(backup, 'RETENTION_DAYS')).toBe('9');
  });

  test('dev: a backup switched on keeps 7 days by default', () => {
    const { objects } = render(withPipelines(DEV, { backup: { enabled: true } }));
    const cron = findObject(objects, 'CronJob', 'kubeflow', 'mysql-backup');
    expect(cron.spec.schedule).toBe('0 2 * * *');
    const backup = cron.spec.jobTemplate.spec.template.spec.containers[0] as { env: EnvVar[] };
    expect(valueOf(backup, 'RETENTION_DAYS')).toBe('7');
  });
});

describe(`an external database (${EXTERNAL_FIXTURE})`, () => {
  let cached: Rendered | undefined;
  const external = (): Rendered => (cached ??= render(readEnvironment(EXTERNAL_FIXTURE)));

  test("the API server's database env resolves to the host and the required Secret", () => {
    const { objects, rendered } = external();
    const api = findObject(objects, 'Deployment', 'kubeflow', 'ml-pipeline');
    const container = api.spec.template.spec.containers[0] as { env: EnvVar[] };
    for (const [env, configKey] of [
      ['DBCONFIG_MYSQLCONFIG_HOST', 'mysqlHost'],
      ['DBCONFIG_MYSQLCONFIG_PORT', 'mysqlPort'],
    ]) {
      expect(envOf(container, env).valueFrom?.configMapKeyRef).toEqual({
        name: 'pipeline-install-config',
        key: configKey,
      });
    }
    const config = findObject(objects, 'ConfigMap', 'kubeflow', 'pipeline-install-config');
    expect([config.data.mysqlHost, config.data.mysqlPort]).toEqual([
      'mysql.db.example.com',
      '3306',
    ]);
    expect(envOf(container, 'DBCONFIG_MYSQLCONFIG_USER').valueFrom?.secretKeyRef).toEqual({
      name: 'kfp-mysql',
      key: 'username',
    });
    expect(envOf(container, 'DBCONFIG_MYSQLCONFIG_PASSWORD').valueFrom?.secretKeyRef).toEqual({
      name: 'kfp-mysql',
      key: 'password',
    });
    // the user's Secret, required in kubeflow before install and made by nothing here
    const required = rendered.requiredSecrets.filter((s) => s.name === 'kfp-mysql');
    expect(required.map((s) => ({ namespace: s.namespace, name: s.name, keys: s.keys }))).toEqual([
      { namespace: 'kubeflow', name: 'kfp-mysql', keys: ['password', 'username'] },
    ]);
    const generators = objectsOfKind(objects, 'Job').filter((j) =>
      (j.spec.template.spec.containers as { env?: EnvVar[] }[]).some((c) =>
        (c.env ?? []).some((e) => e.name === 'SECRET_NAME' && e.value === 'kfp-mysql'),
      ),
    );
    expect(generators.map(key)).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Secret' && o.metadata.name === 'kfp-mysql')).toEqual(
      [],
    );
    // and no managed MySQL next to it
    expect(objects.filter((o) => o.metadata.name === 'mysql').map(key)).toEqual([]);
  });

  // Each client of the database (API server, cache server, ML Metadata, backup) requires the same
  // Secret for the same purpose; install.sh prints "used by <purpose>" and should say it once.
  test('the required Secret states its purpose once', () => {
    const required = external().rendered.requiredSecrets.find((s) => s.name === 'kfp-mysql');
    expect(required?.purpose).toBe('mysql database mysql.db.example.com clients');
  });
});

describe('config rules of pipelines', () => {
  const external = {
    type: 'external',
    host: 'mysql.db.example.com',
    credentials: { secretName: 'kfp-mysql' },
  };

  test.each([
    ['dev', DEV],
    ['prod', PROD],
  ])('%s: a backup schedule that is not cron is PIPELINES-BACKUP-SCHEDULE', (_name, env) => {
    expect(problemsOf(withPipelines(env, { backup: { schedule: 'every day' } }))).toEqual([
      {
        path: 'pipelines.backup.schedule',
        message:
          '`pipelines.backup.schedule` is not a five-field cron expression (got "every day"). Use minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every day.',
        rule: 'PIPELINES-BACKUP-SCHEDULE',
      },
    ]);
    expect(problemsOf(withPipelines(env, { backup: { schedule: '15 1 * * *' } }))).toEqual([]);
  });

  const metadataTls = {
    path: 'pipelines.database.tls.required',
    message:
      '`pipelines.database.tls.required` is true, but ML Metadata 1.14.0 (lineage of every run) cannot connect to its database with TLS (got boolean true). Set it to false for a database reached over a network you trust (with tls.reason in prod), or use the managed database.',
    rule: 'PIPELINES-METADATA-TLS',
  };

  test('an external database with TLS required is PIPELINES-METADATA-TLS (TLS is the default)', () => {
    expect(
      problemsOf(withPipelines(DEV, { database: { ...external, tls: { required: true } } })),
    ).toEqual([metadataTls]);
    expect(problemsOf(withPipelines(DEV, { database: external }))).toEqual([metadataTls]);
    expect(
      problemsOf(withPipelines(DEV, { database: { ...external, tls: { required: false } } })),
    ).toEqual([]);
  });

  const databaseTls = {
    path: 'pipelines.database.tls.required',
    message:
      '`pipelines.database.tls.required` is false for the prod preset (got boolean false). Give pipelines.database.tls.reason for a network you trust (ML Metadata 1.14.0 cannot connect with TLS), or use the managed database.',
    rule: 'PIPELINES-DATABASE-TLS',
  };

  test('prod: an external database without TLS and without a reason is PIPELINES-DATABASE-TLS', () => {
    expect(
      problemsOf(withPipelines(PROD, { database: { ...external, tls: { required: false } } })),
    ).toEqual([databaseTls]);
    expect(
      problemsOf(
        withPipelines(PROD, {
          database: {
            ...external,
            tls: { required: false, reason: 'A private network peered with the cluster' },
          },
        }),
      ),
    ).toEqual([]);
  });

  // The fixes PIPELINES-DATABASE-TLS suggests are the ones that work: requiring TLS instead would
  // trip PIPELINES-METADATA-TLS, since ML Metadata 1.14.0 cannot connect with TLS.
  test('prod: requiring TLS of an external database is refused for ML Metadata', () => {
    expect(
      problemsOf(withPipelines(PROD, { database: { ...external, tls: { required: true } } })),
    ).toEqual([metadataTls]);
  });
});

describe.each([
  ['stacks/dev.yaml', DEV],
  ['stacks/prod.yaml', PROD],
])('pipelines.enabled: false in %s', (_name, env) => {
  let off: Rendered | undefined;
  let on: Rendered | undefined;
  const objectsOff = (): Obj[] =>
    (off ??= render({
      ...withPipelines(withTwoTenants(env), { enabled: false }),
      kubeflow: { katib: { enabled: false } },
    } as EnvironmentConfig)).objects;
  const objectsOn = (): Obj[] => (on ??= render(withTwoTenants(env))).objects;

  test('builds no Pipelines object', () => {
    const objects = objectsOff();
    expect(
      objects.filter((o) => o.kind === 'Deployment' && o.metadata.name === 'ml-pipeline'),
    ).toEqual([]);
    expect(
      objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kfp-launcher'),
    ).toEqual([]);
    const pipelinesObjects = objects.filter((o) =>
      ['kubeflow-pipelines', 'argo-workflows', 'mysql'].includes(
        o.metadata.labels?.['app.kubernetes.io/name'] ?? '',
      ),
    );
    expect(pipelinesObjects.map(key)).toEqual([]);
    // the tenants' own object-store keys stay: model serving reads models with them
    const accessJobs = (objects: Obj[]) =>
      objects
        .filter((o) => o.kind === 'Job' && (o.metadata.name as string).startsWith('tenant-access-'))
        .map(key);
    expect(accessJobs(objects)).toEqual([
      'Job minio/tenant-access-team-a',
      'Job minio/tenant-access-team-b',
    ]);
    // and go with serving too
    expect(
      accessJobs(
        render(
          withPipelines(
            {
              ...withTwoTenants(env),
              serving: { enabled: false },
              kubeflow: { katib: { enabled: false } },
            } as EnvironmentConfig,
            {
              enabled: false,
            },
          ),
        ).objects,
      ),
    ).toEqual([]);
    // the same environment with Pipelines on has them
    expect(findObject(objectsOn(), 'Deployment', 'kubeflow', 'ml-pipeline').kind).toBe(
      'Deployment',
    );
    expect(findObject(objectsOn(), 'ConfigMap', 'team-a', 'kfp-launcher').kind).toBe('ConfigMap');
  });

  test('leaves the dashboard menu without Pipelines', () => {
    expect(menuTexts(objectsOff())).toEqual([
      'Notebooks',
      'Volumes',
      'TensorBoards',
      'Model Registry',
      'KServe Endpoints',
    ]);
    expect(menuTexts(objectsOn())).toEqual([
      'Notebooks',
      'Volumes',
      'TensorBoards',
      'Pipelines',
      'Model Registry',
      'KServe Endpoints',
      'Katib Experiments',
    ]);
  });
});
