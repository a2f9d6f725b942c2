import { ImageRef } from './images';

/** Images the shared building blocks run (the in-cluster secret generator). */
export const CORE_IMAGES = {
  /** Official kubectl image; its shell and coreutils run the secret generator script. */
  kubectl: {
    registry: 'registry.k8s.io',
    repository: 'kubectl',
    tag: 'v1.34.1',
  },
} as const satisfies Record<string, ImageRef>;
