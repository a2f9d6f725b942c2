import { NetworkPeer } from '../../../constructs/core/network';
import { SecretSource } from '../../../constructs/core/secrets';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { SEAWEEDFS_DEFAULT_RESOURCES, SeaweedFs } from '../../../constructs/seaweedfs/seaweedfs';
import {
  SEAWEEDFS_TENANT_SCRIPT,
  seaweedFsTenantActions,
} from '../../../constructs/seaweedfs/tenant-access';
import { Obj, findObject, testChart } from '../../helpers';

function build(
  props: Partial<ConstructorParameters<typeof SeaweedFs>[2]> = {},
  tenants: string[] = [],
) {
  const { chart, synth } = testChart();
  const namespace = new PlatformNamespace(chart, 'Ns', { name: 'storage' });
  const store = new SeaweedFs(chart, 'SeaweedFs', { namespace, ...props });
  const creds = tenants.map((t) =>
    store.scopedCredentials(chart, {
      namespace: t,
      prefixes: [`private-artifacts/${t}/`, `private/${t}/`],
    }),
  );
  return { store, creds, objects: synth() };
}

const env = (c: Obj, name: string) => c.env.find((e: Obj) => e.name === name);

/** Upstream facts: Kubeflow 26.03.1 seaweedfs-deployment.yaml / -service.yaml, SeaweedFS 4.00. */
const UPSTREAM = {
  image: 'docker.io/chrislusf/seaweedfs:4.00',
  args: ['server', '-dir=/data', '-s3', '-filer', '-master.volumePreallocate=false'],
  s3Port: 8333,
  probePath: '/status',
  imageUser: 1000,
  pvcGiB: '20Gi',
};

describe('SeaweedFs', () => {
  test('defaults: mlpipeline bucket, 20 GiB, generated admin keys, default resources', () => {
    const { store, objects } = build();
    expect(store.buckets).toEqual(['mlpipeline']);
    expect(store.storageGiB).toBe(20);
    expect(store.region).toBe('us-east-1');
    expect(store.adminCredentials.origin).toBe('generated');
    expect(store.endpointUrl).toBe('http://seaweedfs.storage.svc.cluster.local:8333');
    expect(store.port).toBe(UPSTREAM.s3Port);
    expect(store.credentials).toEqual({
      secretName: 'seaweedfs-admin-credentials',
      namespace: 'storage',
      accessKeyKey: 'accessKey',
      secretKeyKey: 'secretKey',
    });
    const sts = findObject(objects, 'StatefulSet', 'storage', 'seaweedfs');
    expect(sts.spec.template.spec.containers[0].resources.limits).toEqual({
      cpu: SEAWEEDFS_DEFAULT_RESOURCES.cpu.limit,
      memory: SEAWEEDFS_DEFAULT_RESOURCES.memory.limit,
    });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: UPSTREAM.pvcGiB } },
    });
    expect(
      findObject(objects, 'Job', 'storage', 'seaweedfs-admin-credentials-generator'),
    ).toBeDefined();
  });

  test('the server as upstream runs it: image, args, S3 port, /status probes, restricted', () => {
    const { objects } = build();
    const sts = findObject(objects, 'StatefulSet', 'storage', 'seaweedfs');
    const pod = sts.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe(UPSTREAM.image);
    expect(c.args).toEqual(UPSTREAM.args);
    expect(c.args).not.toContain('-iam');
    expect(c.ports[0]).toEqual({ name: 'http-s3', containerPort: 8333, protocol: 'TCP' });
    for (const p of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
      expect(p.httpGet).toEqual({ path: UPSTREAM.probePath, port: 'http-s3', scheme: 'HTTP' });
    }
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext).toMatchObject({
      runAsUser: UPSTREAM.imageUser,
      runAsGroup: UPSTREAM.imageUser,
      fsGroup: UPSTREAM.imageUser,
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(c.volumeMounts).toEqual([
      { name: 'data', mountPath: '/data' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    const api = findObject(objects, 'Service', 'storage', 'seaweedfs');
    expect(api.spec.ports).toEqual([
      { name: 'http-s3', port: 8333, targetPort: 'http-s3', protocol: 'TCP', appProtocol: 'http' },
    ]);
    expect(api.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(
      findObject(objects, 'Service', 'storage', 'seaweedfs-admin').spec.ports.map(
        (p: Obj) => p.port,
      ),
    ).toEqual([9333, 19333, 8888, 18888]);
  });

  test('admin keys only as secretKeyRefs in its own namespace, never as values', () => {
    const { objects } = build({}, ['team-a']);
    const sts = findObject(objects, 'StatefulSet', 'storage', 'seaweedfs');
    const c = sts.spec.template.spec.containers[0];
    expect(env(c, 'AWS_ACCESS_KEY_ID').valueFrom.secretKeyRef).toEqual({
      name: 'seaweedfs-admin-credentials',
      key: 'accessKey',
    });
    expect(env(c, 'AWS_SECRET_ACCESS_KEY').valueFrom.secretKeyRef).toEqual({
      name: 'seaweedfs-admin-credentials',
      key: 'secretKey',
    });
    // Every reference to the admin Secret sits in the store's namespace.
    const refs: { ns: string; kind: string }[] = [];
    const walk = (o: unknown, ns: string, kind: string): void => {
      if (Array.isArray(o)) o.forEach((x) => walk(x, ns, kind));
      else if (o && typeof o === 'object') {
        const r = o as Obj;
        if (r.secretKeyRef?.name === 'seaweedfs-admin-credentials') refs.push({ ns, kind });
        Object.values(r).forEach((x) => walk(x, ns, kind));
      }
    };
    objects.forEach((o) => walk(o, o.metadata.namespace ?? '', o.kind));
    expect(refs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(refs.map((r) => r.ns))).toEqual(new Set(['storage']));
    expect(
      objects
        .filter((o) => o.metadata.namespace === 'team-a')
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['Role', 'RoleBinding']);
    expect(JSON.stringify(objects)).not.toMatch(/AWS_SECRET_ACCESS_KEY","value"/);
  });

  test('the setup Job creates every bucket and the admin identity idempotently', () => {
    const { objects } = build({ buckets: [{ name: 'mlpipeline' }, { name: 'models' }] });
    const job = findObject(objects, 'Job', 'storage', 'seaweedfs-setup');
    const c = job.spec.template.spec.initContainers[0];
    expect(c.image).toBe(UPSTREAM.image);
    expect(env(c, 'BUCKETS').value).toBe('mlpipeline models');
    // then versioning, through the S3 API, for the buckets that keep versions (all by default)
    const mc = job.spec.template.spec.containers[0];
    expect(env(mc, 'VERSIONED_BUCKETS').value).toBe('mlpipeline models');
    expect(mc.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(env(c, 'SEAWEEDFS_MASTER').value).toBe('seaweedfs-admin.storage.svc.cluster.local:9333');
    expect(env(c, 'ADMIN_USER').value).toBe('kubeflow-admin');
    const script: string = c.command[2];
    expect(script).toContain('if listed "$bucket"');
    expect(script).toContain('s3.bucket.create -name %s');
    expect(script).toContain('-actions Admin -apply');
    // s3.configure prints every secret key: its output never reaches the log.
    expect(script).toContain('admin_line | wshell >/dev/null 2>&1');
    expect(job.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    const allow = findObject(objects, 'NetworkPolicy', 'storage', 'allow-seaweedfs-from-setup');
    expect(
      allow.spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/component'],
    ).toBe('setup');
  });

  test('grantAccess opens only the S3 port; storage class and size pass through', () => {
    const { chart, synth } = testChart();
    const namespace = new PlatformNamespace(chart, 'Ns', { name: 'storage' });
    const store = new SeaweedFs(chart, 'S', { namespace, storageClassName: 'fast', storageGiB: 5 });
    store.grantAccess('from-kubeflow', NetworkPeer.namespace('kubeflow'));
    const objects = synth();
    const p = findObject(objects, 'NetworkPolicy', 'storage', 'allow-from-kubeflow');
    expect(p.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('server');
    expect(p.spec.ingress[0].ports).toEqual([{ port: 8333, protocol: 'TCP' }]);
    expect(
      findObject(objects, 'StatefulSet', 'storage', 'seaweedfs').spec.volumeClaimTemplates[0].spec,
    ).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } });
  });

  test('an existing Secret is referenced with its own keys and nothing is generated', () => {
    const { store, objects } = build({
      adminCredentials: SecretSource.existing('corp-s3', { accessKey: 'id', secretKey: 'key' }),
    });
    expect(store.credentials).toMatchObject({
      secretName: 'corp-s3',
      accessKeyKey: 'id',
      secretKeyKey: 'key',
    });
    expect(objects.some((o) => o.kind === 'Job' && o.metadata.name.endsWith('generator'))).toBe(
      false,
    );
  });

  test('invalid props: every problem at once', () => {
    expect(() => build({ buckets: [{ name: 'A_b' }], storageGiB: 0 })).toThrow(
      'SeaweedFs:\n`buckets[0].name` is not an S3 bucket name (got "A_b"). Use 3 to 63 lower-case letters, digits, dots and hyphens, such as mlpipeline.\n`storageGiB` is not a positive whole number (got 0). Use for example 20.',
    );
    expect(() => build({ buckets: [] })).toThrow('`buckets` is empty (got []).');
  });

  test('deterministic: two builds synthesize the same objects', () => {
    expect(JSON.stringify(build({}, ['a', 'b']).objects)).toBe(
      JSON.stringify(build({}, ['a', 'b']).objects),
    );
  });
});

describe('scopedCredentials', () => {
  test('writes mlpipeline-minio-artifact in the tenant namespace, with accesskey/secretkey', () => {
    const { creds, objects } = build({}, ['team-a']);
    expect(creds[0]).toEqual({
      secretName: 'mlpipeline-minio-artifact',
      namespace: 'team-a',
      accessKeyKey: 'accesskey',
      secretKeyKey: 'secretkey',
    });
    const job = findObject(objects, 'Job', 'storage', 'seaweedfs-tenant-team-a');
    const [init] = job.spec.template.spec.initContainers;
    const [main] = job.spec.template.spec.containers;
    expect(env(init, 'TENANT_NAMESPACE').value).toBe('team-a');
    expect(env(init, 'SECRET_NAME').value).toBe('mlpipeline-minio-artifact');
    // Only the kubectl container holds an API token; only weed shell holds the admin keys.
    expect(init.volumeMounts.map((m: Obj) => m.name)).toContain('api-token');
    expect(main.volumeMounts.map((m: Obj) => m.name)).not.toContain('api-token');
    expect(init.env.some((e: Obj) => e.valueFrom)).toBe(false);
    expect(main.command[2]).toBe(SEAWEEDFS_TENANT_SCRIPT);
    const role = findObject(objects, 'Role', 'team-a', 'seaweedfs-tenant-team-a');
    expect(role.rules[0]).toMatchObject({
      resourceNames: ['mlpipeline-minio-artifact'],
      verbs: ['get', 'patch'],
    });
  });

  test("the identity allows exactly the tenant's prefixes and nothing of another tenant", () => {
    const { objects } = build({}, ['team', 'team-b']);
    for (const [self, other] of [
      ['team', 'team-b'],
      ['team-b', 'team'],
    ]) {
      const main = findObject(objects, 'Job', 'storage', `seaweedfs-tenant-${self}`).spec.template
        .spec.containers[0];
      const actions: string[] = env(main, 'TENANT_ACTIONS').value.split(',');
      expect(actions).toEqual([
        `Read:mlpipeline/private-artifacts/${self}/*`,
        `Read:mlpipeline/private/${self}/*`,
        `Write:mlpipeline/private-artifacts/${self}/*`,
        `Write:mlpipeline/private/${self}/*`,
        `List:mlpipeline/private-artifacts/${self}/*`,
        `List:mlpipeline/private/${self}/*`,
      ]);
      // As SeaweedFS 4.00's canDo matches: `Action:bucket/key` starts with the action minus `*`.
      const can = (action: string, key: string) =>
        actions.some((a) => `${action}:mlpipeline/${key}`.startsWith(a.slice(0, -1)));
      expect(can('Read', `private-artifacts/${self}/run/x`)).toBe(true);
      expect(can('Write', `private/${self}/x`)).toBe(true);
      expect(can('List', `private/${self}/`)).toBe(true);
      expect(can('Read', `private-artifacts/${other}/run/x`)).toBe(false);
      expect(can('Write', `private/${other}/x`)).toBe(false);
      expect(can('List', `private/${other}/`)).toBe(false);
      expect(can('Read', 'shared/x')).toBe(false);
      expect(can('Read', 'artifacts/x')).toBe(false);
      expect(actions).not.toContain('Admin');
    }
    expect(seaweedFsTenantActions('b', ['p/'])).toEqual([
      'Read:b/p/*',
      'Write:b/p/*',
      'List:b/p/*',
    ]);
  });

  test('tenant Jobs share one network allow to the shell ports; invalid requests fail', () => {
    const { objects } = build({}, ['a', 'b']);
    const allows = objects.filter(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-seaweedfs-from-tenant-access',
    );
    expect(allows).toHaveLength(1);
    expect(allows[0].spec.ingress[0].ports.map((p: Obj) => p.port)).toEqual([
      8333, 9333, 19333, 8888, 18888,
    ]);
    const { chart } = testChart();
    const namespace = new PlatformNamespace(chart, 'Ns', { name: 'storage' });
    const store = new SeaweedFs(chart, 'S', { namespace });
    expect(() =>
      store.scopedCredentials(chart, { namespace: 'x', bucket: 'other', prefixes: ['p'] }),
    ).toThrow(
      'SeaweedFsTenantAccess x:\n`bucket` is not a bucket SeaweedFS creates (got "other"). Use one of: mlpipeline.\n`prefixes[0]` is not a literal key prefix ending with / (got "p").',
    );
  });
});
