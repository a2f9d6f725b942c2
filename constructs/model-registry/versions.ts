import { ImageRef, imageTable } from '../core/images';

/** The Kubeflow Hub (model registry) release of Kubeflow 26.03.1. */
export const HUB_VERSION = 'v0.3.9';

const hubImage = (name: string): ImageRef => ({
  registry: 'ghcr.io',
  repository: `kubeflow/hub/${name}`,
  tag: HUB_VERSION,
});

/**
 * Every image of Kubeflow Hub as Kubeflow 26.03.1 pins it (`applications/hub/upstream/...`):
 * - `server`: `base/kustomization.yaml` and `options/catalog/base/kustomization.yaml` (one image,
 *   `/model-registry proxy` for a registry, `/model-registry catalog` for the catalog);
 * - `ui`: `options/ui/base/kustomization.yaml`;
 * - `storageInitializer`: `options/csi/kustomization.yaml`; it runs in InferenceService pods, named
 *   only in the ClusterStorageContainer, so the bill of materials needs it from here;
 * - `registryPostgres`: upstream's `overlays/postgres` floats `postgres:16-alpine`; pinned here to
 *   the 16.13 patch release (the 16.x of PostgreSQL's out-of-cycle release of 26 February 2026,
 *   the newest when Kubeflow 26.03.1 was cut). Alpine's `postgres` user is uid/gid 70, the user
 *   upstream runs it as;
 * - `catalogPostgres`: `options/catalog/base/postgres-statefulset.yaml` pins `postgres:17.6`
 *   (Debian based; upstream runs it as uid 70 too, which the entrypoint supports through
 *   nss_wrapper).
 * Upstream pins tags, no digests.
 */
export const HUB_IMAGES = {
  server: hubImage('server'),
  ui: hubImage('ui'),
  storageInitializer: hubImage('storage-initializer'),
  registryPostgres: { registry: 'docker.io', repository: 'library/postgres', tag: '16.13-alpine' },
  catalogPostgres: { registry: 'docker.io', repository: 'library/postgres', tag: '17.6' },
} as const satisfies Record<string, ImageRef>;

const USED_BY: Record<keyof typeof HUB_IMAGES, string> = {
  server: 'Deployments `model-registry-deployment` (each registry) and `model-catalog-server`',
  ui: 'Deployment `model-registry-ui`',
  storageInitializer:
    'ClusterStorageContainer `model-registry-storage-initializer` (InferenceService pods)',
  registryPostgres: 'StatefulSet `model-registry-db` (each registry with its own database)',
  catalogPostgres: 'StatefulSet `model-catalog-postgres`',
};

/** The README's version table (see `imageTable`). */
export function hubVersionTable(): string {
  return imageTable(HUB_IMAGES, USED_BY);
}
