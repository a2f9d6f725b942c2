import { describeObject } from '../core/findings';
import { Finding, Pack, PolicyReport, Rule, SuppressedFinding } from '../core/types';
import { CATALOGUE_PACKS } from '../packs/all';

/** The SARIF 2.1.0 subset we emit; enough for GitHub code scanning and most CI viewers. */
interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly help: { readonly text: string };
  readonly defaultConfiguration: { readonly level: 'error' | 'warning' };
}

function descriptor(id: string, rule: Rule | undefined, fallback: Finding): SarifRule {
  return {
    id,
    name: id,
    shortDescription: { text: rule?.title ?? id },
    fullDescription: { text: rule?.rationale ?? fallback.problem },
    help: { text: rule?.remediation ?? fallback.remediation },
    defaultConfiguration: { level: rule?.level ?? fallback.level },
  };
}

function uri(file: string): string {
  return file.replace(/\\/g, '/');
}

/**
 * The report as a SARIF 2.1.0 log. Suppressed findings are included with an `inSource`
 * suppression and their reason, so that viewers show them as reviewed rather than hide them.
 */
export function formatSarif(
  report: PolicyReport,
  packs: readonly Pack[] = CATALOGUE_PACKS,
): string {
  const catalogue = new Map<string, Rule>();
  for (const pack of packs) {
    for (const rule of pack.rules) {
      catalogue.set(rule.id, rule);
    }
  }
  const findings: (Finding | SuppressedFinding)[] = [
    ...report.errors,
    ...report.warnings,
    ...report.suppressed,
  ];
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  for (const finding of findings) {
    if (!ruleIndex.has(finding.ruleId)) {
      ruleIndex.set(finding.ruleId, rules.length);
      rules.push(descriptor(finding.ruleId, catalogue.get(finding.ruleId), finding));
    }
  }
  const results = findings.map((finding) => {
    const { object, source } = finding;
    const fullyQualifiedName = [object.kind, object.namespace, object.name]
      .filter((part) => part !== undefined)
      .join('/');
    return {
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId),
      level: finding.level,
      message: { text: finding.message },
      locations: [
        {
          ...(source === undefined
            ? {}
            : {
                physicalLocation: {
                  artifactLocation: { uri: uri(source.file) },
                  ...(source.line === undefined ? {} : { region: { startLine: source.line } }),
                },
              }),
          logicalLocations: [{ name: describeObject(object), fullyQualifiedName, kind: 'object' }],
        },
      ],
      properties: { path: finding.path, object },
      ...('reason' in finding
        ? { suppressions: [{ kind: 'inSource', justification: finding.reason }] }
        : {}),
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'mlops-blueprint-policy', rules } }, results }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
