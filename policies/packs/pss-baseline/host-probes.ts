import { dig, fields, show } from '../../core/access';
import { containerRule } from '../../core/define';
import { isUnset } from '../../core/security-context';
import { RuleViolation } from '../../core/types';

/** Handlers that take a `host` field, under each probe and lifecycle hook (Kubernetes v1.34). */
const HANDLER_PATHS: readonly (readonly string[])[] = [
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
]
  .flatMap((probe) => [
    [probe, 'httpGet', 'host'],
    [probe, 'tcpSocket', 'host'],
  ])
  .concat(
    ['postStart', 'preStop'].flatMap((hook) => [
      ['lifecycle', hook, 'httpGet', 'host'],
      ['lifecycle', hook, 'tcpSocket', 'host'],
    ]),
  );

export const hostProbes = containerRule({
  id: 'pss-baseline/host-probes',
  level: 'error',
  title: 'Probes and lifecycle hooks do not target another host',
  rationale:
    'The kubelet performs probes and lifecycle hooks from the node; a `host` field turns them ' +
    'into requests the node makes to any address the pod author chooses.',
  remediation:
    'Remove `host` from the httpGet/tcpSocket handler so that it targets the pod itself.',
  checkContainer(c) {
    const violations: RuleViolation[] = [];
    for (const keys of HANDLER_PATHS) {
      const value = dig(c.container, ...keys);
      if (!isUnset(value) && value !== '') {
        violations.push({
          path: fields(c.path, ...keys),
          problem: 'must be empty or unset',
          found: show(value),
        });
      }
    }
    return violations;
  },
});
