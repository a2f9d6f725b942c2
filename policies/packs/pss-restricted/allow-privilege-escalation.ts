import { dig, fields, show } from '../../core/access';
import { containerRule } from '../../core/define';

export const allowPrivilegeEscalation = containerRule({
  id: 'pss-restricted/allow-privilege-escalation',
  level: 'error',
  title: 'Containers set allowPrivilegeEscalation to false',
  rationale:
    'Unless it is explicitly false, a process can gain more privileges than its parent through ' +
    'setuid binaries or file capabilities. Windows pods (`spec.os.name: windows`) are exempt.',
  remediation: 'Set `securityContext.allowPrivilegeEscalation: false` on the container.',
  checkContainer(c, pod) {
    const value = dig(c.container, 'securityContext', 'allowPrivilegeEscalation');
    if (pod.windows || value === false) {
      return [];
    }
    return [
      {
        path: fields(c.path, 'securityContext', 'allowPrivilegeEscalation'),
        problem: 'must be false',
        found: show(value),
      },
    ];
  },
});
