import { z } from 'zod';
import { problem } from '../core/config/problems';
import { bucketName, dnsLabel, httpsUrl, positiveInt, resources } from '../core/config/patterns';
import { ConfigRule, PresetName } from '../core/config/rules';
import { secretSource } from '../core/config/secrets';
import { externalDatabaseSchema } from '../database/config';
import { cronScheduleProblems } from '../database/cron';

const managedDatabase = (preset: PresetName) =>
  z.strictObject({
    type: z.literal('managed'),
    /** The MySQL volume. */
    storageGiB: positiveInt(10000, 'GiB').default(preset === 'dev' ? 10 : 50),
    /** @default - the cluster's default storage class */
    storageClassName: z.string().min(1).optional(),
    /** Root and application passwords, generated in the cluster unless given. */
    credentials: secretSource(['username', 'password']).default({ type: 'generated' }),
    resources: resources().optional(),
  });

/** `pipelines`: Kubeflow Pipelines, its database, artifacts and backups. */
export const pipelinesShape = (preset: PresetName) => ({
  pipelines: z
    .strictObject({
      enabled: z.boolean().default(true),
      database: z
        .discriminatedUnion('type', [managedDatabase(preset), externalDatabaseSchema])
        .prefault({ type: 'managed' }),
      artifacts: z
        .strictObject({
          /**
           * The bucket of pipeline artifacts; each tenant has its own prefix in it.
           * @default - the object store's first bucket
           */
          bucket: bucketName().optional(),
        })
        .prefault({}),
      backup: z
        .strictObject({
          /** A consistent dump of the pipelines database into the object store. */
          enabled: z.boolean().default(preset === 'prod'),
          /** A Kubernetes CronJob schedule, five fields. */
          schedule: z.string().default('0 2 * * *'),
          retentionDays: positiveInt(3650, 'days').default(preset === 'prod' ? 30 : 7),
          /**
           * Copy the artifact bucket to a second S3 location on a schedule (new and changed
           * objects; nothing is deleted there).
           */
          artifactMirror: z
            .strictObject({
              endpoint: httpsUrl('S3 endpoint'),
              bucket: bucketName(),
              prefix: z.string().default(''),
              /** A Secret you create in `kubeflow` with keys that may write the target. */
              credentials: z.strictObject({
                secretName: dnsLabel(),
                accessKeyKey: z.string().min(1).default('accesskey'),
                secretKeyKey: z.string().min(1).default('secretkey'),
              }),
              schedule: z.string().default('45 2 * * *'),
            })
            .optional(),
        })
        .prefault({}),
      /** Alert thresholds, used when the platform's monitoring is on. */
      monitoring: z
        .strictObject({
          /**
           * `KubeflowPipelinesRunsFailing` fires when more than this fraction of the runs that
           * finished within `failedRunsWindow` failed or errored.
           */
          failedRunsRatio: z
            .number()
            .gt(0, 'must be above 0|Give a fraction such as 0.2 for 20%.')
            .max(1, 'must be at most 1|Give a fraction such as 0.2 for 20%.')
            .default(0.2),
          /** A Prometheus duration of whole minutes or hours, e.g. `1h` or `30m`. */
          failedRunsWindow: z
            .string()
            .regex(
              /^[1-9][0-9]*[mh]$/,
              'is not a duration of whole minutes or hours|Write e.g. 1h or 30m.',
            )
            .default('1h'),
          /** Fewer finished runs in the window never fire the alert (one failed test run). */
          minFinishedRuns: positiveInt(100000, 'runs').default(5),
        })
        .prefault({}),
    })
    .prefault({}),
});

type Slice = z.output<z.ZodObject<ReturnType<typeof pipelinesShape>>>;

export const PIPELINES_RULES: readonly ConfigRule<Slice>[] = [
  {
    id: 'PIPELINES-DATABASE-TLS',
    description:
      'In production an external pipelines database is reached over TLS, unless a reason says why not.',
    check: ({ pipelines }, ctx) =>
      ctx.preset === 'prod' &&
      pipelines.database.type === 'external' &&
      !pipelines.database.tls.required &&
      !pipelines.database.tls.reason
        ? [
            problem(
              'pipelines.database.tls.required',
              'is false for the prod preset',
              false,
              'Give pipelines.database.tls.reason for a network you trust (ML Metadata 1.14.0 cannot connect with TLS), or use the managed database.',
              'PIPELINES-DATABASE-TLS',
            ),
          ]
        : [],
  },
  {
    id: 'PIPELINES-METADATA-TLS',
    description:
      'ML Metadata 1.14.0 connects to its database without TLS, so an external pipelines database must accept plain connections (say why that network is trusted in prod).',
    check: ({ pipelines }) =>
      pipelines.database.type === 'external' && pipelines.database.tls.required
        ? [
            problem(
              'pipelines.database.tls.required',
              'is true, but ML Metadata 1.14.0 (lineage of every run) cannot connect to its database with TLS',
              true,
              'Set it to false for a database reached over a network you trust (with tls.reason in prod), or use the managed database.',
              'PIPELINES-METADATA-TLS',
            ),
          ]
        : [],
  },
  {
    id: 'PIPELINES-BACKUP-SCHEDULE',
    description: 'The backup and mirror schedules are valid five-field cron expressions.',
    check: ({ pipelines }) =>
      (
        [
          ['pipelines.backup.schedule', pipelines.backup.schedule],
          ...(pipelines.backup.artifactMirror
            ? [
                [
                  'pipelines.backup.artifactMirror.schedule',
                  pipelines.backup.artifactMirror.schedule,
                ] as const,
              ]
            : []),
        ] as const
      )
        .filter(([path, schedule]) => cronScheduleProblems(path, schedule).length > 0)
        .map(([path, schedule]) =>
          problem(
            path,
            'is not a five-field cron expression',
            schedule,
            'Use minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every day.',
            'PIPELINES-BACKUP-SCHEDULE',
          ),
        ),
  },
];
