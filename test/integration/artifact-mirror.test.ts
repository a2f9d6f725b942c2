import { ConfigError } from '../../constructs/core/config/problems';
import { ARTIFACT_MIRROR_SCRIPT } from '../../constructs/kubeflow-pipelines/artifact-mirror';
import { validateEnvironment } from '../../stacks/config/validate';
import { allObjects, findObject, readEnvironment, renderEnv } from '../helpers';

const mirror = {
  endpoint: 'https://s3.eu-central-1.amazonaws.com',
  bucket: 'ml-artifacts-dr',
  prefix: 'kubeflow/',
  credentials: { secretName: 'artifact-mirror-keys' },
  schedule: '15 3 * * *',
};

function withMirror(m: unknown) {
  const prod = readEnvironment('stacks/prod.yaml') as Record<string, unknown>;
  return {
    ...prod,
    pipelines: { ...((prod.pipelines as object | undefined) ?? {}), backup: { artifactMirror: m } },
  } as never;
}

describe('the artifact bucket mirrored to a second location', () => {
  const rendered = renderEnv(withMirror(mirror));
  const objects = allObjects(rendered);

  test('a CronJob in kubeflow copies the platform prefixes with the platform keys to the target', () => {
    const job = findObject(objects, 'CronJob', 'kubeflow', 'artifact-mirror');
    expect(job.spec.schedule).toBe('15 3 * * *');
    expect(job.spec.concurrencyPolicy).toBe('Forbid');
    const c = job.spec.jobTemplate.spec.template.spec.containers[0];
    expect(c.command).toEqual(['/bin/sh', '-c', ARTIFACT_MIRROR_SCRIPT]);
    const env = Object.fromEntries(
      (c.env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [
        e.name,
        e.value ?? e.valueFrom,
      ]),
    );
    expect(env).toMatchObject({
      SOURCE_ENDPOINT: 'http://minio.minio.svc.cluster.local:9000',
      SOURCE_BUCKET: 'mlpipeline',
      PREFIXES: 'pipelines/ private-artifacts/ private/',
      SOURCE_ACCESS_KEY: { secretKeyRef: { name: 'mlpipeline-minio-artifact', key: 'accesskey' } },
      SOURCE_SECRET_KEY: { secretKeyRef: { name: 'mlpipeline-minio-artifact', key: 'secretkey' } },
      TARGET_ENDPOINT: 'https://s3.eu-central-1.amazonaws.com',
      TARGET_BUCKET: 'ml-artifacts-dr',
      TARGET_PREFIX: 'kubeflow/',
      TARGET_ACCESS_KEY: { secretKeyRef: { name: 'artifact-mirror-keys', key: 'accesskey' } },
      TARGET_SECRET_KEY: { secretKeyRef: { name: 'artifact-mirror-keys', key: 'secretkey' } },
    });
    // mirror, never delete at the target
    expect(ARTIFACT_MIRROR_SCRIPT).toContain('mc mirror --overwrite');
    expect(ARTIFACT_MIRROR_SCRIPT).not.toContain('--remove');
  });

  test("the target's keys are a Secret the user creates in kubeflow; MinIO admits the mirror", () => {
    expect(rendered.requiredSecrets).toContainEqual({
      namespace: 'kubeflow',
      name: 'artifact-mirror-keys',
      keys: ['accesskey', 'secretkey'],
      purpose:
        "the artifact mirror's keys for https://s3.eu-central-1.amazonaws.com/ml-artifacts-dr",
    });
    const allow = findObject(objects, 'NetworkPolicy', 'minio', 'allow-artifact-mirror');
    expect(allow.spec.ingress[0].from[0].namespaceSelector).toEqual({
      matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' },
    });
  });

  test('none without the setting', () => {
    expect(
      allObjects(renderEnv(readEnvironment('stacks/prod.yaml'))).filter(
        (o) => o.metadata.name === 'artifact-mirror',
      ),
    ).toEqual([]);
  });

  test('an invalid schedule is PIPELINES-BACKUP-SCHEDULE at its path', () => {
    let problems: unknown[] = [];
    try {
      validateEnvironment(withMirror({ ...mirror, schedule: 'hourly' }));
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems.map((p) => ({ ...p }));
    }
    expect(problems).toEqual([
      {
        path: 'pipelines.backup.artifactMirror.schedule',
        message:
          '`pipelines.backup.artifactMirror.schedule` is not a five-field cron expression (got "hourly"). Use minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every day.',
        rule: 'PIPELINES-BACKUP-SCHEDULE',
      },
    ]);
  });
});
