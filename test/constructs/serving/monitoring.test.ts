import { Testing, Chart } from 'cdk8s';
import { z } from 'zod';
import { Alert, Dashboard, ScrapeJob, scrapeJob } from '../../../constructs/core/monitoring';
import { renderDashboard } from '../../../constructs/monitoring/dashboards';
import { metricNames } from '../../promql';
import { MODEL_ALERT_DEFAULTS, servingTenantShape } from '../../../constructs/serving/config';
import {
  modelAlerts,
  modelScrapeId,
  modelServingDashboard,
  monitorServingPlatform,
  scrapeTenantModels,
} from '../../../constructs/serving/monitoring';
import { InferenceService } from '../../../constructs/serving/inference-service';
import { testChart } from '../../helpers';
import { FakeMonitoring, FakeNamespace } from '../../fakes';
import {
  SERVING_LABEL_FACTS,
  SERVING_METRIC_FACTS,
  SERVING_SCRAPE_FACTS,
} from './monitoring-facts';

const job = (id: string, ns: string, meshed = true): ScrapeJob => scrapeJob(id, ns, meshed);
const KNATIVE = {
  namespace: 'knative-serving',
  serving: {
    activator: job('knative-activator', 'knative-serving'),
    autoscaler: job('knative-autoscaler', 'knative-serving'),
    controller: job('knative-controller', 'knative-serving'),
    webhook: job('knative-webhook', 'knative-serving'),
  },
  netIstio: {
    controller: job('net-istio-controller', 'knative-serving', false),
    webhook: job('net-istio-webhook', 'knative-serving'),
  },
  localGateway: job('knative-local-gateway', 'knative-serving', false),
};

function platform(serverless = true) {
  const monitoring = new FakeMonitoring();
  const chart = new Chart(Testing.app(), 'Test');
  monitorServingPlatform(chart, {
    monitoring,
    kserveNamespace: 'kubeflow',
    kserve: job('kserve-controller-manager', 'kubeflow', false),
    ...(serverless ? { knative: KNATIVE } : {}),
  });
  return monitoring;
}

const TENANT = 'team-a';
function tenant() {
  const monitoring = new FakeMonitoring();
  const chart = new Chart(Testing.app(), 'Test');
  const jobs = scrapeTenantModels(chart, monitoring, new FakeNamespace(TENANT), ['iris', 'bert']);
  return { monitoring, jobs };
}

/** Labels a PromQL expression matches on (`label=`, `!=`, `=~`, `!~`) or groups by. */
function labelsIn(expr: string): string[] {
  const plain = expr.replace(/"[^"]*"/g, '""');
  const matchers = [...plain.matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)\s*""/g)].map((m) => m[1]);
  const grouped = [...plain.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) =>
    m[1].split(',').map((l) => l.trim()),
  );
  return [...matchers, ...grouped];
}

function checkAlert(a: Alert): void {
  for (const l of labelsIn(a.expr)) expect(SERVING_LABEL_FACTS).toContain(l);
  for (const m of a.metrics) expect(Object.keys(SERVING_METRIC_FACTS)).toContain(m);
  for (const m of metricNames(a.expr)) expect(a.metrics).toContain(m);
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
      'KnativeLocalGatewayDown',
      'KnativeServingControllerDown',
      'NetIstioControllerDown',
    ]);
  });

  test.each([
    ['KServeControllerDown', 'kserve-controller-manager', 'kubeflow', 'critical', false],
    ['KnativeActivatorDown', 'knative-activator', 'knative-serving', 'critical', true],
    ['KnativeAutoscalerDown', 'knative-autoscaler', 'knative-serving', 'critical', true],
    ['KnativeWebhookDown', 'knative-webhook', 'knative-serving', 'critical', true],
    ['KnativeLocalGatewayDown', 'knative-local-gateway', 'knative-serving', 'critical', false],
    ['KnativeServingControllerDown', 'knative-controller', 'knative-serving', 'warning', true],
    ['NetIstioControllerDown', 'net-istio-controller', 'knative-serving', 'warning', false],
  ])(
    '%s fires when %s is not up, its target is gone or (meshed) its app stops answering',
    (name, id, ns, severity, meshed) => {
      const a = monitoring.alert(name);
      const gone = `(sum(up{job="${id}",namespace="${ns}"}) or vector(0)) == 0`;
      expect(a?.expr).toBe(
        meshed
          ? `${gone} or sum(rate(istio_agent_scrape_failures_total{job="${id}",namespace="${ns}",type="application"}[5m])) > 0`
          : gone,
      );
      expect(a?.severity).toBe(severity);
    },
  );

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
    // As Grafana gets them: label_values(<selector>, <label>), one level deep.
    const templating = JSON.parse(renderDashboard(d)).templating.list as {
      name: string;
      definition?: string;
    }[];
    const definition = (name: string) => templating.find((v) => v.name === name)?.definition;
    expect(definition('namespace')).toBe(
      'label_values(istio_requests_total{reporter="destination",job=~"isvc-.+"}, namespace)',
    );
    expect(definition('model')).toMatch(
      /^label_values\(istio_requests_total\{[^()]*namespace="\$namespace"[^()]*\}, destination_canonical_service\)$/,
    );
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
        expect(e).toContain(
          'reporter="destination",namespace="$namespace",job=~"isvc-.+",destination_canonical_service="$model"',
        );
      }
    }
    for (const e of exprs('Requests the model sends')) {
      expect(e).toContain(
        'reporter="source",namespace="$namespace",job=~"isvc-.+",source_canonical_service=~"$model|$model[.]predictor"',
      );
    }
  });

  test('every query reads only the metrics the dashboard lists, all exported', () => {
    for (const m of d.metrics) expect(Object.keys(SERVING_METRIC_FACTS)).toContain(m);
    for (const q of d.rows.flatMap((r) => r.panels).flatMap((p) => p.queries)) {
      for (const m of metricNames(q.expr)) expect(d.metrics).toContain(m);
      for (const l of labelsIn(q.expr)) expect(SERVING_LABEL_FACTS).toContain(l);
    }
    for (const v of d.variables ?? []) {
      for (const l of labelsIn(v.query)) expect(SERVING_LABEL_FACTS).toContain(l);
    }
  });

  test('Standard mode: only KServe among the controllers', () => {
    const standard = modelServingDashboard({
      monitoring: new FakeMonitoring(),
      kserveNamespace: 'kubeflow',
      kserve: job('kserve-controller-manager', 'kubeflow', false),
    });
    const up = standard.rows.flatMap((r) => r.panels).find((p) => p.title === 'Targets up')
      ?.queries[0].expr;
    expect(up).toBe('sum by (job) (up{job=~"kserve-controller-manager"})');
  });
});

describe("a tenant's models", () => {
  const { monitoring, jobs } = tenant();

  test("each model's pods are scraped on Envoy's stats port in the tenant namespace", () => {
    expect(monitoring.targets.map((t) => t.id)).toEqual(['isvc-team-a-iris', 'isvc-team-a-bert']);
    expect(jobs.map((j) => j.job)).toEqual(['isvc-team-a-iris', 'isvc-team-a-bert']);
    const [iris] = monitoring.targets;
    expect(iris.namespace.name).toBe(TENANT);
    expect(iris.podLabels).toEqual({ [SERVING_SCRAPE_FACTS.inferenceServicePodLabel]: 'iris' });
    expect(iris.port).toEqual(SERVING_SCRAPE_FACTS.envoyStatsPort);
    expect(iris.path).toBe(SERVING_SCRAPE_FACTS.envoyStatsPath);
    expect(iris.meshed).toBeUndefined();
  });

  test('ids stay DNS labels and unique for the longest names', () => {
    const a = modelScrapeId('t'.repeat(63), 'm'.repeat(40));
    const b = modelScrapeId('t'.repeat(63), `${'m'.repeat(39)}n`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).toMatch(/^isvc-t+-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });
});

describe('per-model alerts', () => {
  const d = MODEL_ALERT_DEFAULTS;
  const models = [
    { namespace: 'team-a', name: 'iris', ...d },
    { namespace: 'team-a', name: 'bert', errorRatePercent: 1, latencyP95Ms: 250 },
    { namespace: 'team-b', name: 'iris', errorRatePercent: 1, latencyP95Ms: d.latencyP95Ms },
  ];
  const [errors, latency] = modelAlerts(models);

  test('one alert of each name on the platform, in the serving group', () => {
    const monitoring = new FakeMonitoring();
    monitorServingPlatform(new Chart(Testing.app(), 'Test'), {
      monitoring,
      kserveNamespace: 'kubeflow',
      kserve: job('kserve-controller-manager', 'kubeflow', false),
      models,
    });
    const names = monitoring.alertGroups.flatMap((g) => g.alerts).map((a) => a.name);
    expect(names.filter((n) => n.startsWith('InferenceService'))).toEqual([
      'InferenceServiceErrorRateHigh',
      'InferenceServiceLatencyHigh',
    ]);
    expect(modelAlerts([])).toEqual([]);
  });

  test('models on the default threshold share a term; the others are named by job', () => {
    expect(errors.expr).toContain('job!~"isvc-team-a-bert|isvc-team-b-iris"}[5m])');
    expect(errors.expr).toMatch(/\[5m\]\)\) > 5\) or \(/);
    expect(errors.expr).toContain('job=~"isvc-team-a-bert|isvc-team-b-iris"');
    expect(errors.expr).toMatch(/\[5m\]\)\) > 1\)/);
    expect(latency.expr).toContain('job!~"isvc-team-a-bert"');
    expect(latency.expr).toMatch(/\[5m\]\)\)\) > 1000\) or \(/);
    expect(latency.expr).toMatch(/job=~"isvc-team-a-bert"[^)]*\[5m\]\)\)\) > 250\)/);
  });

  test('with every model on the defaults, one term', () => {
    const [only] = modelAlerts([{ namespace: 'team-a', name: 'iris', ...d }]);
    expect(only.expr).not.toContain(' or ');
    expect(only.expr).not.toContain('job!~');
    expect(only.expr).toMatch(/ > 5, "tenant"/);
  });

  test("what callers see: the entry component's requests, 5xx over all, tenant and model labels", () => {
    expect(errors.expr).toContain('reporter="destination",job=~"isvc-.+"');
    expect(errors.expr).toContain('destination_canonical_service!~".+[.]predictor"');
    expect(errors.expr).toContain('source_workload!="autoscaler"');
    expect(errors.expr).toContain('response_code=~"5.."');
    expect(errors.expr).toContain('sum by (namespace, destination_canonical_service)');
    expect(latency.expr).toContain(
      'histogram_quantile(0.95, sum by (le, namespace, destination_canonical_service)',
    );
    expect(labelsIn(errors.expr)).toEqual(
      expect.arrayContaining(['reporter', 'job', 'destination_canonical_service', 'namespace']),
    );
    for (const a of [errors, latency]) {
      expect(a.expr).toMatch(/^label_replace\(label_replace\(/);
      expect(a.expr).toContain('"tenant", "$1", "namespace", "(.+)"');
      expect(a.expr).toContain('"model", "$1", "destination_canonical_service", "(.+)"');
      expect(a.summary).toContain('{{ $labels.tenant }}/{{ $labels.model }}');
      checkAlert(a);
    }
  });
});

describe('InferenceService meshTelemetryNames', () => {
  const base = {
    namespace: TENANT,
    name: 'iris',
    model: { format: { name: 'sklearn' }, storageUri: 's3://b/private/team-a/iris/' },
    serviceAccountName: 'kserve-models',
  };
  const build = (props: Record<string, unknown>) => {
    const { chart, synth } = testChart();
    new InferenceService(chart, 'Model', { ...base, ...props });
    return synth()[0];
  };

  test('the predictor carries the model name as its canonical service', () => {
    const isvc = build({ meshTelemetryNames: true });
    expect(isvc.spec.predictor.labels).toEqual({ 'service.istio.io/canonical-name': 'iris' });
  });

  test('behind a transformer: the transformer is the model, the predictor <name>.predictor', () => {
    const isvc = build({
      meshTelemetryNames: true,
      transformer: { image: 'example.com/team/transformer:1.0.0' },
    });
    expect(isvc.spec.transformer.labels).toEqual({ 'service.istio.io/canonical-name': 'iris' });
    expect(isvc.spec.predictor.labels).toEqual({
      'service.istio.io/canonical-name': 'iris.predictor',
    });
  });

  test('off by default: no labels', () => {
    expect(build({}).spec.predictor.labels).toBeUndefined();
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
