import { asList, asRecord, field, item, show } from '../../core/access';
import { containerRule } from '../../core/define';
import { isUnset } from '../../core/security-context';
import { RuleViolation } from '../../core/types';

export const hostPorts = containerRule({
  id: 'pss-baseline/host-ports',
  level: 'error',
  title: 'Containers bind no host ports',
  rationale:
    "A host port opens a port on the node's own interfaces, bypassing Services and network " +
    'policy, and limits where the pod can be scheduled.',
  remediation: 'Remove `hostPort` (or set it to 0) and expose the port through a Service instead.',
  checkContainer(c) {
    const violations: RuleViolation[] = [];
    const portsPath = field(c.path, 'ports');
    asList(c.container.ports).forEach((port, index) => {
      const value = asRecord(port)?.hostPort;
      if (!isUnset(value) && value !== 0) {
        violations.push({
          path: field(item(portsPath, index), 'hostPort'),
          problem: 'must be 0 or unset',
          found: show(value),
        });
      }
    });
    return violations;
  },
});
