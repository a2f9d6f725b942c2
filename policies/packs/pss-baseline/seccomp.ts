import { podRule } from '../../core/define';
import { checkContextField } from '../../core/security-context';

export const seccomp = podRule({
  id: 'pss-baseline/seccomp',
  level: 'error',
  subject: 'pod-and-containers',
  title: 'Seccomp is not disabled',
  rationale:
    'Seccomp filters the system calls a container can make; `Unconfined` opens the whole ' +
    'kernel surface to it.',
  remediation: 'Set `seccompProfile.type` to `RuntimeDefault` (or `Localhost`), or leave it unset.',
  checkPod: (pod) =>
    checkContextField(
      pod,
      ['seccompProfile', 'type'],
      (value) => value === 'RuntimeDefault' || value === 'Localhost',
      'must be RuntimeDefault, Localhost or unset',
    ),
});
