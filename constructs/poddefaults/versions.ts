import { ImageRef } from '../core/images';

/** The kubeflow/dashboard release the PodDefaults webhook comes from (Kubeflow 26.03.1). */
export const POD_DEFAULTS_VERSION = 'v2.0.0';

/**
 * Images of the pinned release, as upstream's kustomization pins them
 * (`components/poddefaults-webhooks/manifests/kustomize/base/kustomization.yaml` at v2.0.0).
 * The image is distroless `static:nonroot` and runs as 65532.
 * @see https://github.com/kubeflow/dashboard/tree/v2.0.0/components/poddefaults-webhooks
 */
export const POD_DEFAULTS_IMAGES = {
  webhook: {
    registry: 'ghcr.io',
    repository: 'kubeflow/dashboard/poddefaults-webhook',
    tag: POD_DEFAULTS_VERSION,
  },
} as const satisfies Record<string, ImageRef>;
