import { field, show } from '../../core/access';
import { podRule } from '../../core/define';
import { isUnset } from '../../core/security-context';
import { RuleViolation } from '../../core/types';

const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

export const hostNamespaces = podRule({
  id: 'pss-baseline/host-namespaces',
  level: 'error',
  title: 'Pods do not share the host network, PID or IPC namespace',
  rationale:
    "Sharing the node's namespaces lets a pod see and talk to every process and network " +
    'interface on the node, bypassing network policy and process isolation.',
  remediation:
    'Remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec or set them to false.',
  checkPod(pod) {
    const violations: RuleViolation[] = [];
    for (const name of HOST_NAMESPACE_FIELDS) {
      const value = pod.spec[name];
      if (!isUnset(value) && value !== false) {
        violations.push({
          path: field(pod.specPath, name),
          problem: 'must be false or unset',
          found: show(value),
        });
      }
    }
    return violations;
  },
});
