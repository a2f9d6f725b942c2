import { dig, fields, show } from '../../core/access';
import { containerRule } from '../../core/define';
import { isUnset } from '../../core/security-context';
import { ContainerView } from '../../core/pod-spec';
import { RuleViolation } from '../../core/types';

/**
 * Ephemeral containers cannot declare resources, so resource rules skip them. A limit without a
 * request counts as a request: the API server copies the limit into the missing request.
 */
const WITH_RESOURCES = ['containers', 'initContainers'] as const;

function hasQuantity(c: ContainerView, kind: 'requests' | 'limits', resource: string): boolean {
  const value = dig(c.container, 'resources', kind, resource);
  return !isUnset(value) && value !== '';
}

function missing(
  c: ContainerView,
  kind: 'requests' | 'limits',
  resource: string,
  problem: string,
): RuleViolation {
  return {
    path: fields(c.path, 'resources', kind, resource),
    problem,
    found: show(dig(c.container, 'resources', kind, resource)),
  };
}

export const resourceRequests = containerRule({
  id: 'platform/resource-requests',
  level: 'error',
  groups: WITH_RESOURCES,
  title: 'Containers request CPU and memory',
  rationale:
    'The scheduler places pods by their requests; a container without them lands on a full ' +
    'node, is first to be evicted and makes capacity planning for tenants guesswork. A limit ' +
    'without a request counts as a request, since the API server copies it; ephemeral ' +
    'containers cannot declare resources and are skipped by the resource rules.',
  remediation: 'Set `resources.requests.cpu` and `resources.requests.memory` on the container.',
  checkContainer(c) {
    return ['cpu', 'memory']
      .filter((r) => !hasQuantity(c, 'requests', r) && !hasQuantity(c, 'limits', r))
      .map((r) => missing(c, 'requests', r, 'must be set'));
  },
});

export const memoryLimit = containerRule({
  id: 'platform/memory-limit',
  level: 'error',
  groups: WITH_RESOURCES,
  title: 'Containers have a memory limit',
  rationale:
    'Memory is not compressible: a container without a limit can push the node into an ' +
    'out-of-memory kill of its neighbours.',
  remediation: 'Set `resources.limits.memory` on the container.',
  checkContainer: (c) =>
    hasQuantity(c, 'limits', 'memory') ? [] : [missing(c, 'limits', 'memory', 'must be set')],
});

export const cpuLimit = containerRule({
  id: 'platform/cpu-limit',
  level: 'warning',
  groups: WITH_RESOURCES,
  title: 'Containers have a CPU limit',
  rationale:
    'A CPU limit bounds how much one tenant can take from a shared node. It is a warning ' +
    'because throttling can hurt latency-sensitive serving; omit it knowingly.',
  remediation: 'Set `resources.limits.cpu` on the container, or suppress with the reason.',
  checkContainer: (c) =>
    hasQuantity(c, 'limits', 'cpu') ? [] : [missing(c, 'limits', 'cpu', 'should be set')],
});
