/**
 * Facts of Kubeflow Trainer v2.2.0 that the `TrainJob` construct renders and checks, each with the
 * file at the tag it comes from.
 */

/** The Trainer release whose TrainJob shape this construct writes. */
export const TRAINER_TRAINJOB_VERSION = 'v2.2.0';

/** `trainer.kubeflow.org/v1alpha1` (pkg/apis/trainer/v1alpha1/groupversion_info.go). */
export const TRAINER_API_GROUP = 'trainer.kubeflow.org';
export const TRAINER_API_VERSION = `${TRAINER_API_GROUP}/v1alpha1`;

/** The runtime kinds `spec.runtimeRef.kind` names (default ClusterTrainingRuntime, trainjob_types.go). */
export type TrainingRuntimeKind = 'ClusterTrainingRuntime' | 'TrainingRuntime';

/**
 * The trainer's replicated job and container (`Node` in pkg/constants/constants.go); every
 * runtime of the release has it.
 */
export const TRAINER_NODE = 'node';

/**
 * Environment variables the runtime sets itself and the Trainer webhook refuses in
 * `spec.trainer.env`: torchrun's (TorchRunReservedEnvNames) and XGBoost's
 * (XGBoostReservedEnvNames), pkg/constants/constants.go.
 */
export const RESERVED_TRAINER_ENV: readonly string[] = [
  'PET_NNODES',
  'PET_NPROC_PER_NODE',
  'PET_NODE_RANK',
  'PET_MASTER_ADDR',
  'PET_MASTER_PORT',
  'DMLC_TRACKER_URI',
  'DMLC_TRACKER_PORT',
  'DMLC_TASK_ID',
  'DMLC_NUM_WORKER',
];

/**
 * The URI schemes the initializers read (pkg/initializers/utils/utils.py; the dataset
 * initializer also reads `cache://`, dataset/__main__.py).
 */
export const DATASET_URI_SCHEMES: readonly string[] = ['hf', 's3', 'cache'];
export const MODEL_URI_SCHEMES: readonly string[] = ['hf', 's3'];

/** Limits of the CRD at the tag (kubebuilder markers in trainjob_types.go). */
export const MAX_RUNTIME_PATCHES_REPLICATED_JOBS = 100;
export const MAX_STORAGE_URI_LENGTH = 2048;

/**
 * The ClusterTrainingRuntimes the release ships (manifests/base/runtimes/kustomization.yaml and
 * its torchtune folder), for reference: the integrator passes the names the platform installs as
 * `knownRuntimes`.
 */
export const TRAINER_V220_CLUSTER_RUNTIMES: readonly string[] = [
  'deepspeed-distributed',
  'jax-distributed',
  'mlx-distributed',
  'torch-distributed',
  'torchtune-llama3.2-1b',
  'torchtune-llama3.2-3b',
  'torchtune-qwen2.5-1.5b',
  'xgboost-distributed',
];
