import { asRecord, field, show } from '../../core/access';
import { podRule } from '../../core/define';
import { checkContextField } from '../../core/security-context';
import { RuleViolation } from '../../core/types';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const ALLOWED_TYPES: ReadonlySet<unknown> = new Set(['RuntimeDefault', 'Localhost']);

function allowedAnnotation(value: unknown): boolean {
  return (
    value === '' ||
    value === 'runtime/default' ||
    (typeof value === 'string' && value.startsWith('localhost/'))
  );
}

export const appArmor = podRule({
  id: 'pss-baseline/apparmor',
  level: 'error',
  subject: 'pod-and-containers',
  title: 'AppArmor is not disabled or overridden',
  rationale:
    'The runtime default AppArmor profile confines what a container can do on the node; ' +
    '`Unconfined` switches that confinement off.',
  remediation:
    'Use `appArmorProfile.type: RuntimeDefault` (or `Localhost` with a profile) or leave it ' +
    'unset; annotations may only be `runtime/default` or `localhost/<profile>`.',
  checkPod(pod) {
    const violations: RuleViolation[] = checkContextField(
      pod,
      ['appArmorProfile', 'type'],
      (value) => ALLOWED_TYPES.has(value),
      'must be RuntimeDefault, Localhost or unset',
    );
    const annotations = asRecord(pod.metadata.annotations) ?? {};
    for (const [key, value] of Object.entries(annotations)) {
      if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotation(value)) {
        violations.push({
          path: field(field(pod.metadataPath, 'annotations'), key),
          problem: 'must be runtime/default, localhost/<profile> or empty',
          found: show(value),
        });
      }
    }
    return violations;
  },
});
