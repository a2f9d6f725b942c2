/**
 * The suppression contract, shared by the constructs that write suppressions and the gate that
 * reads them. Deliberately dependency-free: constructs import this file, and must not pull in the
 * rule engine, YAML or Pulumi with it.
 *
 * An object carries its suppressions in one annotation whose value is a JSON array:
 *
 *     policy.mlops-blueprint.dev/suppressions: '[{"rule":"pss-baseline/host-path-volumes","reason":"..."}]'
 *
 * Keeping them on the object (instead of in a side file) means a suppression travels with the
 * object into the synth output, the Pulumi resource and any YAML the CLI is pointed at.
 */

/** The annotation that holds an object's suppressions. */
export const SUPPRESSIONS_ANNOTATION = 'policy.mlops-blueprint.dev/suppressions';

/** "Do not report `rule` on this object, because `reason`." */
export interface Suppression {
  readonly rule: string;
  readonly reason: string;
}

/** Why an annotation value could not be read as a suppression list. */
export interface SuppressionSyntaxError {
  /** Index of the offending entry, when the problem is one entry. */
  readonly index?: number;
  readonly message: string;
}

/** A suppression with its position in the annotation's array, for precise error paths. */
export interface IndexedSuppression extends Suppression {
  readonly index: number;
}

/** The annotation value read leniently: every entry that names a rule, plus what was wrong. */
export interface ParsedSuppressions {
  /** Entries with a `rule`; `reason` is "" when it was missing or not a string. */
  readonly entries: readonly IndexedSuppression[];
  readonly errors: readonly SuppressionSyntaxError[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an annotation value (or its absence) into suppressions and syntax errors. */
export function parseSuppressions(value: unknown): ParsedSuppressions {
  if (value === undefined || value === null || value === '') {
    return { entries: [], errors: [] };
  }
  if (typeof value !== 'string') {
    return { entries: [], errors: [{ message: 'is not a string' }] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { entries: [], errors: [{ message: 'is not valid JSON' }] };
  }
  if (!Array.isArray(parsed)) {
    return { entries: [], errors: [{ message: 'is not a JSON array' }] };
  }
  const entries: IndexedSuppression[] = [];
  const errors: SuppressionSyntaxError[] = [];
  parsed.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) {
      errors.push({ index, message: 'is not an object with "rule" and "reason"' });
      return;
    }
    if (typeof entry.rule !== 'string' || entry.rule.trim() === '') {
      errors.push({ index, message: 'has no "rule" naming a rule ID' });
      return;
    }
    const reason = typeof entry.reason === 'string' ? entry.reason.trim() : '';
    entries.push({ rule: entry.rule.trim(), reason, index });
  });
  return { entries, errors };
}

/** The annotation value of a plain object (or of anything shaped like one), if any. */
export function suppressionAnnotationOf(obj: unknown): unknown {
  if (!isRecord(obj) || !isRecord(obj.metadata) || !isRecord(obj.metadata.annotations)) {
    return undefined;
  }
  return obj.metadata.annotations[SUPPRESSIONS_ANNOTATION];
}

/**
 * The suppressions declared on an object. Entries without a rule are dropped; entries without a
 * reason are kept with `reason: ""` (the gate reports them as errors and does not honour them).
 */
export function suppressionsOf(obj: unknown): Suppression[] {
  return parseSuppressions(suppressionAnnotationOf(obj)).entries.map(({ rule, reason }) => ({
    rule,
    reason,
  }));
}

/** Adds (or replaces, for the same rule) one suppression in a list, keeping the order stable. */
export function withSuppression(
  existing: readonly Suppression[],
  rule: string,
  reason: string,
): Suppression[] {
  const next = existing.filter((s) => s.rule !== rule);
  next.push({ rule, reason });
  return next;
}

/** The annotation value for a list of suppressions. */
export function formatSuppressions(suppressions: readonly Suppression[]): string {
  return JSON.stringify(suppressions.map((s) => ({ rule: s.rule, reason: s.reason })));
}
