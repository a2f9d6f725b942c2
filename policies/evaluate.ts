import { isRecord } from './core/access';
import { findingsFor, objectRef } from './core/findings';
import { ObjectIndex } from './core/object-index';
import { RulesByKind, resolveRules, suppressibleRuleIds } from './core/rules';
import { honouredSuppressions } from './core/suppress';
import {
  Finding,
  KubeObject,
  Pack,
  PolicyReport,
  Rule,
  RuleContext,
  SourceLocation,
  SuppressedFinding,
  SuppressionRecord,
} from './core/types';
import { ALL_PACKS, suppressionsPack } from './packs/all';

export interface EvaluateOptions {
  /**
   * Evaluate a production environment: literal credentials become errors.
   * @default false
   */
  readonly production?: boolean;
  /**
   * Packs to apply. The `suppressions` rules always run on top of them.
   * @default ALL_PACKS
   */
  readonly packs?: readonly Pack[];
  /** Where an object came from, for reports that point at files. */
  readonly locate?: (obj: KubeObject) => SourceLocation | undefined;
}

/** The rules an evaluation runs: the packs' rules, each once, then the suppression rules. */
export function rulesFor(packs: readonly Pack[] = ALL_PACKS): Rule[] {
  return [...resolveRules(packs), ...suppressionsPack.rules];
}

/** The context rules see, built once per object set. */
export function createContext(
  objects: readonly KubeObject[],
  options: Pick<EvaluateOptions, 'production' | 'packs'> = {},
): RuleContext {
  return {
    production: options.production ?? false,
    index: new ObjectIndex(objects.filter(isRecord)),
    // Suppressions may name any shipped rule even when its pack is not applied this time.
    knownRuleIds: suppressibleRuleIds([...ALL_PACKS, ...(options.packs ?? [])]),
  };
}

/** What some rules found in one object, split by whether a suppression silenced it. */
export interface ObjectResult {
  readonly findings: Finding[];
  readonly suppressed: SuppressedFinding[];
  readonly suppressions: SuppressionRecord[];
}

/** Runs rules on one object and applies the object's suppressions. */
export function checkObject(
  obj: KubeObject,
  rules: readonly Rule[],
  ctx: RuleContext,
  source?: SourceLocation,
): ObjectResult {
  const honoured = honouredSuppressions(obj, ctx.knownRuleIds);
  const matched = new Map<string, number>();
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const rule of rules) {
    const reason = rule.suppressible === false ? undefined : honoured.get(rule.id);
    for (const finding of findingsFor(rule, obj, ctx, source)) {
      if (reason === undefined) {
        findings.push(finding);
      } else {
        suppressed.push({ ...finding, reason });
        matched.set(rule.id, (matched.get(rule.id) ?? 0) + 1);
      }
    }
  }
  const suppressions: SuppressionRecord[] = [];
  if (honoured.size > 0) {
    const object = objectRef(obj);
    for (const [rule, reason] of honoured) {
      suppressions.push({
        object,
        rule,
        reason,
        matched: matched.get(rule) ?? 0,
        ...(source === undefined ? {} : { source }),
      });
    }
  }
  return { findings, suppressed, suppressions };
}

/**
 * Checks objects against packs of rules. Pure apart from the rules' own purity: no I/O, same
 * input, same report. Linear in the number of objects.
 */
export function evaluate(
  objects: readonly KubeObject[],
  options: EvaluateOptions = {},
): PolicyReport {
  const packs = options.packs ?? ALL_PACKS;
  const production = options.production ?? false;
  const ctx = createContext(objects, { production, packs });
  const rules = new RulesByKind(rulesFor(packs));
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const suppressions: SuppressionRecord[] = [];
  let objectsChecked = 0;
  for (const obj of objects) {
    if (!isRecord(obj)) {
      continue;
    }
    objectsChecked++;
    const result = checkObject(obj, rules.for(obj.kind), ctx, options.locate?.(obj));
    for (const finding of result.findings) {
      (finding.level === 'error' ? errors : warnings).push(finding);
    }
    suppressed.push(...result.suppressed);
    suppressions.push(...result.suppressions);
  }
  return {
    passed: errors.length === 0,
    errors,
    warnings,
    suppressed,
    suppressions,
    objectsChecked,
    production,
    packs: [...new Set(packs.map((pack) => pack.id))],
  };
}
