import { ApiObject } from 'cdk8s';
import { SUPPRESSIONS_ANNOTATION, Suppression } from '../../policies/suppressions';

export { SUPPRESSIONS_ANNOTATION };

function read(obj: ApiObject): Suppression[] {
  const annotations = (obj.metadata.toJson() as { annotations?: Record<string, string> })
    .annotations;
  const raw = annotations?.[SUPPRESSIONS_ANNOTATION];
  return raw ? (JSON.parse(raw) as Suppression[]) : [];
}

/**
 * Policy exceptions, declared next to the construct that needs them. They travel with the object
 * as an annotation, so the synth gate, the Pulumi policy pack and the policy CLI all honour them.
 * The reason is mandatory: an exception nobody can explain is a finding of its own.
 */
export const Suppressions = {
  /** Suppresses `ruleId` for `obj`, with the reason the exception is acceptable. */
  add(obj: ApiObject, ruleId: string, reason: string): void {
    if (!reason.trim()) {
      throw new Error(`Suppression of ${ruleId} on ${obj.kind}/${obj.name} needs a reason.`);
    }
    const all = [...read(obj).filter((s) => s.rule !== ruleId), { rule: ruleId, reason }].sort(
      (a, b) => a.rule.localeCompare(b.rule),
    );
    obj.metadata.addAnnotation(SUPPRESSIONS_ANNOTATION, JSON.stringify(all));
  },

  /** The suppressions already on `obj`. */
  of(obj: ApiObject): Suppression[] {
    return read(obj);
  },
};
