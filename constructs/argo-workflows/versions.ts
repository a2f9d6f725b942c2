import { ImageRef } from '../core/images';

/** The Argo Workflows release Kubeflow Pipelines 2.16.1 installs (Kubeflow 26.03.1). */
export const ARGO_WORKFLOWS_VERSION = 'v3.7.3';

/**
 * Images of the pinned release, as Kubeflow Pipelines 2.16.1 pins them in
 * `manifests/kustomize/third-party/argo/base/workflow-controller-deployment-patch.yaml`
 * (upstream's own base says `:latest`). `argoexec` runs the init and wait containers of every
 * workflow pod; the controller only names it in `--executor-image`.
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/manifests/kustomize/third-party/argo
 */
export const ARGO_WORKFLOWS_IMAGES = {
  workflowController: {
    registry: 'quay.io',
    repository: 'argoproj/workflow-controller',
    tag: ARGO_WORKFLOWS_VERSION,
  },
  argoexec: {
    registry: 'quay.io',
    repository: 'argoproj/argoexec',
    tag: ARGO_WORKFLOWS_VERSION,
  },
} as const satisfies Record<string, ImageRef>;
