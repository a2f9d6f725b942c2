import { asList, asRecord, field, item, show } from '../../core/access';
import { podRule } from '../../core/define';
import { isUnset } from '../../core/security-context';
import { RuleViolation } from '../../core/types';

export const hostPathVolumes = podRule({
  id: 'pss-baseline/host-path-volumes',
  level: 'error',
  title: 'Pods mount no hostPath volumes',
  rationale:
    "A hostPath volume exposes the node's file system to the pod: credentials, the container " +
    "runtime socket and other pods' data are a path away.",
  remediation:
    'Replace the hostPath volume with a configMap, secret, emptyDir or persistentVolumeClaim; ' +
    'node agents that must touch the host (such as a CNI installer) carry a reasoned suppression.',
  checkPod(pod) {
    const violations: RuleViolation[] = [];
    const volumesPath = field(pod.specPath, 'volumes');
    asList(pod.spec.volumes).forEach((volume, index) => {
      const hostPath = asRecord(volume)?.hostPath;
      if (!isUnset(hostPath)) {
        violations.push({
          path: field(item(volumesPath, index), 'hostPath'),
          problem: 'must be unset',
          found: show(hostPath),
        });
      }
    });
    return violations;
  },
});
