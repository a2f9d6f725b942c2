import { ImageRef } from '../core/images';
import { ComponentVersion } from '../core/release-set';

/** The Kubeflow Trainer release Kubeflow 26.03.1 installs (`applications/trainer`). */
export const TRAINER_VERSION = 'v2.2.0';

/** The release as the release-set check reads it. */
export const TRAINER_RELEASE: ComponentVersion = { project: 'trainer', version: TRAINER_VERSION };

const ghcr = (name: string): ImageRef => ({
  registry: 'ghcr.io',
  repository: `kubeflow/trainer/${name}`,
  tag: TRAINER_VERSION,
});

/**
 * The controller manager's image. Upstream's `manifests/base/manager/manager.yaml` names it
 * without a tag; `manifests/overlays/manager/kustomization.yaml` at v2.2.0 (the overlay
 * Kubeflow's `kubeflow-platform` install builds on) sets the tag to the release. No digest is
 * pinned upstream.
 */
export const TRAINER_IMAGES = {
  controllerManager: ghcr('trainer-controller-manager'),
} as const satisfies Record<string, ImageRef>;

/**
 * Images the shipped ClusterTrainingRuntimes run (`manifests/base/runtimes/**` at v2.2.0). The
 * runtimes overlay (`manifests/overlays/runtimes/kustomization.yaml`) pins every Kubeflow-built
 * image to the release tag, including `xgboost-runtime`, which the base file names `:latest`.
 * PyTorch and JAX are third-party images pinned by tag in the base files. No digests upstream.
 * They appear in no pod of the install: the controller copies them into each TrainJob's pods,
 * so they are listed for the bill of materials.
 */
export const TRAINER_RUNTIME_IMAGES = {
  /** `torch_distributed.yaml`. */
  pytorch: {
    registry: 'docker.io',
    repository: 'pytorch/pytorch',
    tag: '2.10.0-cuda12.8-cudnn9-runtime',
  },
  /** `jax_distributed.yaml`. */
  jax: { registry: 'nvcr.io', repository: 'nvidia/jax', tag: '25.10-py3' },
  deepspeed: ghcr('deepspeed-runtime'),
  mlx: ghcr('mlx-runtime'),
  xgboost: ghcr('xgboost-runtime'),
  torchtune: ghcr('torchtune-trainer'),
  datasetInitializer: ghcr('dataset-initializer'),
  modelInitializer: ghcr('model-initializer'),
} as const satisfies Record<string, ImageRef>;

export type TrainerRuntimeImage = keyof typeof TRAINER_RUNTIME_IMAGES;
