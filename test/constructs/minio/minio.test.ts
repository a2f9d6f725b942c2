import { NetworkPeer } from '../../../constructs/core/network';
import { SecretSource } from '../../../constructs/core/secrets';
import { MINIO_DEFAULT_RESOURCES, Minio } from '../../../constructs/minio/minio';
import { MINIO_VERSIONS } from '../../../constructs/minio/versions';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { Obj, findObject, testChart } from '../../helpers';

function build(props: Partial<ConstructorParameters<typeof Minio>[2]> = {}) {
  const { chart, synth } = testChart();
  const namespace = new PlatformNamespace(chart, 'Ns', { name: 'storage' });
  const minio = new Minio(chart, 'Minio', { namespace, ...props });
  return { minio, objects: synth() };
}

const env = (c: Obj, name: string) => c.env.find((e: Obj) => e.name === name);

describe('Minio', () => {
  test('defaults: one bucket, 20 GiB, generated credentials, default resources, us-east-1', () => {
    const { minio, objects } = build();
    expect(minio.buckets).toEqual(['mlpipeline']);
    expect(minio.storageGiB).toBe(20);
    expect(minio.region).toBe('us-east-1');
    expect(minio.rootCredentials.origin).toBe('generated');
    expect(minio.endpointUrl).toBe('http://minio.storage.svc.cluster.local:9000');
    expect(minio.credentials).toEqual({
      secretName: 'minio-root-credentials',
      namespace: 'storage',
      accessKeyKey: 'rootUser',
      secretKeyKey: 'rootPassword',
    });
    const sts = findObject(objects, 'StatefulSet', 'storage', 'minio');
    const c = sts.spec.template.spec.containers[0];
    expect(c.resources).toEqual({
      requests: {
        cpu: MINIO_DEFAULT_RESOURCES.cpu.request,
        memory: MINIO_DEFAULT_RESOURCES.memory.request,
      },
      limits: {
        cpu: MINIO_DEFAULT_RESOURCES.cpu.limit,
        memory: MINIO_DEFAULT_RESOURCES.memory.limit,
      },
    });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '20Gi' } },
    });
    expect(findObject(objects, 'Job', 'storage', 'minio-root-credentials-generator')).toBeDefined();
  });

  test('the server: pinned image, API and console ports, health probes, credentials by reference, restricted', () => {
    const { objects } = build();
    const sts = findObject(objects, 'StatefulSet', 'storage', 'minio');
    const pod = sts.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe(
      `quay.io/minio/minio:${MINIO_VERSIONS.server.tag}@${MINIO_VERSIONS.server.digest}`,
    );
    expect(c.args).toEqual([
      'server',
      '/data',
      '--address',
      ':9000',
      '--console-address',
      ':9001',
      '--certs-dir',
      '/tmp/certs',
    ]);
    expect(c.ports).toEqual([
      { name: 'http-api', containerPort: 9000, protocol: 'TCP' },
      { name: 'http-console', containerPort: 9001, protocol: 'TCP' },
    ]);
    expect(c.livenessProbe.httpGet).toEqual({
      path: '/minio/health/live',
      port: 'http-api',
      scheme: 'HTTP',
    });
    expect(c.readinessProbe.httpGet).toEqual({
      path: '/minio/health/ready',
      port: 'http-api',
      scheme: 'HTTP',
    });
    expect(env(c, 'MINIO_ROOT_USER')).toEqual({
      name: 'MINIO_ROOT_USER',
      valueFrom: { secretKeyRef: { name: 'minio-root-credentials', key: 'rootUser' } },
    });
    expect(env(c, 'MINIO_ROOT_PASSWORD').value).toBeUndefined();
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(pod.securityContext.fsGroup).toBe(1000);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(sts.spec.serviceName).toBe('minio-headless');
    expect(sts.spec.selector.matchLabels).toEqual(
      findObject(objects, 'Service', 'storage', 'minio').spec.selector,
    );
    expect(findObject(objects, 'Service', 'storage', 'minio-console').spec.ports[0]).toMatchObject({
      port: 9001,
      targetPort: 'http-console',
    });
    expect(findObject(objects, 'Service', 'storage', 'minio-headless').spec.clusterIP).toBe('None');
  });

  test('the bucket provisioner creates every bucket and enables versioning unless turned off', () => {
    const { objects } = build({
      buckets: [
        { name: 'mlpipeline' },
        { name: 'scratch', versioning: false },
        { name: 'models', versioning: true },
      ],
    });
    const job = findObject(objects, 'Job', 'storage', 'minio-bucket-provisioner');
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe(
      `quay.io/minio/mc:${MINIO_VERSIONS.client.tag}@${MINIO_VERSIONS.client.digest}`,
    );
    expect(env(c, 'BUCKETS').value).toBe('mlpipeline scratch models');
    expect(env(c, 'VERSIONED_BUCKETS').value).toBe('mlpipeline models');
    expect(env(c, 'MINIO_ENDPOINT').value).toBe('http://minio.storage.svc.cluster.local:9000');
    const script: string = c.command[2];
    expect(script).toContain('mc mb --ignore-existing "platform/$bucket"');
    expect(script).toContain('mc version enable "platform/$bucket"');
    // Credentials reach mc through the environment, never through the command line.
    expect(script).not.toMatch(/rootPassword|minio-root-credentials/);
    const allow = findObject(
      objects,
      'NetworkPolicy',
      'storage',
      'allow-minio-from-bucket-provisioner',
    );
    expect(
      allow.spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/component'],
    ).toBe('bucket-provisioner');
    expect(allow.spec.ingress[0].ports).toEqual([{ port: 9000, protocol: 'TCP' }]);
  });

  test('an existing Secret is referenced with its own key names and nothing is generated', () => {
    const { minio, objects } = build({
      rootCredentials: SecretSource.existing('corp-minio', {
        rootUser: 'user',
        rootPassword: 'pass',
      }),
    });
    expect(minio.credentials).toMatchObject({
      secretName: 'corp-minio',
      accessKeyKey: 'user',
      secretKeyKey: 'pass',
    });
    expect(objects.some((o) => o.kind === 'Job' && o.metadata.name.endsWith('generator'))).toBe(
      false,
    );
    const c = findObject(objects, 'StatefulSet', 'storage', 'minio').spec.template.spec
      .containers[0];
    expect(env(c, 'MINIO_ROOT_PASSWORD').valueFrom.secretKeyRef).toEqual({
      name: 'corp-minio',
      key: 'pass',
    });
  });

  test('grantAccess opens only the API port to the given peer', () => {
    const { chart, synth } = testChart();
    const namespace = new PlatformNamespace(chart, 'Ns', { name: 'storage' });
    const minio = new Minio(chart, 'Minio', { namespace, storageClassName: 'fast', storageGiB: 5 });
    minio.grantAccess('from-kubeflow', NetworkPeer.namespace('kubeflow'));
    const objects = synth();
    const p = findObject(objects, 'NetworkPolicy', 'storage', 'allow-from-kubeflow');
    expect(p.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('server');
    expect(p.spec.ingress[0].ports).toEqual([{ port: 9000, protocol: 'TCP' }]);
    const pvc = findObject(objects, 'StatefulSet', 'storage', 'minio').spec.volumeClaimTemplates[0]
      .spec;
    expect(pvc).toMatchObject({
      storageClassName: 'fast',
      resources: { requests: { storage: '5Gi' } },
    });
  });

  test('needs at least one bucket', () => {
    expect(() => build({ buckets: [] })).toThrow('MinIO needs at least one bucket.');
  });
});
