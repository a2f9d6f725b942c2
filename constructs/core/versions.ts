import { ImageRef } from './images';

/** Images the shared building blocks run (the in-cluster secret generator). */
export const CORE_IMAGES = {
  /**
   * Official kubectl image. Its Debian base installs bash, coreutils, grep, sed and jq, which the
   * in-cluster steps (secret generator, startup checks) use.
   */
  kubectl: {
    registry: 'registry.k8s.io',
    repository: 'kubectl',
    tag: 'v1.34.1',
  },
} as const satisfies Record<string, ImageRef>;
