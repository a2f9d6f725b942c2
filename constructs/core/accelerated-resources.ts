import { quantityValue } from './config/patterns';
import { ResourceSpec, resourceRequirementsJson } from './resources';
import { propProblem } from './validation';

/**
 * Requests and limits of a training container (a Katib trial, a Trainer node): a `ResourceSpec`
 * and, for accelerators, a whole number of devices of an extended resource (request and limit
 * are the same for those).
 */
export interface AcceleratedResources extends ResourceSpec {
  /** e.g. `{ count: 1 }` for one `nvidia.com/gpu`. @default - no accelerator */
  readonly gpu?: { readonly count: number; readonly resource?: string };
}

/** The extended resource a GPU is requested as when none is named. */
export const DEFAULT_GPU_RESOURCE = 'nvidia.com/gpu';

/** `resources` of a container inside a custom resource, as plain JSON. */
export function acceleratedResourcesJson(r: AcceleratedResources): {
  readonly requests: Record<string, string>;
  readonly limits: Record<string, string>;
} {
  const base = resourceRequirementsJson(r);
  if (!r.gpu) return base;
  const name = r.gpu.resource ?? DEFAULT_GPU_RESOURCE;
  const count = String(r.gpu.count);
  return {
    requests: { ...base.requests, [name]: count },
    limits: { ...base.limits, [name]: count },
  };
}

/** Every problem of a `AcceleratedResources` at `path`: limits below requests, unreadable quantities. */
export function acceleratedResourcesProblems(path: string, r: AcceleratedResources): string[] {
  const problems: string[] = [];
  for (const res of ['cpu', 'memory'] as const) {
    const { request, limit } = r[res];
    const req = quantityValue(request);
    const lim = limit === undefined ? undefined : quantityValue(limit);
    for (const [field, value, parsed] of [
      ['request', request, req],
      ['limit', limit, lim],
    ] as const) {
      if (value !== undefined && parsed === undefined) {
        problems.push(
          propProblem(
            `${path}.${res}.${field}`,
            'is not a Kubernetes quantity',
            `"${value}"`,
            res === 'cpu' ? 'Use e.g. 500m or 2.' : 'Use e.g. 512Mi or 4Gi.',
          ),
        );
      }
    }
    if (req !== undefined && lim !== undefined && lim < req) {
      problems.push(
        propProblem(
          `${path}.${res}.limit`,
          `is below its request ${request}`,
          `"${limit}"`,
          `Kubernetes refuses a limit below the request; raise ${res}.limit or lower ${res}.request.`,
        ),
      );
    }
  }
  if (r.gpu && (!Number.isInteger(r.gpu.count) || r.gpu.count < 1)) {
    problems.push(
      propProblem(
        `${path}.gpu.count`,
        'is not a whole number of at least 1',
        String(r.gpu.count),
        'Give the number of devices per pod, e.g. 1.',
      ),
    );
  }
  return problems;
}
