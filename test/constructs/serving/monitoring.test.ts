import { Testing, Chart } from 'cdk8s';
import { z } from 'zod';
import { Alert, Dashboard, ScrapeJob } from '../../../constructs/core/monitoring';
import { MODEL_ALERT_DEFAULTS, servingTenantShape } from '../../../constructs/serving/config';
import {
  modelServingDashboard,
  monitorServingPlatform,
  monitorTenantModels,
} from '../../../constructs/serving/monitoring';
import { FakeMonitoring, FakeNamespace } from '../../fakes';
import { SERVING_METRIC_FACTS, SERVING_SCRAPE_FACTS } from './monitoring-facts';

const job = (id: string, ns: string): ScrapeJob => ({
  job: id,
  selector: `job="${id}",namespace="${ns}"`,
});
const KNATIVE = {
  namespace: 'knative-serving',
  serving: {
    activator: job('knative-activator', 'knative-serving'),
    autoscaler: job('knative-autoscaler', 'knative-serving'),
    controller: job('knative-controller', 'knative-serving'),
    webhook: job('knative-webhook', 'knative-serving'),
  },
  netIstio: {
    controller: job('net-istio-controller', 'knative-serving'),
    webhook: job('net-istio-webhook', 'knative-serving'),
  },
};

function platform(serverless = true) {
  const monitoring = new FakeMonitoring();
  const chart = new Chart(Testing.app(), 'Test');
  monitorServingPlatform(chart, {
    monitoring,
    kserveNamespace: 'kubeflow',
    kserve: job('kserve-controller-manager', 'kubeflow'),
    ...(serverless ? { knative: KNATIVE } : {}),
  });
  return monitoring;
}

const TENANT = 'team-a';
function tenant() {
  const monitoring = new FakeMonitoring();
  const chart = new Chart(Testing.app(), 'Test');
  monitorTenantModels(chart, monitoring, new FakeNamespace(TENANT), [
    { name: 'iris', transformer: false, errorRatePercent: 5, latencyP95Ms: 1000 },
    { name: 'bert', transformer: true, errorRatePercent: 1, latencyP95Ms: 250 },
  ]);
  return monitoring;
}

/** Identifiers followed by `{` or `[`: the metrics a PromQL expression reads. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]/g)].map((m) => m[1]);
}

function checkAlert(a: Alert): void {
  for (const m of a.metrics) expect(Object.keys(SERVING_METRIC_FACTS)).toContain(m);
  for (const m of metricsIn(a.expr)) expect(a.metrics).toContain(m);
  expect(a.name).toMatch(/^[A-Z][A-Za-z]+$/);
  expect(a.runbook).toMatch(/kubectl -n /);
  expect(a.summary.length).toBeGreaterThan(0);
  expect(a.description.length).toBeGreaterThan(0);
}

describe('serving platform alerts', () => {
  const monitoring = platform();
  const alerts = monitoring.alertGroups.flatMap((g) => g.alerts);

  test('one group in the KServe namespace with the down alerts and reconcile errors', () => {
    expect(monitoring.alertGroups.map((g) => [g.id, g.namespace, g.component])).toEqual([
      ['model-serving', 'kubeflow', 'serving'],
    ]);
    expect(alerts.map((a) => a.name)).toEqual([
      'KServeControllerDown',
      'KServeReconcileErrorsHigh',
      'KnativeActivatorDown',
      'KnativeAutoscalerDown',
      'KnativeWebhookDown',
      'KnativeServingControllerDown',
      'NetIstioControllerDown',
    ]);
  });

  test.each([
    ['KServeControllerDown', 'kserve-controller-manager', 'kubeflow', 'critical'],
    ['KnativeActivatorDown', 'knative-activator', 'knative-serving', 'critical'],
    ['KnativeAutoscalerDown', 'knative-autoscaler', 'knative-serving', 'critical'],
    ['KnativeWebhookDown', 'knative-webhook', 'knative-serving', 'critical'],
    ['NetIstioControllerDown', 'net-istio-controller', 'knative-serving', 'warning'],
  ])('%s fires when %s is not up or its target is gone', (name, id, ns, severity) => {
    const a = monitoring.alert(name);
    expect(a?.expr).toBe(`(sum(up{job="${id}",namespace="${ns}"}) or vector(0)) == 0`);
    expect(a?.severity).toBe(severity);
  });

  test('the runbooks name our deployments', () => {
    expect(monitoring.alert('KServeControllerDown')?.runbook).toContain(
      'kubectl -n kubeflow logs deployment/kserve-controller-manager',
    );
    expect(monitoring.alert('KnativeActivatorDown')?.runbook).toContain(
      'kubectl -n knative-serving get deployment activator',
    );
  });

  test.each(alerts.map((a) => [a.name, a] as const))('%s reads only exported metrics', (_n, a) =>
    checkAlert(a),
  );

  test('Standard mode: no Knative alerts', () => {
    const names = platform(false)
      .alertGroups.flatMap((g) => g.alerts)
      .map((a) => a.name);
    expect(names).toEqual(['KServeControllerDown', 'KServeReconcileErrorsHigh']);
  });
});

describe('Model serving dashboard', () => {
  const monitoring = platform();
  const d: Dashboard = monitoring.dashboards[0];

  test('one dashboard with namespace and model variables', () => {
    expect(monitoring.dashboards).toHaveLength(1);
    expect(d.uid).toBe('mlops-model-serving');
    expect(d.title).toBe('Model serving');
    expect(d.variables?.map((v) => v.name)).toEqual(['namespace', 'model']);
    expect(d.variables?.[1].query).toContain('namespace="$namespace"');
  });

  test('latency p50/p95/p99, throughput, error ratio and payload-log volume per model', () => {
    const panels = d.rows.flatMap((r) => r.panels);
    const exprs = (title: string) =>
      panels.find((p) => p.title === title)?.queries.map((q) => q.expr) ?? [];
    expect(
      exprs('Latency p50 / p95 / p99').map((e) => /histogram_quantile\(([\d.]+)/.exec(e)?.[1]),
    ).toEqual(['0.5', '0.95', '0.99']);
    for (const title of ['Throughput', 'Error ratio (5xx)', 'Latency p50 / p95 / p99']) {
      for (const e of exprs(title)) {
        expect(e).toContain('reporter="destination",namespace="$namespace",job="$model"');
      }
    }
    for (const e of exprs('Requests the model sends')) {
      expect(e).toContain('reporter="source",namespace="$namespace",job="$model"');
    }
  });

  test('every query reads only the metrics the dashboard lists, all exported', () => {
    for (const m of d.metrics) expect(Object.keys(SERVING_METRIC_FACTS)).toContain(m);
    for (const q of d.rows.flatMap((r) => r.panels).flatMap((p) => p.queries)) {
      for (const m of metricsIn(q.expr)) expect(d.metrics).toContain(m);
    }
  });

  test('Standard mode: only KServe among the controllers', () => {
    const standard = modelServingDashboard({
      monitoring: new FakeMonitoring(),
      kserveNamespace: 'kubeflow',
      kserve: job('kserve-controller-manager', 'kubeflow'),
    });
    const up = standard.rows.flatMap((r) => r.panels).find((p) => p.title === 'Targets up')
      ?.queries[0].expr;
    expect(up).toBe('sum by (job) (up{job=~"kserve-controller-manager"})');
  });
});

describe("a tenant's models", () => {
  const monitoring = tenant();

  test("each model's pods are scraped on Envoy's stats port in the tenant namespace", () => {
    expect(monitoring.targets.map((t) => t.id)).toEqual(['isvc-iris', 'isvc-bert']);
    const [iris] = monitoring.targets;
    expect(iris.namespace.name).toBe(TENANT);
    expect(iris.podLabels).toEqual({ [SERVING_SCRAPE_FACTS.inferenceServicePodLabel]: 'iris' });
    expect(iris.port).toEqual(SERVING_SCRAPE_FACTS.envoyStatsPort);
    expect(iris.path).toBe(SERVING_SCRAPE_FACTS.envoyStatsPath);
    expect(iris.meshed).toBeUndefined();
  });

  test('one rule group in the tenant namespace, two alerts per model with tenant/model labels', () => {
    expect(monitoring.alertGroups.map((g) => [g.id, g.namespace])).toEqual([
      ['inference-services', TENANT],
    ]);
    const alerts = monitoring.alertGroups[0].alerts;
    expect(alerts.map((a) => [a.name, a.labels?.model])).toEqual([
      ['InferenceServiceErrorRateHigh', 'iris'],
      ['InferenceServiceLatencyHigh', 'iris'],
      ['InferenceServiceErrorRateHigh', 'bert'],
      ['InferenceServiceLatencyHigh', 'bert'],
    ]);
    for (const a of alerts) {
      expect(a.labels?.tenant).toBe(TENANT);
      checkAlert(a);
    }
  });

  test('thresholds and the entry component come from the model', () => {
    const alerts = monitoring.alertGroups[0].alerts;
    expect(alerts[0].expr).toMatch(/ > 5$/);
    expect(alerts[0].expr).toContain('job="isvc-iris",namespace="team-a"');
    expect(alerts[0].expr).toContain('destination_workload=~"iris-predictor.*"');
    expect(alerts[0].expr).toContain('response_code=~"5.."');
    expect(alerts[1].expr).toMatch(/^histogram_quantile\(0\.95, .* > 1000$/);
    expect(alerts[2].expr).toMatch(/ > 1$/);
    expect(alerts[2].expr).toContain('destination_workload=~"bert-transformer.*"');
    expect(alerts[3].expr).toMatch(/ > 250$/);
  });

  test('a tenant without models gets nothing', () => {
    const monitoring = new FakeMonitoring();
    monitorTenantModels(
      new Chart(Testing.app(), 'Test'),
      monitoring,
      new FakeNamespace(TENANT),
      [],
    );
    expect(monitoring.targets).toEqual([]);
    expect(monitoring.alertGroups).toEqual([]);
  });
});

describe('models[].alerts in the config', () => {
  const schema = z.object(servingTenantShape());
  const model = { name: 'iris', format: { name: 'sklearn' }, storageUri: 's3://b/private/t/m/' };

  test('defaults', () => {
    const parsed = schema.parse({ models: [model] });
    expect(parsed.models[0].alerts).toEqual({ errorRatePercent: 5, latencyP95Ms: 1000 });
    expect(MODEL_ALERT_DEFAULTS).toEqual({ errorRatePercent: 5, latencyP95Ms: 1000 });
  });

  test('given thresholds are kept, out-of-range ones refused', () => {
    const parsed = schema.parse({
      models: [{ ...model, alerts: { errorRatePercent: 0.5, latencyP95Ms: 200 } }],
    });
    expect(parsed.models[0].alerts).toEqual({ errorRatePercent: 0.5, latencyP95Ms: 200 });
    expect(
      schema.safeParse({ models: [{ ...model, alerts: { errorRatePercent: 0 } }] }).success,
    ).toBe(false);
    expect(
      schema.safeParse({ models: [{ ...model, alerts: { errorRatePercent: 101 } }] }).success,
    ).toBe(false);
    expect(schema.safeParse({ models: [{ ...model, alerts: { latencyP95Ms: 0 } }] }).success).toBe(
      false,
    );
    expect(schema.safeParse({ models: [{ ...model, alerts: { other: 1 } }] }).success).toBe(false);
  });
});
