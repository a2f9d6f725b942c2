import { ImageRef } from '../core/images';

/** The Knative Serving release of Kubeflow 26.03.1 (`common/knative/knative-serving`). */
export const KNATIVE_SERVING_VERSION = '1.22.0';

const TAG = `v${KNATIVE_SERVING_VERSION}`;
const REGISTRY = 'gcr.io';
const REPOSITORY = 'knative-releases/knative.dev/serving/cmd';

/**
 * Images of the release. Upstream's release YAML (`serving-core.yaml` of knative-v1.22.0, vendored
 * by Kubeflow 26.03.1 as `common/knative/knative-serving/base/upstream/serving-core.yaml`) pins
 * each one by digest only; the tag is the release's and only informs mirrors and readers, the
 * runtime pulls the digest. `queueProxy` runs next to every revision's user container: the
 * controller only names it (`config-deployment` `queue-sidecar-image`, the `queue-proxy` Image).
 * @see https://github.com/knative/serving/releases/tag/knative-v1.22.0
 */
export const KNATIVE_SERVING_IMAGES = {
  activator: {
    registry: REGISTRY,
    repository: `${REPOSITORY}/activator`,
    tag: TAG,
    digest: 'sha256:8f7e9df2642a8ba715ebc55b62abee17b0984b6b6af0c6ec00dabaadf5f8cccb',
  },
  autoscaler: {
    registry: REGISTRY,
    repository: `${REPOSITORY}/autoscaler`,
    tag: TAG,
    digest: 'sha256:ec66d97244395b57a67923d4a8c5a95f0264805f1fdb2ee0cdb49ec0f3bd7855',
  },
  controller: {
    registry: REGISTRY,
    repository: `${REPOSITORY}/controller`,
    tag: TAG,
    digest: 'sha256:6833f2c83e9f356c274ddb2de40e5471ad2b1c08882c9bd11f5afa240e86d574',
  },
  webhook: {
    registry: REGISTRY,
    repository: `${REPOSITORY}/webhook`,
    tag: TAG,
    digest: 'sha256:c505888f7ee34ccadc1b9a6877d6d49691f633ea28cf8cbe03fcfa6d3afcd584',
  },
  queueProxy: {
    registry: REGISTRY,
    repository: `${REPOSITORY}/queue`,
    tag: TAG,
    digest: 'sha256:371c23206b7bd924474b07e51435198579133eb98fba27a5cb3db9e6ba63b06b',
  },
} as const satisfies Record<string, ImageRef>;

/**
 * The user of the images: upstream's `.ko.yaml` builds them on `ghcr.io/wolfi-dev/static`, whose
 * `nonroot` user is 65532. Stated so that the pods run with an explicit non-root identity.
 */
export const KNATIVE_SERVING_UID = 65532;
