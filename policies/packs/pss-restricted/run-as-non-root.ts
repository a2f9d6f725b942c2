import { dig, fields, show } from '../../core/access';
import { podRule } from '../../core/define';
import { isUnset } from '../../core/security-context';
import { RuleViolation } from '../../core/types';

export const runAsNonRoot = podRule({
  id: 'pss-restricted/run-as-non-root',
  level: 'error',
  subject: 'pod-and-containers',
  title: 'Pods and containers must run as non-root',
  rationale:
    '`runAsNonRoot: true` makes the kubelet refuse to start a container whose user is root, ' +
    'whatever the image says. A container may leave it unset when the pod sets it.',
  remediation:
    'Set `securityContext.runAsNonRoot: true` on the pod (or on every container) and give the ' +
    'image a non-root user.',
  checkPod(pod) {
    const violations: RuleViolation[] = [];
    const podPath = fields(pod.specPath, 'securityContext', 'runAsNonRoot');
    const podValue = dig(pod.spec, 'securityContext', 'runAsNonRoot');
    if (!isUnset(podValue) && podValue !== true) {
      violations.push({ path: podPath, problem: 'must be true', found: show(podValue) });
    }
    const unset: string[] = [];
    for (const c of pod.containers) {
      const path = fields(c.path, 'securityContext', 'runAsNonRoot');
      const value = dig(c.container, 'securityContext', 'runAsNonRoot');
      if (isUnset(value)) {
        unset.push(path);
      } else if (value !== true) {
        violations.push({ path, problem: 'must be true', found: show(value) });
      }
    }
    // A pod-level value covers the unset containers: true is fine, anything else is reported once.
    if (!isUnset(podValue) || unset.length === 0) {
      return violations;
    }
    if (unset.length === pod.containers.length) {
      // Nobody sets it: one finding on the pod, where one line fixes every container.
      violations.push({ path: podPath, problem: 'must be true', found: 'unset' });
    } else {
      for (const path of unset) {
        violations.push({
          path,
          problem: 'must be true when the pod does not set it',
          found: 'unset',
        });
      }
    }
    return violations;
  },
});
