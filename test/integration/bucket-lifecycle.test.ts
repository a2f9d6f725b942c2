import { ConfigError } from '../../constructs/core/config/problems';
import { NONCURRENT_EXPIRATION_RULE_ID } from '../../constructs/minio/tenant-access';
import { validateEnvironment } from '../../stacks/config/validate';
import { allObjects, renderEnv } from '../helpers';

const env = (buckets: unknown[]) => ({
  name: 'dev',
  preset: 'dev' as const,
  objectStore: { type: 'minio' as const, buckets },
});

describe('noncurrent versions of a bucket expire when the bucket says so', () => {
  test('one lifecycle Job per bucket with noncurrentVersionDays, with its rule and days', () => {
    const objects = allObjects(
      renderEnv(
        env([
          { name: 'mlpipeline', versioning: true, noncurrentVersionDays: 30 },
          { name: 'datasets' },
        ]) as never,
      ),
    );
    const jobs = objects.filter(
      (o) => o.kind === 'Job' && (o.metadata.name as string).startsWith('minio-lifecycle-'),
    );
    expect(jobs.map((j) => `${j.metadata.namespace}/${j.metadata.name}`)).toEqual([
      'minio/minio-lifecycle-mlpipeline',
    ]);
    const env0 = new Map<string, string>(
      (jobs[0].spec.template.spec.containers[0].env as { name: string; value?: string }[]).map(
        (e) => [e.name, e.value ?? ''],
      ),
    );
    expect(env0.get('BUCKET')).toBe('mlpipeline');
    expect(JSON.parse(env0.get('LIFECYCLE') ?? '{}')).toEqual({
      Rules: [
        expect.objectContaining({
          ID: NONCURRENT_EXPIRATION_RULE_ID,
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        }),
      ],
    });
  });

  test('without the setting no lifecycle Job is made: every version is kept', () => {
    const objects = allObjects(renderEnv(env([{ name: 'mlpipeline' }]) as never));
    expect(
      objects.filter((o) => (o.metadata.name as string).startsWith('minio-lifecycle-')),
    ).toEqual([]);
  });

  test('a bucket without versioning cannot expire versions (rule BUCKET-LIFECYCLE)', () => {
    let problems: unknown[] = [];
    try {
      validateEnvironment(
        env([{ name: 'mlpipeline', versioning: false, noncurrentVersionDays: 7 }]),
      );
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems.map((p) => ({ ...p }));
    }
    expect(problems).toEqual([
      {
        path: 'objectStore.buckets[0].noncurrentVersionDays',
        message:
          '`objectStore.buckets[0].noncurrentVersionDays` expires versions of a bucket without versioning (got number 7). Turn versioning on for the bucket, or leave noncurrentVersionDays out.',
        rule: 'BUCKET-LIFECYCLE',
      },
    ]);
  });
});
