import { dig, fields, show } from '../../core/access';
import { podRule } from '../../core/define';
import { isUnset } from '../../core/security-context';
import { RuleViolation } from '../../core/types';

function allowed(value: unknown): boolean {
  return value === 'RuntimeDefault' || value === 'Localhost';
}

export const seccompRestricted = podRule({
  id: 'pss-restricted/seccomp',
  level: 'error',
  subject: 'pod-and-containers',
  title: 'Pods and containers set a RuntimeDefault or Localhost seccomp profile',
  rationale:
    'Without an explicit profile some runtimes run containers unconfined. The pod may set it ' +
    'once for all containers. Windows pods (`spec.os.name: windows`) are exempt.',
  remediation:
    'Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or `Localhost` with ' +
    'a profile), or on every container.',
  checkPod(pod) {
    if (pod.windows) {
      return [];
    }
    const violations: RuleViolation[] = [];
    const keys = ['securityContext', 'seccompProfile', 'type'];
    const podPath = fields(pod.specPath, ...keys);
    const podValue = dig(pod.spec, ...keys);
    if (!isUnset(podValue) && !allowed(podValue)) {
      violations.push({
        path: podPath,
        problem: 'must be RuntimeDefault or Localhost',
        found: show(podValue),
      });
    }
    const unset: string[] = [];
    for (const c of pod.containers) {
      const path = fields(c.path, ...keys);
      const value = dig(c.container, ...keys);
      if (isUnset(value)) {
        unset.push(path);
      } else if (!allowed(value)) {
        violations.push({
          path,
          problem: 'must be RuntimeDefault or Localhost',
          found: show(value),
        });
      }
    }
    if (!isUnset(podValue) || unset.length === 0) {
      return violations;
    }
    if (unset.length === pod.containers.length) {
      violations.push({
        path: podPath,
        problem: 'must be RuntimeDefault or Localhost',
        found: 'unset',
      });
    } else {
      for (const path of unset) {
        violations.push({
          path,
          problem: 'must be RuntimeDefault or Localhost when the pod does not set it',
          found: 'unset',
        });
      }
    }
    return violations;
  },
});
