import { dig, fields, show } from '../../core/access';
import { containerRule } from '../../core/define';
import { isUnset } from '../../core/security-context';

export const procMount = containerRule({
  id: 'pss-baseline/proc-mount',
  level: 'error',
  title: 'Containers keep the default /proc mask',
  rationale:
    '`procMount: Unmasked` exposes kernel interfaces under /proc that the runtime normally ' +
    'hides. (Kubernetes v1.35 relaxes this for user-namespaced pods; the v1.34 target does not.)',
  remediation: 'Remove `securityContext.procMount` or set it to `Default`.',
  checkContainer(c) {
    const value = dig(c.container, 'securityContext', 'procMount');
    if (isUnset(value) || value === 'Default') {
      return [];
    }
    return [
      {
        path: fields(c.path, 'securityContext', 'procMount'),
        problem: 'must be Default or unset',
        found: show(value),
      },
    ];
  },
});
