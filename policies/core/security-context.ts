import { dig, field, fields, show } from './access';
import { PodView } from './pod-spec';
import { RuleViolation } from './types';

/** A securityContext and its path: the pod's, or one container's. */
export interface SecurityContextView {
  readonly level: 'pod' | 'container';
  readonly context: unknown;
  readonly path: string;
}

/** The pod's securityContext followed by each container's, so pod-and-container rules read once. */
export function securityContexts(pod: PodView): SecurityContextView[] {
  return [
    {
      level: 'pod',
      context: pod.spec.securityContext,
      path: field(pod.specPath, 'securityContext'),
    },
    ...pod.containers.map((c) => ({
      level: 'container' as const,
      context: c.container.securityContext,
      path: field(c.path, 'securityContext'),
    })),
  ];
}

/** Kubernetes treats null like an absent field. */
export function isUnset(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/**
 * One violation per securityContext (pod and containers) whose field at `keys` is set and not
 * accepted by `allowed`.
 */
export function checkContextField(
  pod: PodView,
  keys: readonly string[],
  allowed: (value: unknown) => boolean,
  problem: string,
): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const sc of securityContexts(pod)) {
    const value = dig(sc.context, ...keys);
    if (!isUnset(value) && !allowed(value)) {
      violations.push({ path: fields(sc.path, ...keys), problem, found: show(value) });
    }
  }
  return violations;
}
