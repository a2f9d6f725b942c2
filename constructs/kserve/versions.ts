import { ImageRef } from '../core/images';

/** The KServe release Kubeflow 26.03.1 installs. */
export const KSERVE_VERSION = 'v0.18.0';

const kserve = (repository: string): ImageRef => ({
  registry: 'docker.io',
  repository,
  tag: KSERVE_VERSION,
});

/**
 * Images of the pinned release. Upstream's kustomize files say `:latest` and its release script
 * (`hack/release/generate-install.sh`) rewrites every `:latest` to the release tag, which is what
 * the Kubeflow manifests carry; the Helm chart (`charts/kserve-resources/values.yaml`) defaults
 * every tag to `kserve.version: v0.18.0`. Upstream publishes no digests for them.
 * `storageInitializer`, `agent` (logger, batcher and model puller share it) and `router` are named
 * only in `inferenceservice-config`; the webhook injects them into model pods.
 * @see https://github.com/kserve/kserve/tree/v0.18.0/config
 */
export const KSERVE_IMAGES = {
  controller: kserve('kserve/kserve-controller'),
  storageInitializer: kserve('kserve/storage-initializer'),
  agent: kserve('kserve/agent'),
  router: kserve('kserve/router'),
  /** `explainers.art`: image and `defaultImageVersion` are separate keys in the config. */
  artExplainer: kserve('kserve/art-explainer'),
  /** The metrics proxy beside the manager (`config/default/manager_auth_proxy_patch.yaml`). */
  kubeRbacProxy: { registry: 'quay.io', repository: 'brancz/kube-rbac-proxy', tag: 'v0.18.0' },
} as const satisfies Record<string, ImageRef>;
