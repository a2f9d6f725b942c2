import { parseSuppressions, suppressionAnnotationOf } from '../suppressions';
import { KubeObject } from './types';

/**
 * The suppressions of an object that the gate honours: a known, suppressible rule and a non-empty
 * reason. Everything else is reported by the `suppressions/*` rules and silences nothing, so a
 * careless suppression cannot hide a finding.
 */
export function honouredSuppressions(
  obj: KubeObject,
  knownRuleIds: ReadonlySet<string>,
): Map<string, string> {
  const honoured = new Map<string, string>();
  for (const entry of parseSuppressions(suppressionAnnotationOf(obj)).entries) {
    if (entry.reason !== '' && knownRuleIds.has(entry.rule) && !honoured.has(entry.rule)) {
      honoured.set(entry.rule, entry.reason);
    }
  }
  return honoured;
}
