import { asList, asRecord, field, item, show } from '../../core/access';
import { defineRule } from '../../core/define';
import { RuleViolation } from '../../core/types';

const RULE_FIELDS = ['apiGroups', 'resources', 'verbs', 'nonResourceURLs'] as const;

export const rbacWildcards = defineRule({
  id: 'platform/rbac-wildcards',
  level: 'error',
  kinds: ['Role', 'ClusterRole'],
  subject: 'object',
  title: 'Roles grant no wildcard apiGroups, resources or verbs',
  rationale:
    "A `*` grants today's and every future API, resource or verb, including those added by " +
    'CRDs installed later; least privilege cannot be reviewed when the grant has no edges.',
  remediation:
    'List the apiGroups, resources and verbs the subject needs; if an upstream component ' +
    'really requires a wildcard, suppress with the reason.',
  check(obj) {
    const violations: RuleViolation[] = [];
    asList(obj.rules).forEach((value, index) => {
      const rule = asRecord(value) ?? {};
      for (const name of RULE_FIELDS) {
        const list = asList(rule[name]);
        if (list.includes('*')) {
          violations.push({
            path: field(item('rules', index), name),
            problem: 'must not contain "*"',
            found: show(list),
          });
        }
      }
    });
    return violations;
  },
});
