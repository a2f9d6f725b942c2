import { ImageRef, imageTable } from '../core/images';

/**
 * SeaweedFS image as the Kubeflow 26.03.1 community distribution pins it
 * (`applications/pipeline/upstream/third-party/seaweedfs/base/seaweedfs/seaweedfs-deployment.yaml`,
 * from kubeflow/pipelines 2.16.1 `manifests/kustomize/third-party/seaweedfs`). Upstream pins the tag
 * only; point `images.registryMirror` at a mirror to pull it elsewhere.
 */
export const SEAWEEDFS_VERSIONS = {
  server: {
    registry: 'docker.io',
    repository: 'chrislusf/seaweedfs',
    tag: '4.00',
  },
  /**
   * An S3 client for what `weed shell` 4.00 cannot do: bucket versioning is set through the S3
   * API only (`PutBucketVersioningHandler`). The MinIO client, pinned as the MinIO store pins it.
   */
  client: {
    registry: 'quay.io',
    repository: 'minio/mc',
    tag: 'RELEASE.2025-08-13T08-35-41Z',
    digest: 'sha256:a7fe349ef4bd8521fb8497f55c6042871b2ae640607cf99d9bede5e9bdf11727',
  },
} as const satisfies Record<string, ImageRef>;

const USED_BY: Record<keyof typeof SEAWEEDFS_VERSIONS, string> = {
  server: 'StatefulSet `seaweedfs`, Jobs `seaweedfs-setup` and `seaweedfs-tenant-*` (`weed shell`)',
  client: 'Job `seaweedfs-setup` (`mc`, bucket versioning)',
};

/** The README's version table (see `imageTable`). */
export function seaweedfsVersionTable(): string {
  return imageTable(SEAWEEDFS_VERSIONS, USED_BY);
}
