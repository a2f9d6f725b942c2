import { TrainerRuntimeImage } from './versions';

/** The framework policy of a runtime (`MLPolicySource`, one of them). */
export type RuntimeMlPolicy =
  | { readonly torch: Record<string, never> }
  | { readonly jax: Record<string, never> }
  | { readonly xgboost: Record<string, never> }
  | {
      readonly mpi: {
        readonly numProcPerNode: number;
        readonly mpiImplementation: 'OpenMPI';
        readonly sshAuthMountPath: string;
        readonly runLauncherAsNode: boolean;
      };
    };

/** One `node` job whose container `node` runs the image (torch, JAX, XGBoost). */
export interface PlainRuntimeShape {
  readonly kind: 'plain';
  readonly image: TrainerRuntimeImage;
}

/**
 * MPI: a `launcher` job (the trainer step, running `mpirun`) and `node` jobs whose container runs
 * sshd for the launcher; the JobSet publishes not-ready addresses and succeeds with the launcher.
 */
export interface MpiRuntimeShape {
  readonly kind: 'mpi';
  readonly image: TrainerRuntimeImage;
  /** The user the image's sshd and MPI processes run as (`mpiuser`). */
  readonly runAsUser: number;
  /** sshd's command and arguments in the `node` container. */
  readonly sshdCommand: readonly string[];
  readonly sshdArgs: readonly string[];
  /** The port of the readiness probe: sshd's `Port` in the image's config. */
  readonly sshPort: number;
  readonly readinessInitialDelaySeconds: number;
}

/**
 * TorchTune fine-tuning: dataset and model initializers write to a shared volume, then `node`
 * runs `tune run` on it.
 */
export interface TorchTuneRuntimeShape {
  readonly kind: 'torchtune';
  /** `STORAGE_URI` of the dataset initializer. */
  readonly datasetUri: string;
  /** `STORAGE_URI` of the model initializer. */
  readonly modelUri: string;
  /** The `tune run` command of the `node` container. */
  readonly command: readonly string[];
  /** `nvidia.com/gpu` limit of the `node` container. */
  readonly gpus: number;
  /** Size of the `initializer` volume claim, ReadWriteOnce, mounted at `/workspace`. */
  readonly storageGiB: number;
}

export interface TrainingRuntimeEntry {
  /** Object name; a TrainJob's `runtimeRef.name`. */
  readonly name: string;
  /** `trainer.kubeflow.org/framework`. */
  readonly framework: 'torch' | 'deepspeed' | 'mlx' | 'jax' | 'xgboost' | 'torchtune';
  readonly numNodes: number;
  readonly mlPolicy: RuntimeMlPolicy;
  readonly shape: PlainRuntimeShape | MpiRuntimeShape | TorchTuneRuntimeShape;
}

const MPI_POLICY: RuntimeMlPolicy = {
  mpi: {
    numProcPerNode: 1,
    mpiImplementation: 'OpenMPI',
    sshAuthMountPath: '/home/mpiuser/.ssh',
    runLauncherAsNode: true,
  },
};

const mpiShape = (image: TrainerRuntimeImage): MpiRuntimeShape => ({
  kind: 'mpi',
  image,
  runAsUser: 1000,
  sshdCommand: ['/usr/sbin/sshd'],
  sshdArgs: ['-De', '-f', '/home/mpiuser/.sshd_config'],
  sshPort: 2222,
  readinessInitialDelaySeconds: 5,
});

/** `tune run` of upstream's TorchTune runtimes: the same recipe, a model config and tokenizer. */
const tuneRun = (config: string, tokenizer: readonly string[]): readonly string[] => [
  'tune',
  'run',
  '--rdzv_endpoint=localhost:29500',
  'full_finetune_distributed',
  '--config',
  config,
  'dataset=torchtune.datasets.instruct_dataset',
  'dataset.source=parquet',
  'dataset.data_dir=/workspace/dataset/data',
  'output_dir=/workspace/output',
  ...tokenizer,
  'checkpointer.checkpoint_dir=/workspace/model',
];

const torchtune = (
  name: string,
  modelUri: string,
  config: string,
  tokenizer: readonly string[],
): TrainingRuntimeEntry => ({
  name,
  framework: 'torchtune',
  numNodes: 1,
  mlPolicy: { torch: {} },
  shape: {
    kind: 'torchtune',
    datasetUri: 'hf://tatsu-lab/alpaca',
    modelUri,
    command: tuneRun(config, tokenizer),
    gpus: 2,
    storageGiB: 20,
  },
});

const LLAMA_TOKENIZER = ['tokenizer.path=/workspace/model/original/tokenizer.model'];

/**
 * The ClusterTrainingRuntimes Kubeflow 26.03.1 installs: `manifests/overlays/runtimes` at v2.2.0
 * includes every file of `manifests/base/runtimes` (deepspeed, mlx, torch, jax, xgboost and the
 * three TorchTune runtimes) but not `data-cache`. Stated from those files.
 */
export const TRAINING_RUNTIMES: readonly TrainingRuntimeEntry[] = [
  {
    name: 'deepspeed-distributed',
    framework: 'deepspeed',
    numNodes: 1,
    mlPolicy: MPI_POLICY,
    shape: mpiShape('deepspeed'),
  },
  {
    name: 'mlx-distributed',
    framework: 'mlx',
    numNodes: 1,
    mlPolicy: MPI_POLICY,
    shape: mpiShape('mlx'),
  },
  {
    name: 'torch-distributed',
    framework: 'torch',
    numNodes: 1,
    mlPolicy: { torch: {} },
    shape: { kind: 'plain', image: 'pytorch' },
  },
  {
    name: 'jax-distributed',
    framework: 'jax',
    numNodes: 1,
    mlPolicy: { jax: {} },
    shape: { kind: 'plain', image: 'jax' },
  },
  {
    name: 'xgboost-distributed',
    framework: 'xgboost',
    numNodes: 1,
    mlPolicy: { xgboost: {} },
    shape: { kind: 'plain', image: 'xgboost' },
  },
  torchtune(
    'torchtune-llama3.2-1b',
    'hf://meta-llama/Llama-3.2-1B-Instruct',
    'llama3_2/1B_full',
    LLAMA_TOKENIZER,
  ),
  torchtune(
    'torchtune-llama3.2-3b',
    'hf://meta-llama/Llama-3.2-3B-Instruct',
    'llama3_2/3B_full',
    LLAMA_TOKENIZER,
  ),
  torchtune('torchtune-qwen2.5-1.5b', 'hf://Qwen/Qwen2.5-1.5B-Instruct', 'qwen2_5/1.5B_full', [
    'tokenizer.path=/workspace/model/vocab.json',
    'tokenizer.merges_file=/workspace/model/merges.txt',
  ]),
];

/** Names of the installed runtimes, e.g. for a rule that a TrainJob names one that exists. */
export const TRAINING_RUNTIME_NAMES: readonly string[] = TRAINING_RUNTIMES.map((r) => r.name);

/**
 * The images each runtime's pods run, from the table: what a TrainJob of that runtime pulls
 * unless it sets `trainer.image`.
 */
export function runtimeImages(entry: TrainingRuntimeEntry): readonly TrainerRuntimeImage[] {
  const s = entry.shape;
  return s.kind === 'torchtune'
    ? ['datasetInitializer', 'modelInitializer', 'torchtune']
    : [s.image];
}

/**
 * Images whose default user is root (no `USER` in their Dockerfile, or a third-party image that
 * runs as root): under the restricted profile they run as uid 1000 with `HOME=/tmp`, so that
 * caches (`~/.cache`, Hugging Face, Triton) land in a writable directory. The MPI images have
 * their own `mpiuser` (1000) and `HOME`.
 */
export const ROOT_DEFAULT_IMAGES: readonly TrainerRuntimeImage[] = [
  'pytorch',
  'jax',
  'xgboost',
  'torchtune',
  'datasetInitializer',
  'modelInitializer',
];
