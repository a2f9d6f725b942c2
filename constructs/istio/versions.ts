import { ImageRef, imageTable } from '../core/images';

/** The Istio release this component deploys: one version for images, CRDs and configuration. */
export const ISTIO_VERSION = '1.30.1';

/**
 * Istio images of the pinned release, as published by the Istio release tooling on Docker Hub.
 * The proxy image is not part of any pod spec we write for applications: istiod injects it, so it
 * is resolved into the injector configuration and lands in the bill of materials from there.
 *
 * Docker Hub, not the `registry.istio.io/release` hub that Istio 1.30 (and Kubeflow 26.03.1) use
 * by default: Istio announced that registry's retirement in late 2026 (it proxies to gcr.io, which
 * retires too) and keeps publishing every release to `docker.io/istio`.
 * @see https://github.com/istio/istio/releases/tag/1.30.1
 * @see https://istio.io/latest/blog/2026/retirement-of-gcr.io-follow-up/
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

/** The README's version table (see `imageTable`). */
export function istioVersionTable(): string {
  return imageTable(ISTIO_IMAGES, ROLES);
}
