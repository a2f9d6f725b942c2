import { AlertGroup } from '../core/monitoring';
import { alertAnchor } from './rules';

/**
 * docs/runbooks.md: one section per alert of the platform, grouped by component, with its
 * severity, expression, meaning and runbook. Each section's heading is the alert's name, so its
 * anchor (`#<name in lower case>`) is stable and is what `runbook_url` points at.
 */
export function runbookMarkdown(groups: readonly AlertGroup[]): string {
  const sorted = [...groups].sort((a, b) =>
    `${a.component}/${a.id}`.localeCompare(`${b.component}/${b.id}`),
  );
  const lines: string[] = [
    '# Runbooks',
    '',
    'The alerts of the platform, generated from the code (`monitoring.enabled: true`). Each',
    "alert's `runbook_url` points at its section here.",
    '',
  ];
  for (const group of sorted) {
    lines.push(`## ${group.component} (\`${group.namespace}/${group.id}\`)`, '');
    for (const alert of [...group.alerts].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(
        `<a id="${alertAnchor(alert.name)}"></a>`,
        '',
        `### ${alert.name}`,
        '',
        `- Severity: ${alert.severity}`,
        `- Fires after: ${alert.for}`,
        `- Summary: ${alert.summary}`,
        '',
        '```promql',
        alert.expr,
        '```',
        '',
        alert.description,
        '',
        `**Runbook.** ${alert.runbook}`,
        '',
      );
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
