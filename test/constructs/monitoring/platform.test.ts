import { ApiObject, Chart, Testing } from 'cdk8s';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { AlertGroup, Dashboard } from '../../../constructs/core/monitoring';
import { MonitoringRegistry, PlatformMonitoring } from '../../../constructs/monitoring/monitoring';
import { PLATFORM_ALERTS, PLATFORM_DASHBOARDS } from '../../../constructs/monitoring/names';
import {
  PlatformMonitoringContent,
  platformAlerts,
  platformHealthDashboard,
  platformNamespaces,
  platformWebhookNames,
  promRegex,
  tenantUsageDashboard,
} from '../../../constructs/monitoring/platform';
import { runbookMarkdown } from '../../../constructs/monitoring/runbooks';
import { Obj, findObject, testChart } from '../../helpers';
import { ALL_METRICS } from './facts';
import { metricNames } from '../../promql';

/** A small platform: two namespaces, a tenant namespace, two webhooks. */
function platform(chart: Chart): void {
  for (const [name, labels] of [
    ['kubeflow', {}],
    ['cert-manager', {}],
    ['team-a', { 'app.kubernetes.io/part-of': 'kubeflow-profile' }],
  ] as const) {
    new ApiObject(chart, `Ns-${name}`, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels },
    });
  }
  new ApiObject(chart, 'Mutating', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'cache-webhook-kubeflow' },
    webhooks: [{ name: 'cache-server.kubeflow.org' }],
  });
  new ApiObject(chart, 'Validating', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'cert-manager-webhook' },
    webhooks: [{ name: 'webhook.cert-manager.io' }],
  });
}

function rendered(): { objects: Obj[]; chart: Chart } {
  const { chart, synth } = testChart();
  const monitoring = new PlatformMonitoring(chart, 'Monitoring', {
    runbookUrl: 'https://docs.example.com/runbooks',
  });
  new PlatformMonitoringContent(chart, 'Content', {
    monitoring,
    namespace: 'monitoring',
    thresholds: { webhookFailureRatio: 0.1 },
  });
  // Objects added after the content are still covered: it is computed at synthesis.
  platform(chart);
  return { objects: synth(), chart };
}

/** Every metric an expression reads is declared, and every declared metric is a known fact. */
function checkMetrics(exprs: readonly string[], declared: readonly string[]): void {
  for (const m of declared) expect(ALL_METRICS).toContain(m);
  for (const expr of exprs) {
    for (const m of metricNames(expr)) expect(declared).toContain(m);
  }
}

describe('platform-wide alerts and dashboards', () => {
  test('the tree: webhook names and platform namespaces (tenants left out)', () => {
    const { chart } = testChart();
    platform(chart);
    expect(platformWebhookNames(chart)).toEqual([
      'cache-server.kubeflow.org',
      'webhook.cert-manager.io',
    ]);
    expect(platformNamespaces(chart)).toEqual(['cert-manager', 'kubeflow']);
  });

  test('promRegex escapes dots for PromQL strings', () => {
    expect(promRegex(['a.b', 'c'])).toBe('a\\\\.b|c');
  });

  test('the PrometheusRule covers every webhook and namespace and validates', () => {
    const { objects } = rendered();
    const rule = findObject(objects, 'PrometheusRule', 'monitoring', 'mlops-platform');
    expect(() => new PrometheusRule(rule as never).validate()).not.toThrow();
    const rules = rule.spec.groups[0].rules as {
      alert: string;
      expr: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }[];
    expect(rules.map((r) => r.alert)).toEqual([
      PLATFORM_ALERTS.webhookCallsFailing,
      PLATFORM_ALERTS.webhookSlow,
      PLATFORM_ALERTS.workloadUnavailable,
      PLATFORM_ALERTS.workloadDegraded,
    ]);
    const failing = rules[0];
    expect(failing.expr).toContain(
      'name=~"cache-server\\\\.kubeflow\\\\.org|webhook\\\\.cert-manager\\\\.io"',
    );
    expect(failing.expr).toContain('error_type=~"calling_webhook_error|apiserver_internal_error"');
    expect(failing.expr).toMatch(/> 0\.1$/);
    expect(failing.labels.severity).toBe('critical');
    expect(failing.annotations.runbook_url).toBe(
      'https://docs.example.com/runbooks#kubeflowwebhookcallsfailing',
    );
    expect(rules[2].expr).toContain('namespace=~"cert-manager|kubeflow"');
    expect(rules[2].expr).not.toContain('team-a');
  });

  test('alerts name only metrics they declare, all known upstream', () => {
    const alerts = platformAlerts(['a.example.com'], ['kubeflow']);
    for (const a of alerts) {
      checkMetrics([a.expr], a.metrics);
      expect(a.runbook.length).toBeGreaterThan(100);
    }
    expect(metricNames(alerts[0].expr)).toEqual([
      'apiserver_admission_webhook_fail_open_count',
      'apiserver_admission_webhook_rejection_count',
      'apiserver_admission_webhook_request_total',
    ]);
    expect(
      metricNames('histogram_quantile(0.99, sum by (le) (rate(x_bucket{a="b"}[5m]))) > 2'),
    ).toEqual(['x_bucket']);
    expect(platformAlerts([], [])).toEqual([]);
  });

  test('dashboards: parse, unique uids, metrics known, panels not overlapping', () => {
    const { objects, chart } = rendered();
    const boards: Dashboard[] = MonitoringRegistry.of(chart).dashboards();
    expect(boards.map((d) => d.uid)).toEqual([
      PLATFORM_DASHBOARDS.health,
      PLATFORM_DASHBOARDS.tenantUsage,
    ]);
    for (const board of boards) {
      const cm = findObject(objects, 'ConfigMap', 'monitoring', board.uid);
      const json = JSON.parse(cm.data[`${board.uid}.json`] as string);
      expect(json.uid).toBe(board.uid);
      const exprs = (json.panels as { targets?: { expr: string }[] }[]).flatMap((p) =>
        (p.targets ?? []).map((t) => t.expr),
      );
      expect(exprs.length).toBeGreaterThan(0);
      checkMetrics(exprs, board.metrics);
      const boxes = (
        json.panels as { gridPos: { x: number; y: number; w: number; h: number } }[]
      ).map((p) => p.gridPos);
      for (const [i, a] of boxes.entries()) {
        expect(a.x + a.w).toBeLessThanOrEqual(24);
        for (const b of boxes.slice(i + 1)) {
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap).toBe(false);
        }
      }
    }
    const health = platformHealthDashboard(['w.example.com'], ['kubeflow']);
    expect(JSON.stringify(health)).toContain('controller_runtime_reconcile_errors_total');
    expect(platformHealthDashboard([], ['kubeflow']).rows.map((r) => r.title)).not.toContain(
      'Admission webhooks',
    );
    expect(tenantUsageDashboard().variables).toEqual([
      { name: 'namespace', label: 'namespace', query: 'kube_resourcequota', multi: true },
    ]);
  });

  test('the validator rejects a malformed monitor (so the validations above can fail)', () => {
    expect(() =>
      new PodMonitor({
        metadata: { name: 'x' },
        spec: { selector: {}, podMetricsEndpoints: [{ scheme: 'ftp' }] },
      } as never).validate(),
    ).toThrow();
  });

  test('runbooks: one section per alert with a stable anchor', () => {
    const { chart } = testChart();
    platform(chart);
    const group: AlertGroup = {
      id: 'mlops-platform',
      namespace: 'monitoring',
      component: 'monitoring',
      alerts: platformAlerts(platformWebhookNames(chart), platformNamespaces(chart)),
    };
    const md = runbookMarkdown([group]);
    expect(md).toContain('## monitoring (`monitoring/mlops-platform`)');
    expect(md).toContain('<a id="kubeflowwebhookcallsfailing"></a>');
    expect(md).toContain('### PlatformWorkloadUnavailable');
    expect(md).toContain('- Severity: critical');
    expect(md.match(/^### /gm)).toHaveLength(4);
    expect(runbookMarkdown([group])).toBe(md);
    expect(Testing.synth(chart).length).toBeGreaterThan(0);
  });
});
