import { ImageRef, imageReference } from '../core/images';
import { CORE_IMAGES } from '../core/versions';

/** The Dex release this component deploys (the one the Kubeflow 26.03.1 release set pins). */
export const DEX_VERSION = 'v2.45.1';

/**
 * Dex images of the pinned release. Upstream publishes every tag in two flavours on ghcr.io:
 * Alpine (`v2.45.1`, `v2.45.1-alpine`) and distroless (`v2.45.1-distroless`). Both carry the
 * `docker-entrypoint` launcher and gomplate, which is all we need, so we run the distroless one:
 * no shell, no package manager. Pinned by tag; upstream publishes no digests in the repository.
 * @see https://github.com/dexidp/dex/releases/tag/v2.45.1
 */
export const DEX_IMAGES = {
  dex: { registry: 'ghcr.io', repository: 'dexidp/dex', tag: `${DEX_VERSION}-distroless` },
} as const satisfies Record<string, ImageRef>;

/** Every image the component can run, with what runs it, for the version table. */
const ROWS: readonly [string, ImageRef, string][] = [
  ['dex', DEX_IMAGES.dex, 'Deployment `dex`'],
  [
    'kubectl (core)',
    CORE_IMAGES.kubectl,
    'secret generator Jobs (OIDC client secrets, generated static passwords)',
  ],
];

/**
 * The markdown version table of the README, generated from the image refs so that the docs never
 * state another version than the code deploys.
 */
export function dexVersionTable(): string {
  const rows = ROWS.map(
    ([name, ref, role]) => `| ${name} | \`${imageReference(ref)}\` | ${role} |`,
  );
  return ['| image | reference | used by |', '| --- | --- | --- |', ...rows].join('\n');
}
