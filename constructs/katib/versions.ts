import { ImageRef } from '../core/images';

/** The Katib release of Kubeflow 26.03.1. */
export const KATIB_VERSION = 'v0.19.0';

/**
 * Katib's own services, as its `katib-with-kubeflow` install pins them
 * (`manifests/v1beta1/installs/katib-with-kubeflow/kustomization.yaml` at v0.19.0).
 * The images that `katib-config` names (suggestions, early stopping, metrics collectors) are in
 * `KATIB_CONFIG_IMAGES`.
 */
export const KATIB_IMAGES = {
  controller: {
    registry: 'ghcr.io',
    repository: 'kubeflow/katib/katib-controller',
    tag: KATIB_VERSION,
  },
  dbManager: {
    registry: 'ghcr.io',
    repository: 'kubeflow/katib/katib-db-manager',
    tag: KATIB_VERSION,
  },
  ui: { registry: 'ghcr.io', repository: 'kubeflow/katib/katib-ui', tag: KATIB_VERSION },
} as const satisfies Record<string, ImageRef>;
