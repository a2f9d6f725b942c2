import { podRule } from '../../core/define';
import { checkContextField } from '../../core/security-context';

export const hostProcess = podRule({
  id: 'pss-baseline/host-process',
  level: 'error',
  subject: 'pod-and-containers',
  title: 'Windows pods do not run HostProcess containers',
  rationale:
    'A Windows HostProcess container runs on the node itself, with the host network and file ' +
    'system; it is the Windows equivalent of a privileged container.',
  remediation:
    'Remove `windowsOptions.hostProcess: true` from the pod and container securityContext.',
  checkPod: (pod) =>
    checkContextField(
      pod,
      ['windowsOptions', 'hostProcess'],
      (value) => value === false,
      'must be false or unset',
    ),
});
