import { dig, fields, show } from '../../core/access';
import { containerRule } from '../../core/define';
import { isUnset } from '../../core/security-context';

export const privileged = containerRule({
  id: 'pss-baseline/privileged',
  level: 'error',
  title: 'Containers are not privileged',
  rationale:
    'A privileged container has every capability and all host devices; escaping to the node ' +
    'from it is trivial.',
  remediation: 'Remove `securityContext.privileged` from the container or set it to false.',
  checkContainer(c) {
    const value = dig(c.container, 'securityContext', 'privileged');
    if (isUnset(value) || value === false) {
      return [];
    }
    return [
      {
        path: fields(c.path, 'securityContext', 'privileged'),
        problem: 'must be false or unset',
        found: show(value),
      },
    ];
  },
});
