import { ImageRef } from '../core/images';

/** The net-istio release of the Kubeflow 26.03.1 release set (`knative-v1.22.0`). */
export const NET_ISTIO_VERSION = '1.22.0';

/**
 * Images of net-istio 1.22.0. Upstream publishes them by digest only; the digests are the ones
 * Kubeflow 26.03.1 vendors (`common/knative/knative-serving/base/upstream/net-istio.yaml` at
 * f09f3eeaa25cc852665f460497a42b7fc68639ac). Knative's release tags the same images `v<version>`;
 * the digest is what a runtime pulls.
 */
export const NET_ISTIO_IMAGES = {
  controller: {
    registry: 'gcr.io',
    repository: 'knative-releases/knative.dev/net-istio/cmd/controller',
    tag: `v${NET_ISTIO_VERSION}`,
    digest: 'sha256:d849c758f269bf651bd2dd6a973a11d4029ecc2ba4c3bc0fd07b86252d5ab087',
  },
  webhook: {
    registry: 'gcr.io',
    repository: 'knative-releases/knative.dev/net-istio/cmd/webhook',
    tag: `v${NET_ISTIO_VERSION}`,
    digest: 'sha256:2563f60b712dbba6cb4f67a0925437c2841ce57433d9733528cfdfd566106995',
  },
} as const satisfies Record<string, ImageRef>;

/**
 * The Envoy image of the cluster-local gateway: Istio's `proxyv2` of the release set (1.30.1), as
 * Kubeflow's `common/istio/cluster-local-gateway` runs it, from Docker Hub like the mesh component.
 * Pass the mesh's own proxy image when it differs: the pod states its image, so the injector keeps it.
 */
export const LOCAL_GATEWAY_PROXY_IMAGE: ImageRef = {
  registry: 'docker.io',
  repository: 'istio/proxyv2',
  tag: '1.30.1',
};
