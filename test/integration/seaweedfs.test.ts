import { ConfigError } from '../../constructs/core/config/problems';
import { SEAWEEDFS_VERSIONS } from '../../constructs/seaweedfs/versions';
import { MINIO_VERSIONS } from '../../constructs/minio/versions';
import { validateEnvironment } from '../../stacks/config/validate';
import { EnvironmentConfig } from '../../stacks/config/schema';
import { Obj, allObjects, findObject, readEnvironment, renderEnv } from '../helpers';
import { checkIntegrity } from '../integrity';

/** dev.yaml with SeaweedFS instead of MinIO: the same tenants, pipelines and notebooks. */
function seaweedDev(objectStore: Record<string, unknown> = {}): EnvironmentConfig {
  return {
    ...readEnvironment('stacks/dev.yaml'),
    objectStore: { type: 'seaweedfs', ...objectStore },
  } as EnvironmentConfig;
}

function problemsOf(env: unknown): { path: string; rule?: string }[] {
  try {
    validateEnvironment(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => ({ ...p }));
    throw err;
  }
  return [];
}

const objectsOfKindName = (objects: readonly Obj[], kind: string): string[] =>
  objects.filter((o) => o.kind === kind).map((o) => o.metadata.name as string);

const envOf = (container: Obj): Map<string, string> =>
  new Map(
    ((container.env ?? []) as { name: string; value?: string }[]).map((e) => [
      e.name,
      e.value ?? '',
    ]),
  );

describe('objectStore.type: seaweedfs is the platform store for pipelines', () => {
  const rendered = renderEnv(seaweedDev());
  const objects = allObjects(rendered);

  test('the whole platform holds together (selectors, references, ports, CRD order)', () => {
    expect(checkIntegrity(rendered)).toEqual([]);
  });

  test('SeaweedFS runs in its own meshed namespace and MinIO is not installed at all', () => {
    const ns = findObject(objects, 'Namespace', undefined, 'seaweedfs');
    expect(ns.metadata.labels?.['istio-injection']).toBe('enabled');
    findObject(objects, 'StatefulSet', 'seaweedfs', 'seaweedfs');
    expect(
      objects.filter(
        (o) =>
          o.metadata.namespace === 'minio' ||
          (o.kind === 'Namespace' && o.metadata.name === 'minio'),
      ),
    ).toEqual([]);
    expect(JSON.stringify(objects)).not.toContain('minio.minio.svc');
  });

  test('the setup Job makes the buckets with weed shell, then turns versioning on through S3', () => {
    const job = findObject(objects, 'Job', 'seaweedfs', 'seaweedfs-setup');
    const spec = job.spec.template.spec;
    expect(spec.initContainers.map((c: Obj) => c.name)).toEqual(['weed-shell']);
    expect(envOf(spec.initContainers[0]).get('BUCKETS')).toBe('mlpipeline');
    const [mc] = spec.containers;
    expect(mc.image).toContain('quay.io/minio/mc');
    expect(envOf(mc).get('VERSIONED_BUCKETS')).toBe('mlpipeline');
    expect(envOf(mc).get('S3_ENDPOINT')).toBe('http://seaweedfs.seaweedfs.svc.cluster.local:8333');
    const keys = (mc.env as Obj[]).filter((e) => e.valueFrom).map((e) => e.valueFrom.secretKeyRef);
    expect(keys).toEqual([
      { name: 'seaweedfs-admin-credentials', key: 'accessKey' },
      { name: 'seaweedfs-admin-credentials', key: 'secretKey' },
    ]);
    expect(mc.command.join(' ')).toContain('mc version enable "store/$bucket"');
  });

  test('a bucket with versioning: false is left unversioned', () => {
    const job = findObject(
      allObjects(
        renderEnv(
          seaweedDev({ buckets: [{ name: 'mlpipeline' }, { name: 'scratch', versioning: false }] }),
        ),
      ),
      'Job',
      'seaweedfs',
      'seaweedfs-setup',
    );
    expect(envOf(job.spec.template.spec.initContainers[0]).get('BUCKETS')).toBe(
      'mlpipeline scratch',
    );
    expect(envOf(job.spec.template.spec.containers[0]).get('VERSIONED_BUCKETS')).toBe('mlpipeline');
  });

  test('every tenant gets its own SeaweedFS identity, written as the Secret KFP reads', () => {
    const tenants = objects
      .filter((o) => o.kind === 'Profile')
      .map((o) => o.metadata.name as string)
      .sort();
    expect(tenants.length).toBeGreaterThan(0);
    const jobs = objects.filter(
      (o) =>
        o.kind === 'Job' &&
        o.metadata.namespace === 'seaweedfs' &&
        (o.metadata.name as string).startsWith('seaweedfs-tenant-'),
    );
    const byTenant = new Map(
      jobs.map((j) => {
        const all = [
          ...(j.spec.template.spec.initContainers ?? []),
          ...j.spec.template.spec.containers,
        ] as Obj[];
        const merged = new Map(all.flatMap((c) => [...envOf(c)]));
        return [merged.get('TENANT_NAMESPACE') ?? '', merged];
      }),
    );
    // the tenants, and the platform's own readers of artifacts in kubeflow
    expect([...byTenant.keys()].sort()).toEqual([...tenants, 'kubeflow'].sort());
    for (const tenant of tenants) {
      const env = byTenant.get(tenant) ?? new Map<string, string>();
      expect(env.get('SECRET_NAME')).toBe('mlpipeline-minio-artifact');
      const actions = env.get('TENANT_ACTIONS') ?? '';
      expect(actions).toContain(`Read:mlpipeline/private-artifacts/${tenant}/*`);
      // nothing of another tenant, and no shared prefix
      for (const other of tenants.filter((t) => t !== tenant)) {
        expect(actions).not.toContain(`/${other}/`);
      }
      expect(actions).not.toMatch(/mlpipeline\/\*|artifacts\/\*|shared\//);
    }
  });

  test("KFP's launcher reads the store through minio:// at the SeaweedFS endpoint", () => {
    const tenant = objectsOfKindName(objects, 'Profile')[0];
    const launcher = findObject(objects, 'ConfigMap', tenant, 'kfp-launcher');
    expect(launcher.data.defaultPipelineRoot).toBe(
      `minio://mlpipeline/private-artifacts/${tenant}/v2/artifacts`,
    );
    const api = findObject(objects, 'Deployment', 'kubeflow', 'ml-pipeline');
    const env = envOf(api.spec.template.spec.containers[0]);
    expect(env.get('OBJECTSTORECONFIG_HOST')).toBe('seaweedfs.seaweedfs.svc.cluster.local');
    expect(env.get('OBJECTSTORECONFIG_PORT')).toBe('8333');
  });

  test('pipeline steps, which run without a sidecar, reach the S3 port only', () => {
    const pa = findObject(
      objects,
      'PeerAuthentication',
      'seaweedfs',
      'seaweedfs-clients-without-mesh',
    );
    expect(pa.spec.portLevelMtls).toEqual({ '8333': { mode: 'PERMISSIVE' } });
    expect(pa.metadata.annotations?.['mlops-blueprint.dev/reason']).toContain('sidecar');
  });

  test('images are pinned and listed in the bill of materials', () => {
    const images = rendered.images;
    expect(images).toContain(`docker.io/chrislusf/seaweedfs:${SEAWEEDFS_VERSIONS.server.tag}`);
    // the S3 client is the one the MinIO store pins
    expect(SEAWEEDFS_VERSIONS.client).toEqual(MINIO_VERSIONS.client);
    expect(images.some((i) => i.includes('quay.io/minio/mc'))).toBe(true);
    expect(images.some((i) => i.includes('quay.io/minio/minio'))).toBe(false);
  });
});

describe('SeaweedFS settings are checked', () => {
  test('prod states where the admin identity comes from (PROD-OBJECT-STORE-CREDENTIALS)', () => {
    const prod = readEnvironment('stacks/prod.yaml');
    expect(
      problemsOf({ ...prod, objectStore: { type: 'seaweedfs' } }).map((p) => [p.path, p.rule]),
    ).toEqual([['objectStore.adminCredentials', 'PROD-OBJECT-STORE-CREDENTIALS']]);
    expect(
      problemsOf({
        ...prod,
        objectStore: {
          type: 'seaweedfs',
          adminCredentials: { type: 'existing', secretName: 'seaweedfs-admin' },
        },
      }),
    ).toEqual([]);
  });

  test('noncurrent-version expiry is refused with the reason (SEAWEEDFS-LIFECYCLE)', () => {
    const problems = problemsOf(
      seaweedDev({ buckets: [{ name: 'mlpipeline', noncurrentVersionDays: 30 }] }),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'objectStore.buckets[0].noncurrentVersionDays',
        rule: 'SEAWEEDFS-LIFECYCLE',
      }),
    ]);
  });

  test('bucket names are unique (BUCKET-NAMES)', () => {
    expect(
      problemsOf(seaweedDev({ buckets: [{ name: 'mlpipeline' }, { name: 'mlpipeline' }] })).map(
        (p) => [p.path, p.rule],
      ),
    ).toEqual([['objectStore.buckets[1].name', 'BUCKET-NAMES']]);
  });
});
