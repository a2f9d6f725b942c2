import { ImageRef, imageTable } from '../core/images';

/**
 * MinIO images. Upstream stopped publishing community images after these releases; both are pinned
 * by digest as well as tag. Point `images.registryMirror` at a mirror to pull them elsewhere.
 */
export const MINIO_VERSIONS = {
  server: {
    registry: 'quay.io',
    repository: 'minio/minio',
    tag: 'RELEASE.2025-09-07T16-13-09Z',
    digest: 'sha256:14cea493d9a34af32f524e538b8346cf79f3321eff8e708c1e2960462bd8936e',
  },
  client: {
    registry: 'quay.io',
    repository: 'minio/mc',
    tag: 'RELEASE.2025-08-13T08-35-41Z',
    digest: 'sha256:a7fe349ef4bd8521fb8497f55c6042871b2ae640607cf99d9bede5e9bdf11727',
  },
} as const satisfies Record<string, ImageRef>;

const USED_BY: Record<keyof typeof MINIO_VERSIONS, string> = {
  server: 'StatefulSet `minio`',
  client: 'Job `minio-bucket-provisioner` (`mc`)',
};

/** The README's version table (see `imageTable`). */
export function minioVersionTable(): string {
  return imageTable(MINIO_VERSIONS, USED_BY);
}
