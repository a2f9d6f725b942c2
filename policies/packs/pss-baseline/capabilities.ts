import { asList, dig, fields, item, show } from '../../core/access';
import { containerRule } from '../../core/define';
import { RuleViolation } from '../../core/types';

/** Capabilities a container runtime grants by default; adding them back changes nothing. */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

export const capabilities = containerRule({
  id: 'pss-baseline/capabilities',
  level: 'error',
  title: 'Containers add no capabilities beyond the default set',
  rationale:
    'Capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE give a container parts of root on ' +
    'the node. Only the runtime default set may be added back.',
  remediation:
    'Remove the capability from `securityContext.capabilities.add`; the allowed ones are ' +
    [...BASELINE_CAPABILITIES].join(', ') +
    '.',
  checkContainer(c) {
    const violations: RuleViolation[] = [];
    const path = fields(c.path, 'securityContext', 'capabilities', 'add');
    asList(dig(c.container, 'securityContext', 'capabilities', 'add')).forEach((cap, index) => {
      if (typeof cap !== 'string' || !BASELINE_CAPABILITIES.has(cap)) {
        violations.push({
          path: item(path, index),
          problem: 'is not in the baseline capability set',
          found: show(cap),
        });
      }
    });
    return violations;
  },
});
