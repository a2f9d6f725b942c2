import { asList, dig, fields, item, show } from '../../core/access';
import { containerRule } from '../../core/define';
import { RuleViolation } from '../../core/types';

export const dropAllCapabilities = containerRule({
  id: 'pss-restricted/capabilities-drop-all',
  level: 'error',
  title: 'Containers drop ALL capabilities',
  rationale:
    'Dropping every capability leaves a container with none of the root powers the runtime ' +
    'grants by default. Windows pods (`spec.os.name: windows`) are exempt.',
  remediation: 'Add `ALL` to `securityContext.capabilities.drop`.',
  checkContainer(c, pod) {
    const drop = dig(c.container, 'securityContext', 'capabilities', 'drop');
    if (pod.windows || asList(drop).includes('ALL')) {
      return [];
    }
    return [
      {
        path: fields(c.path, 'securityContext', 'capabilities', 'drop'),
        problem: 'must include ALL',
        found: show(drop),
      },
    ];
  },
});

export const addOnlyNetBindService = containerRule({
  id: 'pss-restricted/capabilities-add',
  level: 'error',
  title: 'Containers add no capability but NET_BIND_SERVICE',
  rationale:
    'After dropping ALL, the only capability a restricted container may take back is ' +
    'NET_BIND_SERVICE, to bind ports below 1024 as a non-root user.',
  remediation:
    'Remove every entry of `securityContext.capabilities.add` except `NET_BIND_SERVICE`.',
  checkContainer(c) {
    const violations: RuleViolation[] = [];
    const path = fields(c.path, 'securityContext', 'capabilities', 'add');
    asList(dig(c.container, 'securityContext', 'capabilities', 'add')).forEach((cap, index) => {
      if (cap !== 'NET_BIND_SERVICE') {
        violations.push({
          path: item(path, index),
          problem: 'must be NET_BIND_SERVICE',
          found: show(cap),
        });
      }
    });
    return violations;
  },
});
