import { asList, asRecord, asString, dig, show } from '../../core/access';
import { defineRule } from '../../core/define';
import { KubeObject } from '../../core/types';

function isEmptySelector(selector: unknown): boolean {
  if (selector === undefined || selector === null) {
    return true;
  }
  const record = asRecord(selector);
  return (
    record !== undefined &&
    Object.keys(asRecord(record.matchLabels) ?? {}).length === 0 &&
    asList(record.matchExpressions).length === 0
  );
}

/**
 * A default-deny ingress policy: every pod selected, Ingress among the policy types and no
 * ingress rule. An absent `policyTypes` counts as Ingress, as the API server defaults it.
 */
export function isDefaultDenyIngress(policy: KubeObject): boolean {
  const spec = asRecord(policy.spec);
  if (spec === undefined || !isEmptySelector(spec.podSelector)) {
    return false;
  }
  const types = spec.policyTypes;
  const ingressCovered = types === undefined || types === null || asList(types).includes('Ingress');
  return ingressCovered && asList(spec.ingress).length === 0;
}

export const namespaceDefaultDeny = defineRule({
  id: 'platform/namespace-default-deny',
  level: 'error',
  kinds: ['Namespace'],
  subject: 'object-set',
  title: 'Every namespace has a default-deny ingress NetworkPolicy',
  rationale:
    'Pods accept traffic from anywhere until a NetworkPolicy selects them. A default-deny ' +
    'policy per namespace makes every allowed flow an explicit, reviewable policy, which keeps ' +
    'tenants apart.',
  remediation:
    'Add a NetworkPolicy in the namespace with `podSelector: {}`, `policyTypes: [Ingress]` and ' +
    'no `ingress` rules, then allow the flows the namespace needs with further policies.',
  check(obj, ctx) {
    const name = asString(dig(obj, 'metadata', 'name'));
    if (name === undefined) {
      return [];
    }
    if (ctx.index.networkPoliciesIn(name).some(isDefaultDenyIngress)) {
      return [];
    }
    return [
      {
        path: 'metadata.name',
        problem: 'has no default-deny ingress NetworkPolicy in the object set',
        found: show(name),
      },
    ];
  },
});
