import { ImageRef, imageReference } from '../core/images';
import { CORE_IMAGES } from '../core/versions';

/** The oauth2-proxy release this component deploys (the one the Kubeflow 26.03.1 release set pins). */
export const OAUTH2_PROXY_VERSION = 'v7.15.2';

/**
 * oauth2-proxy images of the pinned release. The plain tag is the distroless build
 * (`gcr.io/distroless/static:nonroot`, user 65532); `-alpine` tags exist too. Pinned by tag;
 * upstream publishes no digests in the repository.
 * @see https://github.com/oauth2-proxy/oauth2-proxy/releases/tag/v7.15.2
 */
export const OAUTH2_PROXY_IMAGES = {
  oauth2Proxy: {
    registry: 'quay.io',
    repository: 'oauth2-proxy/oauth2-proxy',
    tag: OAUTH2_PROXY_VERSION,
  },
} as const satisfies Record<string, ImageRef>;

/** Every image the component can run, with what runs it, for the version table. */
const ROWS: readonly [string, ImageRef, string][] = [
  ['oauth2-proxy', OAUTH2_PROXY_IMAGES.oauth2Proxy, 'Deployment `oauth2-proxy`'],
  [
    'kubectl (core)',
    CORE_IMAGES.kubectl,
    'the cookie secret generator Job (generated cookie secret only)',
  ],
];

/**
 * The markdown version table of the README, generated from the image refs so that the docs never
 * state another version than the code deploys.
 */
export function oauth2ProxyVersionTable(): string {
  const rows = ROWS.map(
    ([name, ref, role]) => `| ${name} | \`${imageReference(ref)}\` | ${role} |`,
  );
  return ['| image | reference | used by |', '| --- | --- | --- |', ...rows].join('\n');
}
