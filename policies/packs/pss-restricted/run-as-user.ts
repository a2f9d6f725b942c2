import { podRule } from '../../core/define';
import { checkContextField } from '../../core/security-context';

export const runAsUser = podRule({
  id: 'pss-restricted/run-as-user',
  level: 'error',
  subject: 'pod-and-containers',
  title: 'Pods and containers do not run as UID 0',
  rationale:
    '`runAsUser: 0` asks for root explicitly, which `runAsNonRoot` cannot catch when the two ' +
    'are set at different levels.',
  remediation: 'Set `securityContext.runAsUser` to a non-zero UID, or leave it unset.',
  checkPod: (pod) => checkContextField(pod, ['runAsUser'], (value) => value !== 0, 'must not be 0'),
});
