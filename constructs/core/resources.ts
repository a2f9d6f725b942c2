import { k8s } from 'cdk8s-plus-27';

/**
 * Requests and limits of one container, in Kubernetes quantity notation
 * (`cpu: '250m'`, `memory: '512Mi'`). Memory always has a limit: a container without one can
 * take a node down. A CPU limit is optional because it throttles latency-sensitive servers.
 */
export interface ResourceSpec {
  readonly cpu: { readonly request: string; readonly limit?: string };
  readonly memory: { readonly request: string; readonly limit: string };
}

export function toResourceRequirements(spec: ResourceSpec): k8s.ResourceRequirements {
  return {
    requests: {
      cpu: k8s.Quantity.fromString(spec.cpu.request),
      memory: k8s.Quantity.fromString(spec.memory.request),
    },
    limits: {
      ...(spec.cpu.limit ? { cpu: k8s.Quantity.fromString(spec.cpu.limit) } : {}),
      memory: k8s.Quantity.fromString(spec.memory.limit),
    },
  };
}

/**
 * The same requirements as plain JSON, for a container inside a custom resource (an
 * `ApiObject` keeps a `k8s.Quantity` as an object instead of its string).
 */
export function resourceRequirementsJson(spec: ResourceSpec): {
  readonly requests: Record<string, string>;
  readonly limits: Record<string, string>;
} {
  return {
    requests: { cpu: spec.cpu.request, memory: spec.memory.request },
    limits: {
      ...(spec.cpu.limit ? { cpu: spec.cpu.limit } : {}),
      memory: spec.memory.limit,
    },
  };
}

/** Small helper jobs (provisioners, generators): they run briefly and need little. */
export const JOB_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '200m' },
  memory: { request: '32Mi', limit: '128Mi' },
};
