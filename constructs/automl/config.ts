import { z } from 'zod';
import { TenantEntry } from '../core/component';
import { dnsLabel, pinnedImage, positiveInt, resources } from '../core/config/patterns';
import { ConfigProblem, problem, propProblemsAt } from '../core/config/problems';
import { ConfigRule, PresetName, configGroup, duplicates } from '../core/config/rules';
import { externalDatabaseSchema } from '../database/config';
import { ExperimentProps, experimentProblems } from '../katib/experiment';

/** Katib's metrics database name on the platform's (or an external) MySQL server. */
export const KATIB_DATABASE_NAME = 'katib';

/** Katib's longest experiment name (its webhook refuses more). */
export const MAX_EXPERIMENT_NAME = 40;

const automlSchema = (preset: PresetName) =>
  z
    .strictObject({
      enabled: z.boolean().default(true),
      /**
       * Where Katib's DB manager keeps observation logs: `platform` is the platform's database
       * (the managed MySQL of Pipelines, or Pipelines' external one), `external` a MySQL of its own.
       */
      database: z
        .discriminatedUnion('type', [
          z.strictObject({ type: z.literal('platform') }),
          externalDatabaseSchema,
        ])
        .prefault({ type: 'platform' }),
      /** The Katib UI at `/katib/`, on the dashboard's menu. */
      ui: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
      /** How many controller replicas (leader election keeps one active). */
      replicas: positiveInt(3, 'replicas').default(preset === 'prod' ? 2 : 1),
    })
    .prefault({});

/** `kubeflow.katib` in the environment file: Katib, hyperparameter search and early stopping. */
export const automlShape = (preset: PresetName) => ({
  kubeflow: configGroup({ katib: automlSchema(preset) }),
});

const number = z.number().finite();
const parameterName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'is not a parameter name|Use letters, digits, - and _.');
const distribution = z.enum(['uniform', 'logUniform', 'normal', 'logNormal']).optional();

const parameterSchema = z.discriminatedUnion('type', [
  z.strictObject({
    name: parameterName,
    type: z.literal('int'),
    min: z.number().int(),
    max: z.number().int(),
    step: z.number().int().optional(),
    distribution,
  }),
  z.strictObject({
    name: parameterName,
    type: z.literal('double'),
    min: number,
    max: number,
    step: number.optional(),
    distribution,
  }),
  z.strictObject({
    name: parameterName,
    type: z.literal('categorical'),
    list: z.array(z.string().min(1)),
  }),
  z.strictObject({ name: parameterName, type: z.literal('discrete'), list: z.array(number) }),
]);

const algorithmSchema = z.strictObject({
  name: z.string().min(1),
  settings: z.record(z.string(), z.string()).optional(),
});

const gpuSchema = z
  .strictObject({
    count: positiveInt(64, 'GPUs'),
    /** @default 'nvidia.com/gpu' */
    resource: z.string().min(1).optional(),
  })
  .optional();

const trialCommon = {
  /** The metrics the trial prints (StdOut), writes (File, TensorFlowEvent) or pushes. */
  reports: z.array(z.string().min(1)),
  command: z.array(z.string()).min(1, 'is empty|Give the trial its entrypoint.'),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  retain: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  serviceAccountName: dnsLabel().optional(),
};

const trialSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('Job'),
    image: pinnedImage(),
    resources: resources().optional(),
    gpu: gpuSchema,
    ...trialCommon,
  }),
  z.strictObject({
    kind: z.literal('TrainJob'),
    /** A ClusterTrainingRuntime of the training component. */
    runtime: z.string().min(1),
    image: pinnedImage().optional(),
    numNodes: positiveInt(1000, 'nodes').optional(),
    resourcesPerNode: resources().optional(),
    gpu: gpuSchema,
    ...trialCommon,
  }),
]);

const metricsCollectorSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('StdOut'), filter: z.array(z.string()).optional() }),
  z.strictObject({
    kind: z.literal('File'),
    path: z.string().optional(),
    format: z.enum(['TEXT', 'JSON']).optional(),
    filter: z.array(z.string()).optional(),
  }),
  z.strictObject({ kind: z.literal('TensorFlowEvent'), path: z.string() }),
  z.strictObject({ kind: z.literal('Push') }),
]);

const experimentSchema = z.strictObject({
  name: dnsLabel().max(
    MAX_EXPERIMENT_NAME,
    `is too long|Use at most ${MAX_EXPERIMENT_NAME} characters (Katib's limit).`,
  ),
  objective: z.strictObject({
    type: z.enum(['maximize', 'minimize']),
    metric: z.string().min(1),
    goal: number.optional(),
    additionalMetrics: z.array(z.string().min(1)).optional(),
    metricStrategies: z.record(z.string(), z.enum(['min', 'max', 'latest'])).optional(),
  }),
  algorithm: algorithmSchema,
  earlyStopping: algorithmSchema.optional(),
  parameters: z.array(parameterSchema),
  /** Trials at the same time, in all, and failed before the experiment fails. */
  parallelTrials: positiveInt(1000, 'trials'),
  maxTrials: positiveInt(100000, 'trials'),
  maxFailedTrials: z.number().int().min(0).optional(),
  metricsCollector: metricsCollectorSchema.optional(),
  trial: trialSchema,
  resumePolicy: z.enum(['Never', 'LongRunning', 'FromVolume']).optional(),
});

export type ExperimentConfig = z.output<typeof experimentSchema>;

/** What Katib adds to every tenant: the experiments it runs. */
export const automlTenantShape = () => ({
  experiments: z.array(experimentSchema).default([]),
});

export type AutomlSlice = z.output<z.ZodObject<ReturnType<typeof automlShape>>> & {
  readonly tenants: readonly (TenantEntry &
    z.output<z.ZodObject<ReturnType<typeof automlTenantShape>>>)[];
};

/** The construct props of an experiment of the environment file. */
export function experimentProps(
  namespace: string,
  e: ExperimentConfig,
  installed: Pick<
    ExperimentProps,
    'algorithms' | 'earlyStoppingAlgorithms' | 'trialResources'
  > = {},
): ExperimentProps {
  const { trial } = e;
  const withGpu = <R extends object>(r: R | undefined) =>
    trial.gpu ? { ...(r ?? {}), gpu: trial.gpu } : r;
  const common = {
    reports: trial.reports,
    command: trial.command,
    ...(trial.args ? { args: trial.args } : {}),
    ...(trial.env ? { env: trial.env } : {}),
    ...(trial.retain !== undefined ? { retain: trial.retain } : {}),
    ...(trial.readOnlyRootFilesystem !== undefined
      ? { readOnlyRootFilesystem: trial.readOnlyRootFilesystem }
      : {}),
    ...(trial.serviceAccountName ? { serviceAccountName: trial.serviceAccountName } : {}),
  };
  return {
    namespace,
    name: e.name,
    objective: e.objective,
    algorithm: e.algorithm,
    ...(e.earlyStopping ? { earlyStopping: e.earlyStopping } : {}),
    parameters: e.parameters,
    parallelTrials: e.parallelTrials,
    maxTrials: e.maxTrials,
    ...(e.maxFailedTrials !== undefined ? { maxFailedTrials: e.maxFailedTrials } : {}),
    ...(e.metricsCollector ? { metricsCollector: e.metricsCollector } : {}),
    ...(e.resumePolicy ? { resumePolicy: e.resumePolicy } : {}),
    trial:
      trial.kind === 'Job'
        ? {
            kind: 'Job',
            image: trial.image,
            ...(withGpu(trial.resources) ? { resources: withGpu(trial.resources) as never } : {}),
            ...common,
          }
        : {
            kind: 'TrainJob',
            runtime: trial.runtime,
            ...(trial.image ? { image: trial.image } : {}),
            ...(trial.numNodes !== undefined ? { numNodes: trial.numNodes } : {}),
            ...(withGpu(trial.resourcesPerNode)
              ? { resourcesPerNode: withGpu(trial.resourcesPerNode) as never }
              : {}),
            ...common,
          },
    ...installed,
  };
}

/** Every experiment of every tenant, with its config path. */
function experiments(config: AutomlSlice) {
  return config.tenants.flatMap((t, i) =>
    t.experiments.map((experiment, j) => ({
      experiment,
      tenant: t.name,
      path: `tenants[${i}].experiments[${j}]`,
    })),
  );
}

/** Paths of the construct's props that the environment file spells differently. */
const RENAMED: readonly [RegExp, string][] = [
  [/^trial\.resources\.gpu/, 'trial.gpu'],
  [/^trial\.resourcesPerNode\.gpu/, 'trial.gpu'],
];

export const AUTOML_RULES: readonly ConfigRule<AutomlSlice>[] = [
  {
    id: 'KATIB-OFF',
    description: 'A tenant declares experiments only when Katib is on.',
    check: (config) =>
      config.kubeflow.katib.enabled
        ? []
        : config.tenants.flatMap((t, i) =>
            t.experiments.length === 0
              ? []
              : [
                  problem(
                    `tenants[${i}].experiments`,
                    'declares experiments, but Katib is off (kubeflow.katib.enabled: false), so nothing would run them',
                    t.experiments,
                    'Turn Katib on, or remove the experiments.',
                    'KATIB-OFF',
                  ),
                ],
          ),
  },
  {
    id: 'KATIB-EXPERIMENT-NAMES',
    description: "A tenant's experiments have distinct names.",
    check: (config) =>
      config.tenants.flatMap((t, i) =>
        [...duplicates(t.experiments.map((e) => e.name))].flatMap(([name, idx]) =>
          idx
            .slice(1)
            .map((j) =>
              problem(
                `tenants[${i}].experiments[${j}].name`,
                'names an experiment listed before in this tenant',
                name,
                'Give each experiment of a tenant its own name.',
                'KATIB-EXPERIMENT-NAMES',
              ),
            ),
        ),
      ),
  },
  {
    id: 'KATIB-EXPERIMENT',
    description:
      'An experiment can run: its objective is a metric the trial reports, its search space is not empty (min at most max, lists not empty), every parameter is used by the trial and every one it uses is declared, the algorithm is installed and suits the parameters, and the trial counts agree.',
    check: (config) =>
      experiments(config).flatMap(({ experiment, tenant, path }): ConfigProblem[] =>
        propProblemsAt(
          path,
          experimentProblems(experimentProps(tenant, experiment)),
          'KATIB-EXPERIMENT',
          RENAMED,
        ),
      ),
  },
  {
    id: 'KATIB-DATABASE-TLS',
    description:
      "Katib's DB manager v0.19.0 connects to MySQL without TLS, so an external Katib database accepts plain connections, and in prod a reason says why that network is trusted.",
    check: ({ kubeflow }, ctx) => {
      const db = kubeflow.katib.database;
      if (db.type !== 'external') return [];
      if (db.tls.required) {
        return [
          problem(
            'kubeflow.katib.database.tls.required',
            "is true, but Katib's DB manager v0.19.0 cannot connect to MySQL with TLS",
            true,
            'Set it to false for a database reached over a network you trust (with tls.reason in prod), or use the platform database (kubeflow.katib.database.type: platform).',
            'KATIB-DATABASE-TLS',
          ),
        ];
      }
      return ctx.preset === 'prod' && !db.tls.reason
        ? [
            problem(
              'kubeflow.katib.database.tls.reason',
              'is missing: the prod preset reaches an external database without TLS only for a stated reason',
              undefined,
              'Say why the network to the database is trusted, e.g. "private subnet, no route from outside".',
              'KATIB-DATABASE-TLS',
            ),
          ]
        : [];
    },
  },
];
