import { describeObject } from '../core/findings';
import { Finding, PolicyReport, SuppressedFinding } from '../core/types';
import { formatSource, groupByObject } from './group';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function findingLines(label: string, finding: Finding, last: string): string[] {
  const indent = ' '.repeat(13);
  return [
    `  ${label.padEnd(10)} ${finding.ruleId}`,
    `${indent}\`${finding.path}\` ${finding.problem} (got ${finding.found}).`,
    `${indent}${last}`,
  ];
}

/** One line saying whether the gate passed and what it counted. */
export function formatSummary(report: PolicyReport): string {
  const verdict = report.passed ? 'passed' : 'FAILED';
  const counts = [
    plural(report.errors.length, 'error'),
    plural(report.warnings.length, 'warning'),
    `${report.suppressed.length} suppressed`,
  ].join(', ');
  // Production is a mode of the rules (literal credentials become errors), not a pack.
  const scope = `${plural(report.objectsChecked, 'object')}, packs: ${report.packs.join(', ')}${report.production ? '; production rules' : ''}`;
  return `Policy gate ${verdict}: ${counts} (${scope}).`;
}

/** A human-readable report, grouped by object, ending with every suppression and its reason. */
export function formatText(report: PolicyReport): string {
  const lines: string[] = [formatSummary(report)];
  for (const group of groupByObject(report)) {
    const where = formatSource(group.source);
    lines.push('', `${describeObject(group.object)}${where === undefined ? '' : `  (${where})`}`);
    for (const finding of group.errors) {
      lines.push(...findingLines('error', finding, `Fix: ${finding.remediation}`));
    }
    for (const finding of group.warnings) {
      lines.push(...findingLines('warning', finding, `Fix: ${finding.remediation}`));
    }
    // One reason per rule, then every finding it silences, instead of the reason once per finding.
    const byRule = new Map<string, SuppressedFinding[]>();
    for (const finding of group.suppressed) {
      const key = `${finding.ruleId}\u0000${finding.reason}`;
      byRule.set(key, [...(byRule.get(key) ?? []), finding]);
    }
    for (const findings of byRule.values()) {
      const [first] = findings;
      if (first === undefined) continue;
      lines.push(`  ${'suppressed'.padEnd(10)} ${first.ruleId}: ${first.reason}`);
      for (const f of findings)
        lines.push(`${' '.repeat(13)}\`${f.path}\` ${f.problem} (got ${f.found}).`);
    }
  }
  if (report.suppressions.length > 0) {
    lines.push('', formatSuppressionList(report).trimEnd());
  }
  return lines.join('\n') + '\n';
}

/** Every suppression with its object, rule, reason and how many findings it silenced. */
export function formatSuppressionList(report: PolicyReport): string {
  if (report.suppressions.length === 0) {
    return 'Suppressions: none.\n';
  }
  const silenced = report.suppressions.reduce((n, s) => n + s.matched, 0);
  const lines = [
    `Suppressions: ${plural(report.suppressions.length, 'suppression')} with a reason each, silencing ${plural(silenced, 'finding')}:`,
  ];
  for (const s of report.suppressions) {
    lines.push(
      `  ${describeObject(s.object)}: ${s.rule} (${plural(s.matched, 'finding')}): ${s.reason}`,
    );
  }
  return lines.join('\n') + '\n';
}
