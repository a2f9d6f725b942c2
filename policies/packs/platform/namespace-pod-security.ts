import { dig, field, show } from '../../core/access';
import { defineRule } from '../../core/define';

export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
const LEVELS: ReadonlySet<unknown> = new Set(['privileged', 'baseline', 'restricted']);

export const namespacePodSecurity = defineRule({
  id: 'platform/namespace-pod-security',
  level: 'error',
  kinds: ['Namespace'],
  subject: 'object',
  title: 'Namespaces carry a pod-security enforce label',
  rationale:
    'Pod Security Admission enforces nothing in a namespace without the label; the label makes ' +
    'the cluster refuse the pods this gate would have flagged, including those created outside ' +
    'the blueprint.',
  remediation:
    'Label the namespace `pod-security.kubernetes.io/enforce: restricted` (or `baseline`; ' +
    '`privileged` only for a namespace of node agents that need it).',
  check(obj) {
    const value = dig(obj, 'metadata', 'labels', ENFORCE_LABEL);
    if (LEVELS.has(value)) {
      return [];
    }
    return [
      {
        path: field('metadata.labels', ENFORCE_LABEL),
        problem: 'must be restricted, baseline or privileged',
        found: show(value),
      },
    ];
  },
});
