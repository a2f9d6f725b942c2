import { ImageRef } from '../core/images';

/** The Istio release this component deploys: one version for images, CRDs and configuration. */
export const ISTIO_VERSION = '1.29.6';

/**
 * Istio images of the pinned release, as published by the Istio release tooling on Docker Hub.
 * The proxy image is not part of any pod spec we write for applications: istiod injects it, so it
 * is resolved into the injector configuration and lands in the bill of materials from there.
 * @see https://github.com/istio/istio/releases/tag/1.29.6
 */
export const ISTIO_IMAGES = {
  /** istiod: control plane, CA, injection and validation webhooks. */
  pilot: { registry: 'docker.io', repository: 'istio/pilot', tag: ISTIO_VERSION },
  /** Envoy with pilot-agent: sidecars, gateways and the istio-validation init container. */
  proxy: { registry: 'docker.io', repository: 'istio/proxyv2', tag: ISTIO_VERSION },
  /** The CNI node agent that sets up traffic redirection instead of a privileged init container. */
  installCni: { registry: 'docker.io', repository: 'istio/install-cni', tag: ISTIO_VERSION },
} as const satisfies Record<string, ImageRef>;

const ROLES: Record<keyof typeof ISTIO_IMAGES, string> = {
  pilot: 'istiod (control plane)',
  proxy: 'sidecar, ingress gateway, istio-validation',
  installCni: 'istio-cni node agent',
};

/**
 * The version table of the README, generated from `ISTIO_IMAGES` so that it is never typed twice.
 * Returns the markdown lines of the table, header included, with columns padded the way Prettier
 * formats markdown tables (so the README stays formatted).
 */
export function istioVersionTable(): string[] {
  const rows = [
    ['Component', 'Image', 'Tag'],
    ...(Object.keys(ISTIO_IMAGES) as (keyof typeof ISTIO_IMAGES)[]).map((key) => {
      const ref: ImageRef = ISTIO_IMAGES[key];
      return [ROLES[key], `\`${ref.registry}/${ref.repository}\``, `\`${ref.tag}\``];
    }),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}
