import { ImageRef } from '../core/images';

/** The JobSet release Kubeflow Trainer v2.2.0 installs (Kubeflow 26.03.1). */
export const JOBSET_VERSION = 'v0.11.0';

/**
 * Images of the pinned release. Upstream's release manifest names the staging registry
 * (`config/components/manager/kustomization.yaml`: `us-central1-docker.pkg.dev/k8s-staging-images/jobset/jobset`);
 * Kubeflow pins the promoted image instead
 * (community-distribution `applications/trainer/upstream/third-party/jobset/kustomization.yaml`),
 * and so do we. Neither pins a digest.
 * @see https://github.com/kubernetes-sigs/jobset/releases/tag/v0.11.0
 */
export const JOBSET_IMAGES = {
  controller: {
    registry: 'registry.k8s.io',
    repository: 'jobset/jobset',
    tag: JOBSET_VERSION,
  },
} as const satisfies Record<string, ImageRef>;
