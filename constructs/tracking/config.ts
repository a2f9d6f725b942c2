import { z } from 'zod';
import { bucketName, positiveInt } from '../core/config/patterns';
import { problem } from '../core/config/problems';
import { ConfigRule, PresetName, configGroup } from '../core/config/rules';
import { externalAnyEngineDatabaseSchema } from '../database/config';

/** MLflow's database (schema) on the platform's or an external server. */
export const MLFLOW_DATABASE_NAME = 'mlflow';

const mlflowSchema = (preset: PresetName) =>
  z
    .strictObject({
      /**
       * Off by default: the only published kubeflow/mlflow-integration image (v1.6.0, which
       * Kubeflow's integration names) does not become ready, as Kubeflow's own notes say
       * (`applications/mlflow/README.md`, "Release blocker"). Turn it on to render and review
       * it, and to install once a corrected release is pinned.
       */
      enabled: z.boolean().default(false),
      /**
       * Where runs, metrics and registered models are kept: `platform` is the platform's database
       * (the managed MySQL of Pipelines, or Pipelines' external one), `external` a MySQL or
       * PostgreSQL of its own.
       */
      database: z
        .discriminatedUnion('type', [
          z.strictObject({ type: z.literal('platform') }),
          // MySQL or PostgreSQL: MLflow's SQLAlchemy store takes either.
          externalAnyEngineDatabaseSchema,
        ])
        .prefault({ type: 'platform' }),
      /**
       * Where the server keeps artifacts, in the platform's object store: a bucket of
       * `objectStore.buckets` and a key prefix under which every tenant's workspace has its own.
       */
      artifacts: z
        .strictObject({
          /** @default - the object store's first bucket */
          bucket: bucketName().optional(),
          prefix: z
            .string()
            .regex(
              /^([a-z0-9][a-z0-9._-]*\/)+$/,
              'is not a key prefix|Use lower-case path segments ending in /, e.g. mlflow/.',
            )
            .default('mlflow/'),
        })
        .prefault({}),
      /** Replicas of each tracking server (the one behind the gateway and the one for workloads). */
      replicas: positiveInt(10, 'replicas').default(preset === 'prod' ? 2 : 1),
      /** Server worker processes per pod. */
      workers: positiveInt(16, 'workers').default(2),
    })
    .prefault({});

/** `tracking.mlflow` in the environment file: the MLflow tracking server. */
export const trackingShape = (preset: PresetName) => ({
  tracking: configGroup({ mlflow: mlflowSchema(preset) }),
});

type TrackingSlice = z.output<z.ZodObject<ReturnType<typeof trackingShape>>>;
export type TrackingConfig = TrackingSlice['tracking']['mlflow'];

export const TRACKING_RULES: readonly ConfigRule<TrackingSlice>[] = [
  {
    id: 'MLFLOW-DATABASE-TLS',
    description:
      'An external MLflow database reached without TLS is a stated choice: in prod a reason says why that network is trusted.',
    check: ({ tracking }, ctx) => {
      const db = tracking.mlflow.database;
      if (db.type !== 'external' || db.tls.required || ctx.preset !== 'prod' || db.tls.reason) {
        return [];
      }
      return [
        problem(
          'tracking.mlflow.database.tls.reason',
          'is missing: the prod preset reaches an external database without TLS only for a stated reason',
          undefined,
          'Say why the network to the database is trusted, e.g. "private subnet, no route from outside", or set tls.required: true.',
          'MLFLOW-DATABASE-TLS',
        ),
      ];
    },
  },
];
