import { k8s } from 'cdk8s-plus-27';

/** The non-root user our workloads run as unless an image needs another. */
export const DEFAULT_UID = 1000;

export interface ContainerSecurityOptions {
  /**
   * Mount the root filesystem read-only. Turn off only for an image that writes outside its
   * volumes, and say why next to the call.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /** @default - the pod's user (see `restrictedPodSecurityContext`) */
  readonly runAsUser?: number;
  /** @default - the pod's group */
  readonly runAsGroup?: number;
}

/**
 * A container security context that passes Pod Security "restricted": non-root, no privilege
 * escalation, every capability dropped, seccomp RuntimeDefault.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function restrictedContainerSecurityContext(
  opts: ContainerSecurityOptions = {},
): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: opts.readOnlyRootFilesystem ?? true,
    runAsNonRoot: true,
    ...(opts.runAsUser !== undefined ? { runAsUser: opts.runAsUser } : {}),
    ...(opts.runAsGroup !== undefined ? { runAsGroup: opts.runAsGroup } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface PodSecurityOptions {
  /** @default 1000 */
  readonly runAsUser?: number;
  /** @default 1000 */
  readonly runAsGroup?: number;
  /** Group that owns mounted volumes, so a non-root process can write them. @default 1000 */
  readonly fsGroup?: number;
}

/** The pod-level half of Pod Security "restricted". */
export function restrictedPodSecurityContext(
  opts: PodSecurityOptions = {},
): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: opts.runAsUser ?? DEFAULT_UID,
    runAsGroup: opts.runAsGroup ?? DEFAULT_UID,
    fsGroup: opts.fsGroup ?? DEFAULT_UID,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
