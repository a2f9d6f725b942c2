import { Pack, Rule } from './types';

/**
 * The rules of some packs, each once, in pack order. Every engine (synth, CLI, Pulumi) resolves
 * rules through this function so that they agree on what runs.
 *
 * Unlike Pod Security Admission, a restricted rule does not hide its baseline counterpart: a
 * rule's findings never depend on which other packs run, so a suppression written for one rule
 * keeps working when packs are added.
 */
export function resolveRules(packs: readonly Pack[]): Rule[] {
  const byId = new Map<string, Rule>();
  for (const pack of packs) {
    for (const rule of pack.rules) {
      if (!byId.has(rule.id)) {
        byId.set(rule.id, rule);
      }
    }
  }
  return [...byId.values()];
}

/** IDs of every rule a suppression may name. */
export function suppressibleRuleIds(packs: readonly Pack[]): Set<string> {
  const ids = new Set<string>();
  for (const pack of packs) {
    for (const rule of pack.rules) {
      if (rule.suppressible !== false) {
        ids.add(rule.id);
      }
    }
  }
  return ids;
}

/** Groups rules by the kinds they apply to, so that each object only meets its own rules. */
export class RulesByKind {
  private readonly byKind = new Map<string, Rule[]>();
  private readonly anyKind: Rule[];

  constructor(rules: readonly Rule[]) {
    const kinds = new Set(rules.flatMap((rule) => rule.kinds ?? []));
    for (const kind of kinds) {
      // Pack order is kept within each kind so that reports read the same way everywhere.
      this.byKind.set(
        kind,
        rules.filter((rule) => rule.kinds === undefined || rule.kinds.includes(kind)),
      );
    }
    this.anyKind = rules.filter((rule) => rule.kinds === undefined);
  }

  /** Rules for one kind, in pack order. */
  for(kind: string | undefined): readonly Rule[] {
    return (kind === undefined ? undefined : this.byKind.get(kind)) ?? this.anyKind;
  }
}
