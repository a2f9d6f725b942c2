import { ImageRef } from '../core/images';

/** The kubeflow/pipelines release this component deploys (Kubeflow 26.03.1). */
export const KFP_VERSION = '2.16.1';

const kfp = (name: string): ImageRef => ({
  registry: 'ghcr.io',
  repository: `kubeflow/kfp-${name}`,
  tag: KFP_VERSION,
});

/**
 * Images of the pinned release, as upstream's kustomizations pin them at 2.16.1
 * (`manifests/kustomize/base/pipeline/kustomization.yaml`, `base/cache/kustomization.yaml`,
 * `base/metadata/base/kustomization.yaml`, `base/pipeline/metadata-writer/kustomization.yaml`,
 * and the `V2_DRIVER_IMAGE`/`V2_LAUNCHER_IMAGE` values of `ml-pipeline-apiserver-deployment.yaml`).
 * The Go images run as `USER 1000` (`backend/Dockerfile*`), the manifests as `runAsUser: 1000`.
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/manifests/kustomize
 */
export const KFP_IMAGES = {
  apiServer: kfp('api-server'),
  persistenceAgent: kfp('persistence-agent'),
  scheduledWorkflow: kfp('scheduled-workflow-controller'),
  cacheServer: kfp('cache-server'),
  /** Named in the API server's `V2_DRIVER_IMAGE`: it runs in every tenant's pipeline pods. */
  driver: kfp('driver'),
  /** Named in the API server's `V2_LAUNCHER_IMAGE`: it runs in every tenant's pipeline pods. */
  launcher: kfp('launcher'),
  frontend: kfp('frontend'),
  viewerCrdController: kfp('viewer-crd-controller'),
  visualizationServer: kfp('visualization-server'),
  metadataEnvoy: kfp('metadata-envoy'),
  metadataWriter: kfp('metadata-writer'),
  /** The ML Metadata gRPC server (`base/metadata/base/metadata-grpc-deployment.yaml`). */
  metadataGrpc: {
    registry: 'gcr.io',
    repository: 'tfx-oss-public/ml_metadata_store_server',
    tag: '1.14.0',
  },
  /**
   * The cache webhook swaps a cached step's container for this one (`cacheImage` of
   * `pipeline-install-config`, upstream's default `ghcr.io/containerd/busybox`, unpinned there).
   */
  cacheStep: { registry: 'ghcr.io', repository: 'containerd/busybox', tag: '1.36' },
} as const satisfies Record<string, ImageRef>;
