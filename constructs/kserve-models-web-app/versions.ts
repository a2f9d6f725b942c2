import { ImageRef } from '../core/images';

/** The models web app release of Kubeflow 26.03.1 (its `releasing/VERSION` says `latest`; the tag is `v0.18.0`). */
export const MODELS_WEB_APP_VERSION = '0.18.0';

/**
 * The web app image as kserve/models-web-app v0.18.0 pins it in
 * `manifests/kustomize/base/kustomization.yaml` (`images[0]`, newName and newTag), the same as
 * kubeflow/community-distribution 26.03.1 `applications/kserve/models-web-app/base`. Upstream pins
 * no digest.
 * @see https://github.com/kserve/models-web-app/tree/v0.18.0/manifests/kustomize
 */
export const MODELS_WEB_APP_IMAGES = {
  webApp: { registry: 'ghcr.io', repository: 'kserve/models-web-app', tag: MODELS_WEB_APP_VERSION },
} as const satisfies Record<string, ImageRef>;
