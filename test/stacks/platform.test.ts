import { App, Chart } from 'cdk8s';
import { Tenant } from '../../constructs/tenant/tenant';
import { LAYERS, Layer } from '../../constructs/core/layers';
import { MlopsPlatform } from '../../stacks/platform';
import { renderPlatform } from '../../stacks/render';
import { TENANT_LABEL } from '../../stacks/names';
import { ConfigError } from '../../constructs/core/config/problems';
import {
  allObjects,
  findObject,
  objectsOfKind,
  podSpecs,
  renderEnv,
  readEnvironment,
} from '../helpers';

describe('MlopsPlatform', () => {
  test('builds one chart per layer, which cdk8s writes in install order', () => {
    const app = new App();
    const platform = new MlopsPlatform(app, 'Platform');
    const charts = platform.layerCharts();
    expect(charts.map((c) => c.info.id)).toEqual(LAYERS.map((l) => l.id));
    // cdk8s orders charts by their dependencies, then by the construct tree: without chart
    // dependencies (which cdk8s expands per pair of objects) the tree's order is the layers'.
    expect(app.charts.filter((c) => charts.some((l) => l.chart === c))).toEqual(
      charts.map((c) => c.chart),
    );
    for (const { chart } of charts) expect(chart.node.dependencies).toEqual([]);
  });

  test('with no environment it is the dev preset', () => {
    const platform = new MlopsPlatform(new App(), 'Platform');
    expect(platform.environment.name).toBe('dev');
    expect(platform.environment.preset).toBe('dev');
    expect(platform.objectStore?.implementation).toBe('minio');
  });

  test('an invalid environment throws every problem before any chart exists', () => {
    const app = new App();
    expect(
      () => new MlopsPlatform(app, 'Platform', { environment: { name: 'p', preset: 'prod' } }),
    ).toThrow(ConfigError);
    expect(app.charts).toEqual([]);
  });

  test('objects land in their layer: namespaces and policies in 02, MinIO in 06, tenants in 08', () => {
    const r = renderEnv(readEnvironment('stacks/dev.yaml'));
    const layerOf = (kind: string, ns: string | undefined, name: string) =>
      r.layers.find((l) =>
        l.objects.some(
          (o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns,
        ),
      )?.info.layer;
    expect(layerOf('Namespace', undefined, 'minio')).toBe(Layer.NAMESPACES);
    expect(layerOf('NetworkPolicy', 'minio', 'default-deny-ingress')).toBe(Layer.NAMESPACES);
    expect(layerOf('StatefulSet', 'minio', 'minio')).toBe(Layer.PLATFORM_CONTROLLERS);
    expect(layerOf('Namespace', undefined, 'team-demo')).toBe(Layer.TENANTS);
  });

  test('every platform workload is restricted and has requests and a memory limit', () => {
    for (const env of [undefined, readEnvironment('stacks/prod.yaml')]) {
      const objects = allObjects(renderEnv(env));
      // The documented exceptions: the CNI node agent, in its own privileged namespace, and
      // profile namespaces (baseline), where Kubeflow's controllers create the users' pods.
      const privileged = objectsOfKind(objects, 'Namespace').filter(
        (n) => n.metadata.labels?.['pod-security.kubernetes.io/enforce'] !== 'restricted',
      );
      const profiles = objectsOfKind(objects, 'Profile').map((p) => p.metadata.name);
      expect(
        privileged.map((n) => [
          n.metadata.name,
          n.metadata.labels?.['pod-security.kubernetes.io/enforce'],
          n.metadata.annotations?.['mlops-blueprint.dev/pod-security-reason'],
        ]),
      ).toEqual([
        ['istio-cni', 'privileged', expect.stringContaining('CNI node agent')],
        ...profiles.map((p) => [
          p,
          'baseline',
          expect.stringContaining('Kubeflow controllers create notebook'),
        ]),
      ]);
      const exempt = podSpecs(objects).filter((p) => p.owner.metadata.namespace === 'istio-cni');
      expect(exempt.map((p) => `${p.owner.kind}/${p.owner.metadata.name}`)).toEqual([
        'DaemonSet/istio-cni-node',
      ]);
      for (const { owner, spec } of podSpecs(objects).filter(
        (p) => p.owner.metadata.namespace !== 'istio-cni',
      )) {
        expect([owner.metadata.name, spec.securityContext?.runAsNonRoot]).toEqual([
          owner.metadata.name,
          true,
        ]);
        for (const c of spec.containers) {
          expect(c.securityContext).toMatchObject({
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          });
          expect(c.resources.requests.cpu).toBeDefined();
          expect(c.resources.requests.memory).toBeDefined();
          expect(c.resources.limits.memory).toBeDefined();
          expect(c.image).not.toMatch(/:latest$/);
        }
      }
    }
  });

  test('tenants reach the object store through one policy selecting every tenant namespace', () => {
    const objects = allObjects(renderEnv(readEnvironment('stacks/prod.yaml')));
    const allow = findObject(objects, 'NetworkPolicy', 'minio', 'allow-object-store-from-tenants');
    expect(allow.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] } },
    ]);
    expect(
      findObject(objects, 'Namespace', undefined, 'fraud-detection').metadata.labels?.[
        TENANT_LABEL
      ],
    ).toBe('fraud-detection');
  });

  test('an external S3 store creates no MinIO and no storage namespace, and is a prerequisite', () => {
    const r = renderEnv({
      name: 'x',
      preset: 'dev',
      objectStore: {
        type: 's3',
        endpoint: 'https://s3.example.com',
        region: 'r1',
        bucket: 'art',
        credentials: {
          secretName: 's3',
          namespace: 'kubeflow',
          accessKeyKey: 'a',
          secretKeyKey: 'b',
        },
      },
    });
    const objects = allObjects(r);
    expect(
      objects.filter((o) => o.metadata.namespace === 'minio' || o.metadata.name === 'minio'),
    ).toEqual([]);
    expect(r.requiredSecrets).toEqual([
      // Pipelines' own keys, limited to its prefixes: the platform cannot make users on S3.
      {
        namespace: 'kubeflow',
        name: 'mlpipeline-minio-artifact',
        keys: ['accesskey', 'secretkey'],
        purpose:
          'S3 access limited to s3://art/pipelines/, s3://art/private-artifacts/, s3://art/private/, s3://art/database-backups/',
      },
      { namespace: 'kubeflow', name: 's3', keys: ['a', 'b'], purpose: 'object store clients' },
    ]);
  });

  test('teams can compose the constructs in their own cdk8s app', () => {
    const app = new App();
    const platform = new MlopsPlatform(app, 'Platform');
    const own = new Chart(app, 'TeamExtras');
    new Tenant(own, 'Ml', { name: 'team-ml', owner: 'ml@example.com', tenantLabel: TENANT_LABEL });
    expect(
      renderPlatform(platform)
        .layers.flatMap((l) => l.objects)
        .some((o) => o.metadata.name === 'team-ml'),
    ).toBe(false);
    expect(
      own
        .toJson()
        .some(
          (o: { kind: string; metadata: { name: string } }) =>
            o.kind === 'Namespace' && o.metadata.name === 'team-ml',
        ),
    ).toBe(true);
  });
});
