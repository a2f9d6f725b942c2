import { ApiObject } from 'cdk8s';

/** Annotation that carries policy suppressions with the object (read by every policy gate). */
export const SUPPRESSIONS_ANNOTATION = 'policy.mlops-blueprint.dev/suppressions';

interface Suppression {
  readonly rule: string;
  readonly reason: string;
}

/**
 * Policy exceptions, declared next to the construct that needs them. The reason is mandatory: an
 * exception nobody can explain is a finding of its own.
 */
export class Suppressions {
  /** Suppresses `ruleId` for `obj`, with the reason the exception is acceptable. */
  public static add(obj: ApiObject, ruleId: string, reason: string): void {
    if (!reason.trim()) {
      throw new Error(`Suppression of ${ruleId} on ${obj.kind}/${obj.name} needs a reason.`);
    }
    const existing = Suppressions.of(obj).filter((s) => s.rule !== ruleId);
    const all = [...existing, { rule: ruleId, reason }].sort((a, b) =>
      a.rule.localeCompare(b.rule),
    );
    obj.metadata.addAnnotation(SUPPRESSIONS_ANNOTATION, JSON.stringify(all));
  }

  public static of(obj: ApiObject): Suppression[] {
    const annotations = (obj.metadata.toJson() as { annotations?: Record<string, string> })
      .annotations;
    const raw = annotations?.[SUPPRESSIONS_ANNOTATION];
    return raw ? (JSON.parse(raw) as Suppression[]) : [];
  }
}
