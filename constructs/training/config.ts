import { z } from 'zod';
import { TenantEntry } from '../core/component';
import { dnsLabel, pinnedImage, positiveInt, resources } from '../core/config/patterns';
import { ConfigProblem, problem, propProblemsAt } from '../core/config/problems';
import { ConfigRule, PresetName, configGroup, duplicates } from '../core/config/rules';
import { TRAINING_RUNTIME_NAMES } from '../trainer/runtime-table';
import { TrainJobProps, trainJobProblems } from '../trainer/train-job';

const trainingSchema = (preset: PresetName) =>
  z
    .strictObject({
      enabled: z.boolean().default(true),
      /** The ClusterTrainingRuntimes installed. @default - every runtime of the release */
      runtimes: z
        .array(z.enum(TRAINING_RUNTIME_NAMES as [string, ...string[]]))
        .min(1, 'lists no runtime|Leave runtimes out to install all, or list at least one.')
        .optional(),
      /** Replicas of the Trainer and JobSet managers (one leads; all serve the webhooks). */
      replicas: positiveInt(3, 'replicas').default(preset === 'prod' ? 2 : 1),
    })
    .prefault({});

/** `kubeflow.training` in the environment file: Kubeflow Trainer with JobSet. */
export const trainingShape = (preset: PresetName) => ({
  kubeflow: configGroup({ training: trainingSchema(preset) }),
});

const gpuSchema = z
  .strictObject({
    count: positiveInt(64, 'GPUs'),
    /** @default 'nvidia.com/gpu' */
    resource: z.string().min(1).optional(),
  })
  .optional();

const initializerSource = z.strictObject({
  storageUri: z
    .string()
    .regex(
      /^(hf|s3|cache):\/\/\S+$/,
      'is not a storage URI|Give hf://org/name or s3://bucket/key (datasets also cache://).',
    ),
  env: z.record(z.string(), z.string()).optional(),
  /** A Secret in the tenant's namespace with the credentials. */
  secretName: dnsLabel().optional(),
});

const patchSchema = z.strictObject({
  serviceAccountName: dnsLabel().optional(),
  nodeSelector: z.record(z.string(), z.string()).optional(),
  tolerations: z
    .array(
      z.strictObject({
        key: z.string().optional(),
        operator: z.enum(['Equal', 'Exists']).optional(),
        value: z.string().optional(),
        effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
        tolerationSeconds: z.number().int().optional(),
      }),
    )
    .optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const trainJobSchema = z.strictObject({
  name: dnsLabel(),
  /** A ClusterTrainingRuntime the platform installs, e.g. `torch-distributed`. */
  runtime: z.string().min(1),
  trainer: z
    .strictObject({
      image: pinnedImage().optional(),
      command: z.array(z.string()).optional(),
      args: z.array(z.string()).optional(),
      env: z.record(z.string(), z.string()).optional(),
      numNodes: positiveInt(1000, 'nodes').optional(),
      numProcPerNode: positiveInt(64, 'processes').optional(),
      resourcesPerNode: resources().optional(),
      gpu: gpuSchema,
    })
    .optional(),
  initializer: z
    .strictObject({ dataset: initializerSource.optional(), model: initializerSource.optional() })
    .optional(),
  suspend: z.boolean().optional(),
  activeDeadlineSeconds: positiveInt(31_536_000, 'seconds').optional(),
  /** Pod changes per replicated job of the runtime, e.g. `node: { tolerations: [...] }`. */
  runtimePatches: z.record(z.string(), patchSchema).optional(),
});

export type TrainJobConfig = z.output<typeof trainJobSchema>;

/** What `training` adds to every tenant: its train jobs. */
export const trainingTenantShape = () => ({
  trainJobs: z.array(trainJobSchema).default([]),
});

export type TrainingSlice = z.output<z.ZodObject<ReturnType<typeof trainingShape>>> & {
  readonly tenants: readonly (TenantEntry &
    z.output<z.ZodObject<ReturnType<typeof trainingTenantShape>>>)[];
};

/** The runtimes a platform with these settings installs. */
export const installedRuntimes = (config: TrainingSlice): readonly string[] =>
  config.kubeflow.training.runtimes ?? TRAINING_RUNTIME_NAMES;

/** The construct props of a train job of the environment file. */
export function trainJobProps(
  namespace: string,
  j: TrainJobConfig,
  knownRuntimes?: readonly string[],
): TrainJobProps {
  const t = j.trainer;
  const resourcesPerNode = t?.gpu
    ? { ...(t.resourcesPerNode ?? {}), gpu: t.gpu }
    : t?.resourcesPerNode;
  return {
    namespace,
    name: j.name,
    runtime: j.runtime,
    ...(knownRuntimes ? { knownRuntimes } : {}),
    ...(t
      ? {
          trainer: {
            ...(t.image ? { image: t.image } : {}),
            ...(t.command ? { command: t.command } : {}),
            ...(t.args ? { args: t.args } : {}),
            ...(t.env ? { env: t.env } : {}),
            ...(t.numNodes !== undefined ? { numNodes: t.numNodes } : {}),
            ...(t.numProcPerNode !== undefined ? { numProcPerNode: t.numProcPerNode } : {}),
            ...(resourcesPerNode ? { resourcesPerNode: resourcesPerNode as never } : {}),
          },
        }
      : {}),
    ...(j.initializer ? { initializer: j.initializer } : {}),
    ...(j.suspend !== undefined ? { suspend: j.suspend } : {}),
    ...(j.activeDeadlineSeconds !== undefined
      ? { activeDeadlineSeconds: j.activeDeadlineSeconds }
      : {}),
    ...(j.runtimePatches ? { runtimePatches: j.runtimePatches } : {}),
  };
}

const RENAMED: readonly [RegExp, string][] = [[/^trainer\.resourcesPerNode\.gpu/, 'trainer.gpu']];

export const TRAINING_RULES: readonly ConfigRule<TrainingSlice>[] = [
  {
    id: 'TRAINING-OFF',
    description: 'A tenant declares train jobs only when training is on.',
    check: (config) =>
      config.kubeflow.training.enabled
        ? []
        : config.tenants.flatMap((t, i) =>
            t.trainJobs.length === 0
              ? []
              : [
                  problem(
                    `tenants[${i}].trainJobs`,
                    'declares train jobs, but training is off (kubeflow.training.enabled: false), so nothing would run them',
                    t.trainJobs,
                    'Turn training on, or remove the train jobs.',
                    'TRAINING-OFF',
                  ),
                ],
          ),
  },
  {
    id: 'TRAINING-JOB-NAMES',
    description: "A tenant's train jobs have distinct names.",
    check: (config) =>
      config.tenants.flatMap((t, i) =>
        [...duplicates(t.trainJobs.map((j) => j.name))].flatMap(([name, idx]) =>
          idx
            .slice(1)
            .map((j) =>
              problem(
                `tenants[${i}].trainJobs[${j}].name`,
                'names a train job listed before in this tenant',
                name,
                'Give each train job of a tenant its own name.',
                'TRAINING-JOB-NAMES',
              ),
            ),
        ),
      ),
  },
  {
    id: 'TRAINING-JOB',
    description:
      'A train job runs on a ClusterTrainingRuntime the platform installs, with at least one node, requests within limits and no variable the runtime sets itself.',
    check: (config) =>
      config.tenants.flatMap((t, i) =>
        t.trainJobs.flatMap((j, k): ConfigProblem[] =>
          propProblemsAt(
            `tenants[${i}].trainJobs[${k}]`,
            trainJobProblems(trainJobProps(t.name, j, installedRuntimes(config))),
            'TRAINING-JOB',
            RENAMED,
          ),
        ),
      ),
  },
];
