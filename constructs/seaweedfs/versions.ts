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
} as const satisfies Record<string, ImageRef>;

const USED_BY: Record<keyof typeof SEAWEEDFS_VERSIONS, string> = {
  server: 'StatefulSet `seaweedfs`, Jobs `seaweedfs-setup` and `seaweedfs-tenant-*` (`weed shell`)',
};

/** The README's version table (see `imageTable`). */
export function seaweedfsVersionTable(): string {
  return imageTable(SEAWEEDFS_VERSIONS, USED_BY);
}
