import { SecretSource, pulumiSecretConfigKeys } from '../../../constructs/core/secrets';
import { findObject, testChart } from '../../helpers';

const request = {
  namespace: 'minio',
  secretName: 'root-creds',
  keys: ['rootUser', 'rootPassword'],
  labels: { name: 'minio', component: 'server' },
};

describe('SecretSource', () => {
  test('existing: nothing is created and keys map to the user Secret', () => {
    const { chart, synth } = testChart();
    const b = SecretSource.existing('my-creds', { rootPassword: 'password' }).bind(
      chart,
      'S',
      request,
    );
    expect(synth()).toEqual([]);
    expect(b.keyRef('rootUser')).toEqual({ name: 'my-creds', key: 'rootUser' });
    expect(b.keyRef('rootPassword')).toEqual({ name: 'my-creds', key: 'password' });
    expect(() => b.keyRef('other')).toThrow('secret my-creds was not asked for key other');
  });

  test('generated: a Job that creates the Secret once, with RBAC limited to it', () => {
    const { chart, synth } = testChart();
    const b = SecretSource.generated().bind(chart, 'S', request);
    expect(b.origin).toBe('generated');
    expect(b.keyRef('rootPassword')).toEqual({ name: 'root-creds', key: 'rootPassword' });
    const objects = synth();
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Job']);
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    const role = findObject(objects, 'Role', 'minio', 'root-creds-generator');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['root-creds'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
    const job = findObject(objects, 'Job', 'minio', 'root-creds-generator');
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('root-creds-generator');
    const c = pod.containers[0];
    expect(c.image).toBe('registry.k8s.io/kubectl:v1.34.1');
    const script: string = c.command[2];
    // Never overwrite: an existing Secret keeps its values and is never created again.
    expect(script.indexOf('keeping its values')).toBeLessThan(script.indexOf('/dev/urandom'));
    expect(script).toContain('if secret "$ns" >/dev/null 2>&1; then continue; fi');
    expect(c.env).toEqual(
      expect.arrayContaining([
        { name: 'SECRET_NAME', value: 'root-creds' },
        { name: 'GENERATED_KEY_NAMES', value: 'rootUser rootPassword' },
      ]),
    );
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  test('generated and shared: the same values are copied into every namespace that needs them', () => {
    const { chart, synth } = testChart();
    SecretSource.generated().bind(chart, 'S', { ...request, sharedWith: ['auth', 'minio'] });
    const objects = synth();
    expect(objects.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace)).toEqual([
      'minio',
      'auth',
    ]);
    const binding = findObject(objects, 'RoleBinding', 'auth', 'root-creds-generator');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'root-creds-generator', namespace: 'minio' },
    ]);
    const c = findObject(objects, 'Job', 'minio', 'root-creds-generator').spec.template.spec
      .containers[0];
    expect(c.env).toContainEqual({ name: 'SHARED_WITH', value: 'auth' });
    const script: string = c.command[2];
    // Existing values are reused for the copies, never regenerated.
    expect(script.indexOf('keeping its values')).toBeLessThan(script.indexOf('/dev/urandom'));
    expect(script).toContain('for ns in $POD_NAMESPACE $SHARED_WITH; do');
  });

  test('generated values have the requested length, 40 by default, from 16 to 64', () => {
    const { chart, synth } = testChart();
    SecretSource.generated().bind(chart, 'A', request);
    SecretSource.generated().bind(chart, 'B', { ...request, secretName: 'key', valueLength: 32 });
    const env = (name: string) =>
      findObject(synth(), 'Job', 'minio', `${name}-generator`).spec.template.spec.containers[0].env;
    expect(env('root-creds')).toContainEqual({ name: 'VALUE_LENGTH', value: '40' });
    expect(env('key')).toContainEqual({ name: 'VALUE_LENGTH', value: '32' });
    expect(() =>
      SecretSource.generated().bind(chart, 'C', { ...request, secretName: 'x', valueLength: 8 }),
    ).toThrow('Generated secret x: valueLength must be a whole number from 16 to 64 (got 8).');
  });

  test('existing and pulumi sources are needed in every shared namespace', () => {
    const { chart, synth } = testChart();
    SecretSource.pulumiConfig({ rootUser: 'u', rootPassword: 'p' }).bind(chart, 'P', {
      ...request,
      sharedWith: ['auth'],
    });
    expect(
      synth()
        .filter((o) => o.kind === 'Secret')
        .map((o) => o.metadata.namespace),
    ).toEqual(['minio', 'auth']);
  });

  test('pulumi: an empty Secret annotated with the config keys the engine fills', () => {
    const { chart, synth } = testChart();
    SecretSource.pulumiConfig({ rootUser: 'minioUser', rootPassword: 'minioPassword' }).bind(
      chart,
      'S',
      request,
    );
    const secret = findObject(synth(), 'Secret', 'minio', 'root-creds');
    expect(secret.data).toBeUndefined();
    expect(secret.stringData).toBeUndefined();
    expect(pulumiSecretConfigKeys(secret)).toEqual({
      rootUser: 'minioUser',
      rootPassword: 'minioPassword',
    });
  });

  test('pulumi: every requested key needs a config key', () => {
    const { chart } = testChart();
    expect(() => SecretSource.pulumiConfig({ rootUser: 'u' }).bind(chart, 'S', request)).toThrow(
      'Pulumi secret root-creds needs a config key for: rootPassword',
    );
  });
});
