import type { Validation, ValidationContext } from 'cdk8s-cli/lib/plugins';
import { objectKey } from '../core/findings';
import { flattenLists } from '../core/lists';
import { Finding, KubeObject, Rule, SourceLocation } from '../core/types';
import { evaluate } from '../evaluate';
import { formatSummary, formatSuppressionList } from '../format/text';
import { ALL_PACKS, CATALOGUE_PACKS } from '../packs/all';

/** Properties of the plugin, from `validations[].properties` in cdk8s.yaml. */
export interface PolicyGateValidationProps {
  /**
   * Evaluate a production environment: literal credentials become errors.
   * @default false
   */
  readonly production?: boolean;
  /**
   * IDs of the packs to apply.
   * @default - every pack (pss-baseline, pss-restricted, platform)
   */
  readonly packs?: readonly string[];
}

/**
 * The policy gate as a cdk8s-cli validation plugin, so that `cdk8s synth` fails on unsuppressed
 * errors. Thin on purpose: it parses the manifests cdk8s wrote, calls `evaluate` and translates
 * the report; the rules and their suppressions are the same as everywhere else.
 *
 * Declared in cdk8s.yaml with `package: ./lib/policies/cdk8s/plugin.js` and
 * `class: PolicyGateValidation` (the compiled file, so `npm run build` runs first).
 */
export class PolicyGateValidation implements Validation {
  private readonly production: boolean;
  private readonly packIds: readonly string[] | undefined;

  constructor(props: PolicyGateValidationProps = {}) {
    this.production = props.production === true;
    this.packIds = props.packs;
    const unknown = (props.packs ?? []).filter((id) => !ALL_PACKS.some((p) => p.id === id));
    if (unknown.length > 0) {
      throw new Error(
        `policy plugin: \`properties.packs\` names unknown packs (got ${JSON.stringify(unknown)}). ` +
          `Use some of ${ALL_PACKS.map((p) => p.id).join(', ')}.`,
      );
    }
  }

  async validate(context: ValidationContext): Promise<void> {
    const sources = new Map<KubeObject, SourceLocation>();
    for (const manifest of context.manifests) {
      for (const doc of (context.parseManifest(manifest) as unknown[]).flatMap(flattenLists)) {
        if (typeof doc === 'object' && doc !== null) {
          sources.set(doc as KubeObject, { file: manifest });
        }
      }
    }
    const packs =
      this.packIds === undefined
        ? ALL_PACKS
        : ALL_PACKS.filter((p) => this.packIds?.includes(p.id));
    const report = evaluate([...sources.keys()], {
      production: this.production,
      packs,
      locate: (obj) => sources.get(obj),
    });

    // One cdk8s violation per rule, listing each offending resource with its field paths.
    for (const findings of groupBy([...report.errors, ...report.warnings], (f) => f.ruleId)) {
      const [first] = findings;
      if (first === undefined) {
        continue;
      }
      const rule = RULES.get(first.ruleId);
      context.report.addViolation({
        ruleName: `${first.ruleId} [${first.level}]`,
        recommendation: rule?.title ?? first.problem,
        fix: rule?.remediation ?? first.remediation,
        violatingResources: groupBy(
          findings,
          (f) => `${objectKey(f.object)}|${f.source?.file ?? ''}`,
        ).map((group) => ({
          resourceName: group[0]?.object.name ?? '',
          manifestPath: group[0]?.source?.file ?? '',
          locations: group.map((f) => f.path),
        })),
      });
    }
    // cdk8s prints violations only; every suppression must appear in the synth output too.
    context.logger.log(`${formatSummary(report)}\n${formatSuppressionList(report)}`);
    context.report.submit(report.passed ? 'success' : 'failure', {
      errors: String(report.errors.length),
      warnings: String(report.warnings.length),
      suppressed: String(report.suppressed.length),
      production: String(this.production),
    });
  }
}

const RULES: ReadonlyMap<string, Rule> = new Map(
  CATALOGUE_PACKS.flatMap((pack) => pack.rules.map((rule) => [rule.id, rule] as const)),
);

function groupBy(findings: readonly Finding[], key: (f: Finding) => string): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const k = key(finding);
    const list = groups.get(k);
    if (list === undefined) {
      groups.set(k, [finding]);
    } else {
      list.push(finding);
    }
  }
  return [...groups.values()];
}
