import { KubectlJob } from '../../../constructs/core/kubectl-job';
import { SecretSource, generatorJobName } from '../../../constructs/core/secrets';
import { DNS_LABEL } from '../../../constructs/core/validation';
import { Obj, findObject, testChart } from '../../helpers';

const rules = (namespace: string) => ({
  namespace,
  rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
});

/** The Job, ServiceAccount, Roles and RoleBindings of one KubectlJob all carry `name`. */
function expectWiredAs(objects: Obj[], name: string): void {
  expect(new Set(objects.map((o) => o.metadata.name))).toEqual(new Set([name]));
  const job = findObject(objects, 'Job', 'work', name);
  expect(job.spec.template.spec.serviceAccountName).toBe(name);
  for (const binding of objects.filter((o) => o.kind === 'RoleBinding')) {
    expect(binding.roleRef.name).toBe(name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name, namespace: 'work' }]);
  }
}

describe('KubectlJob names', () => {
  test('a valid name is used as given', () => {
    const { chart, synth } = testChart();
    const job = new KubectlJob(chart, 'J', {
      name: 'istio-startup-check',
      namespace: 'work',
      labels: {},
      script: 'true',
      rules: [rules('work'), rules('other')],
    });
    expect(job.jobName).toBe('istio-startup-check');
    expectWiredAs(synth(), 'istio-startup-check');
  });

  test('a name past 63 characters is shortened with a hash, the same for every object', () => {
    const { chart, synth } = testChart();
    const long = `generate-${'x'.repeat(80)}`;
    const job = new KubectlJob(chart, 'J', {
      name: long,
      namespace: 'work',
      labels: {},
      script: 'true',
      rules: [rules('work'), rules('other')],
    });
    expect(job.jobName).toHaveLength(63);
    expect(job.jobName).toMatch(DNS_LABEL);
    expect(job.jobName).toMatch(/^generate-x+-[0-9a-f]{8}$/);
    expectWiredAs(synth(), job.jobName);
  });
});

describe('generated Secret names', () => {
  const labels = { name: 'app', component: 'secret' };

  test('the generator of a long Secret name is a valid Job; the Secret keeps its name', () => {
    const secretName = `dex-password-${'a'.repeat(60)}-example-com`;
    const { chart, synth } = testChart();
    const binding = SecretSource.generated().bind(chart, 'S', {
      namespace: 'work',
      secretName,
      keys: ['password'],
      labels,
    });
    expect(binding.secretName).toBe(secretName);
    const name = generatorJobName(secretName);
    expect(name).toHaveLength(63);
    expect(name).toMatch(DNS_LABEL);
    const objects = synth();
    expectWiredAs(objects, name);
    const job = findObject(objects, 'Job', 'work', name);
    expect(job.spec.template.spec.containers[0].env).toContainEqual({
      name: 'SECRET_NAME',
      value: secretName,
    });
    expect(findObject(objects, 'Role', 'work', name).rules[0].resourceNames).toEqual([secretName]);
  });

  test('Secrets whose names differ past the cut get different generators', () => {
    const a = generatorJobName(`dex-password-${'a'.repeat(60)}-alice-example-com`);
    const b = generatorJobName(`dex-password-${'a'.repeat(60)}-bob-example-com`);
    expect(a).not.toBe(b);
  });

  test('a short Secret name keeps <name>-generator', () => {
    expect(generatorJobName('oauth2-proxy-cookie-secret')).toBe(
      'oauth2-proxy-cookie-secret-generator',
    );
  });

  test.each([
    ['generated', SecretSource.generated()],
    ['pulumi', SecretSource.pulumiConfig({ password: 'app:password' })],
  ])('a %s Secret with an invalid name is refused', (_what, source) => {
    const { chart } = testChart();
    expect(() =>
      source.bind(chart, 'S', {
        namespace: 'work',
        secretName: 'Not_A_Name',
        keys: ['password'],
        labels,
      }),
    ).toThrow(
      'Secret name "Not_A_Name" in work is not a DNS subdomain of at most 253 characters. Derive it with boundedName(...).',
    );
  });
});
