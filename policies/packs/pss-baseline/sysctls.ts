import { asList, asRecord, dig, field, fields, item, show } from '../../core/access';
import { podRule } from '../../core/define';
import { RuleViolation } from '../../core/types';

/**
 * Namespaced sysctls that cannot affect other pods, as allowed up to Kubernetes v1.34 (the
 * v1.27, v1.29 and v1.32 additions included; the v1.37 ones are not yet).
 */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

export const sysctls = podRule({
  id: 'pss-baseline/sysctls',
  level: 'error',
  title: 'Pods set only safe sysctls',
  rationale:
    'Sysctls outside the safe set change kernel behaviour for every pod on the node, or are ' +
    'not isolated per pod at all.',
  remediation:
    'Remove the sysctl from `securityContext.sysctls`; the allowed ones are ' +
    [...SAFE_SYSCTLS].join(', ') +
    '.',
  checkPod(pod) {
    const violations: RuleViolation[] = [];
    const path = fields(pod.specPath, 'securityContext', 'sysctls');
    asList(dig(pod.spec, 'securityContext', 'sysctls')).forEach((entry, index) => {
      const name = asRecord(entry)?.name;
      if (typeof name !== 'string' || !SAFE_SYSCTLS.has(name)) {
        violations.push({
          path: field(item(path, index), 'name'),
          problem: 'is not a safe sysctl',
          found: show(name),
        });
      }
    });
    return violations;
  },
});
