import { ImageRef, imageTable } from '../core/images';

/** The cert-manager release this component deploys. */
export const CERT_MANAGER_VERSION = 'v1.20.2';

const image = (name: string): ImageRef => ({
  registry: 'quay.io',
  repository: `jetstack/cert-manager-${name}`,
  tag: CERT_MANAGER_VERSION,
});

/**
 * cert-manager images of the pinned release. Upstream publishes no digests in the repository, so
 * they are pinned by tag only. The ACME HTTP-01 solver never runs as one of our pods: the
 * controller starts it per challenge from the image named in its `--acme-http01-solver-image`
 * flag, which is why it is listed here too (and mirrored with the rest).
 * @see https://cert-manager.io/docs/releases/
 */
export const CERT_MANAGER_IMAGES = {
  controller: image('controller'),
  cainjector: image('cainjector'),
  webhook: image('webhook'),
  acmesolver: image('acmesolver'),
} as const satisfies Record<string, ImageRef>;

/** Why each image is deployed, for the version table. */
const IMAGE_ROLES: Record<keyof typeof CERT_MANAGER_IMAGES, string> = {
  controller: 'Deployment `cert-manager`',
  cainjector: 'Deployment `cert-manager-cainjector`',
  webhook: 'Deployment `cert-manager-webhook`',
  acmesolver: 'HTTP-01 solver pods, via the controller flag `--acme-http01-solver-image`',
};

/** The README's version table (see `imageTable`). */
export function versionTable(): string {
  return imageTable(CERT_MANAGER_IMAGES, IMAGE_ROLES);
}
