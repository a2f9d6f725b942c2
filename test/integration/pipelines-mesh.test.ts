import { allObjects, findObject, readEnvironment, renderEnv } from '../helpers';

/**
 * Pipeline steps run without a sidecar (KFP compiles them so), while the mesh requires mutual TLS:
 * every service they call must accept them on exactly the port they use.
 */
describe('pipeline steps reach what they need without a mesh identity', () => {
  const objects = allObjects(renderEnv(readEnvironment('stacks/prod.yaml')));

  test('MinIO accepts them on its S3 port only, with the reason stated', () => {
    const pa = findObject(objects, 'PeerAuthentication', 'minio', 'minio-clients-without-mesh');
    expect(pa.spec.portLevelMtls).toEqual({ '9000': { mode: 'PERMISSIVE' } });
    expect(pa.spec.mtls).toBeUndefined();
    expect(pa.metadata.annotations?.['mlops-blueprint.dev/reason']).toContain(
      'without an Istio sidecar',
    );
    // it selects exactly the MinIO server pods, which listen on 9000
    const server = findObject(objects, 'StatefulSet', 'minio', 'minio');
    const podLabels = server.spec.template.metadata.labels as Record<string, string>;
    const selector = pa.spec.selector.matchLabels as Record<string, string>;
    expect(Object.entries(selector).every(([k, v]) => podLabels[k] === v)).toBe(true);
    const ports = (
      server.spec.template.spec.containers as { ports?: { containerPort: number }[] }[]
    )
      .flatMap((c) => c.ports ?? [])
      .map((p) => p.containerPort);
    expect(ports).toContain(9000);
  });

  test('the API server and ML Metadata accept them on their API ports (and the cache webhook the Kubernetes API server)', () => {
    const permissive = objects
      .filter((o) => o.kind === 'PeerAuthentication' && o.metadata.namespace === 'kubeflow')
      .map((o) => [o.metadata.name, Object.keys(o.spec.portLevelMtls ?? {}).sort()]);
    expect(permissive).toEqual(
      expect.arrayContaining([expect.arrayContaining([expect.stringMatching(/ml-pipeline/)])]),
    );
    expect(permissive.flatMap(([, ports]) => ports as string[]).sort()).toEqual(
      // MySQL's 3306 is Katib's DB manager's, which runs without a sidecar (test/integration/training.test.ts)
      ['3306', '8080', '8443', '8887', '8888'].sort(),
    );
    expect(permissive).toContainEqual(['mysql-clients-without-mesh', ['3306']]);
  });

  test('without Pipelines, MinIO requires mutual TLS from every client', () => {
    const env = {
      ...readEnvironment('stacks/prod.yaml'),
      pipelines: { enabled: false },
      // Katib keeps its state in the platform database, which Pipelines offers.
      kubeflow: { katib: { enabled: false } },
    };
    expect(
      allObjects(renderEnv(env)).filter(
        (o) => o.kind === 'PeerAuthentication' && o.metadata.namespace === 'minio',
      ),
    ).toEqual([]);
  });
});
