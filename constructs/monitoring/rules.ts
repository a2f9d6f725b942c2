import { Alert, AlertGroup } from '../core/monitoring';

/** The anchor of an alert's section in docs/runbooks.md (its heading is the alert's name). */
export function alertAnchor(alertName: string): string {
  return alertName.toLowerCase();
}

/** An alerting rule of a PrometheusRule (monitoring.coreos.com/v1 `spec.groups[].rules[]`). */
export function alertingRule(alert: Alert, runbookUrl?: string): Record<string, unknown> {
  return {
    alert: alert.name,
    expr: alert.expr,
    for: alert.for,
    labels: { ...(alert.labels ?? {}), severity: alert.severity },
    annotations: {
      summary: alert.summary,
      description: alert.description,
      ...(runbookUrl ? { runbook_url: `${runbookUrl}#${alertAnchor(alert.name)}` } : {}),
    },
  };
}

/** A PrometheusRule's spec: one group named after the alert group. */
export function prometheusRuleSpec(
  group: AlertGroup,
  runbookUrl?: string,
): Record<string, unknown> {
  return {
    groups: [{ name: group.id, rules: group.alerts.map((a) => alertingRule(a, runbookUrl)) }],
  };
}

/** Problems with a group's alerts, in the house template, for a clear error before anything renders. */
export function alertGroupProblems(group: AlertGroup): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  group.alerts.forEach((a, i) => {
    const path = `alerts[${i}]`;
    if (!/^[A-Z][A-Za-z0-9]*$/.test(a.name)) {
      problems.push(
        `\`${path}.name\` is not PascalCase (got "${a.name}"). Name alerts like KubeflowPipelinesApiServerDown.`,
      );
    }
    if (seen.has(a.name)) {
      problems.push(
        `\`${path}.name\` repeats an alert of the group (got "${a.name}"). Name each alert once.`,
      );
    }
    seen.add(a.name);
    if (!/^[0-9]+(ms|s|m|h|d)$/.test(a.for)) {
      problems.push(`\`${path}.for\` is not a Prometheus duration (got "${a.for}"). Use e.g. 5m.`);
    }
    if ('severity' in (a.labels ?? {})) {
      problems.push(
        `\`${path}.labels.severity\` is set by \`severity\` (got "${a.labels?.severity ?? ''}"). Leave it out of labels.`,
      );
    }
  });
  return problems;
}
