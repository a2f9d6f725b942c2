import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Validation, ValidationContext } from 'cdk8s-cli/lib/plugins';
import { objectKey } from '../core/findings';
import { flattenLists } from '../core/lists';
import { isKubeObject } from '../io/load-manifests';
import { Finding, KubeObject, Rule, SourceLocation } from '../core/types';
import { evaluate } from '../evaluate';
import { formatSummary, formatSuppressionList } from '../format/text';
import { ALL_PACKS, CATALOGUE_PACKS } from '../packs/all';

/** Properties of the plugin, from `validations[].properties` in cdk8s.yaml. */
export interface PolicyGateValidationProps {
  /**
   * Evaluate a production environment: literal credentials become errors.
   * @default - what the marker next to the manifests says (the `production` field of the
   * `.mlops-blueprint` file mlops-blueprint writes), so that this gate agrees with the one in the
   * app; false if there is no marker
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
  private readonly production: boolean | undefined;
  private readonly packIds: readonly string[] | undefined;

  constructor(props: PolicyGateValidationProps = {}) {
    if (props.production !== undefined && typeof props.production !== 'boolean') {
      throw new Error(
        `policy plugin: \`properties.production\` must be true or false (got ${JSON.stringify(props.production)}). Leave it out to read it from the output's marker.`,
      );
    }
    this.production = props.production;
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
        // kustomization.yaml sits next to the manifests; it is configuration, not an object.
        if (isKubeObject(doc)) {
          sources.set(doc as KubeObject, { file: manifest });
        }
      }
    }
    const { production, from } =
      this.production === undefined
        ? productionFromMarkers(context.manifests)
        : { production: this.production, from: 'properties.production in cdk8s.yaml' };
    const packs =
      this.packIds === undefined
        ? ALL_PACKS
        : ALL_PACKS.filter((p) => this.packIds?.includes(p.id));
    const report = evaluate([...sources.keys()], {
      production,
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
    context.logger.log(`Production rules ${production ? 'on' : 'off'} (${from}).`);
    context.logger.log(`${formatSummary(report)}\n${formatSuppressionList(report)}`);
    context.report.submit(report.passed ? 'success' : 'failure', {
      errors: String(report.errors.length),
      warnings: String(report.warnings.length),
      suppressed: String(report.suppressed.length),
      production: String(production),
    });
  }
}

/** The marker mlops-blueprint writes next to the manifests (see apps/cdk8s/write-output.ts). */
const MARKER_FILE = '.mlops-blueprint';

/**
 * Whether the manifests belong to a production environment, by the markers in their
 * directories: production if any marker says so; not production without a marker.
 */
export function productionFromMarkers(manifests: readonly string[]): {
  production: boolean;
  from: string;
} {
  const markers = [...new Set(manifests.map((m) => path.join(path.dirname(m), MARKER_FILE)))];
  const found: { file: string; production: boolean }[] = [];
  for (const file of markers) {
    try {
      const marker = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        tool?: unknown;
        production?: unknown;
      };
      if (marker.tool === 'mlops-blueprint' && typeof marker.production === 'boolean') {
        found.push({ file, production: marker.production });
      }
    } catch {
      // No marker here, or not ours.
    }
  }
  if (found.length === 0) {
    return {
      production: false,
      from: `no ${MARKER_FILE} marker next to the manifests; set properties.production to choose`,
    };
  }
  const decisive = found.find((f) => f.production) ?? found[0];
  return { production: decisive.production, from: `from ${decisive.file}` };
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
