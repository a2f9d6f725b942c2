import { ImageRef } from '../core/images';

/**
 * The kubeflow/mlflow-integration release Kubeflow pins: image tag `v1.6.0` in
 * kubeflow/community-distribution `applications/mlflow/values-kubeflow.yaml`, rendered from the
 * chart at the commit `scripts/synchronize-mlflow-manifests.sh` checks out
 * (`pyproject.toml` there: `mlflow-kubernetes-plugins` 1.6.0).
 */
export const MLFLOW_INTEGRATION_VERSION = 'v1.6.0';

/**
 * The MLflow release inside that image: the release `Dockerfile` of mlflow-integration installs
 * `mlflow[extras,db,gateway,genai]==3.15.2` with `mlflow-kubernetes-plugins==1.6.0`
 * (`ARG MLFLOW_VERSION=3.15.2`, `ARG PLUGIN_VERSION=1.6.0`); the plugin's `pyproject.toml` at
 * 1.6.0 accepts `mlflow>=3.10.0,<3.16.0`. The chart's `appVersion` label (3.13.0) is not the
 * image's content.
 */
export const MLFLOW_VERSION = '3.15.2';

/** Images of the tracking server and its schema migration (the same image). */
export const MLFLOW_IMAGES = {
  server: {
    registry: 'ghcr.io',
    repository: 'kubeflow/mlflow-integration',
    tag: MLFLOW_INTEGRATION_VERSION,
  },
} as const satisfies Record<string, ImageRef>;
