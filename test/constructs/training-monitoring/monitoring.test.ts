import { Chart, Testing } from 'cdk8s';
import { monitorKatib, KATIB_JOB } from '../../../constructs/automl/monitoring';
import { monitorTraining, TRAINING_JOBS } from '../../../constructs/training/monitoring';
import { FakeMonitoring, FakeNamespace } from '../../fakes';
import { metricNames } from '../../promql';

/**
 * Metric names each upstream exports at the pinned tag, read there:
 * - JobSet v0.11.0 `pkg/metrics/metrics.go` (subsystem `jobset`, `pkg/constants/constants.go`);
 * - Katib v0.19.0 `pkg/controller.v1beta1/{experiment,trial}/util/prometheus_metrics.go`;
 * - controller-runtime (every manager): `pkg/internal/controller/metrics/metrics.go`.
 * `up` is Prometheus's own series for every target.
 */
const EXPORTED = new Set([
  'up',
  'jobset_failed_total',
  'jobset_completed_total',
  'controller_runtime_reconcile_errors_total',
  'controller_runtime_reconcile_total',
  'katib_experiment_failed_total',
  'katib_experiment_succeeded_total',
  'katib_trial_failed_total',
  'katib_trial_succeeded_total',
  'katib_trial_metrics_unavailable_total',
  'katib_experiments_current',
  'katib_trials_current',
]);

function setup() {
  const chart = new Chart(Testing.app(), 'test');
  const monitoring = new FakeMonitoring();
  return { chart, monitoring };
}

describe('training monitoring', () => {
  const { chart, monitoring } = setup();
  const namespace = new FakeNamespace('kubeflow-system');
  monitorTraining(chart, {
    monitoring,
    namespace,
    jobSetPods: { 'app.kubernetes.io/name': 'jobset' },
    jobSetTls: {
      caSecret: { name: 'jobset-metrics-server-cert', key: 'ca.crt' },
      serverName: 'jobset-controller-manager-metrics-service.kubeflow-system.svc',
    },
    trainerPods: { 'app.kubernetes.io/name': 'trainer' },
    jobSetPort: 8443,
    trainerPort: 8443,
  });

  test('scrapes both managers over HTTPS on their metrics ports; a token only where it is checked', () => {
    expect(monitoring.targets.map((t) => t.id)).toEqual([
      TRAINING_JOBS.jobSet,
      TRAINING_JOBS.trainer,
    ]);
    for (const t of monitoring.targets) {
      expect(t.port).toEqual({ name: 'metrics', number: 8443 });
      expect(t.scheme).toBe('https');
      expect(t.meshed).toBeUndefined();
      expect(t.namespace.name).toBe('kubeflow-system');
    }
    const [jobSet, trainer] = monitoring.targets;
    // JobSet's manager authorizes each scrape; the Trainer's v2.2.0 has no such filter.
    expect(jobSet.bearerToken).toBe(true);
    // Verified against the CA cert-manager writes next to the metrics certificate.
    expect(jobSet.insecureTlsReason).toBeUndefined();
    expect(jobSet.tls).toEqual({
      caSecret: { name: 'jobset-metrics-server-cert', key: 'ca.crt' },
      serverName: 'jobset-controller-manager-metrics-service.kubeflow-system.svc',
    });
    expect(trainer.bearerToken).toBeUndefined();
    expect(trainer.insecureTlsReason).toMatch(/generates itself/);
  });

  test('the JobSet failure rate counts JobSets that ended in the window (one series each), per tenant', () => {
    const expr = monitoring.alert('JobSetFailureRateHigh')?.expr ?? '';
    expect(expr).toContain(
      'count by (exported_namespace) (jobset_failed_total{job="jobset-controller-manager"} unless jobset_failed_total{job="jobset-controller-manager"} offset 1h)',
    );
    expect(expr).not.toContain('increase(');
    expect(expr).toMatch(/> 0\.5 and .* >= 3$/);
    expect(monitoring.alert('JobSetFailureRateHigh')?.summary).toContain(
      '{{ $labels.exported_namespace }}',
    );
  });

  test('alerts read only metrics the managers export, and say which', () => {
    const alerts = monitoring.alertGroups.flatMap((g) => g.alerts);
    expect(alerts.map((a) => a.name)).toEqual([
      'JobSetControllerDown',
      'KubeflowTrainerControllerDown',
      'KubeflowTrainerReconcileErrors',
      'JobSetFailureRateHigh',
    ]);
    for (const a of alerts) {
      expect(metricNames(a.expr).sort()).toEqual([...a.metrics].sort());
      for (const m of a.metrics) expect(EXPORTED).toContain(m);
      expect(a.runbook.length).toBeGreaterThan(80);
    }
    expect(monitoring.alert('JobSetControllerDown')?.expr).toBe(
      '(sum(up{job="jobset-controller-manager",namespace="kubeflow-system"}) or vector(0)) == 0',
    );
  });
});

describe('Katib monitoring', () => {
  const { chart, monitoring } = setup();
  monitorKatib(chart, {
    monitoring,
    namespace: new FakeNamespace('kubeflow'),
    controllerPods: { 'katib.kubeflow.org/component': 'controller' },
    metricsPort: 8080,
  });

  test('scrapes the controller on its plain metrics port', () => {
    expect(monitoring.targets).toHaveLength(1);
    const [t] = monitoring.targets;
    expect(t.id).toBe(KATIB_JOB);
    expect(t.port).toEqual({ name: 'metrics', number: 8080 });
    expect(t.scheme).toBeUndefined();
    expect(t.podLabels).toEqual({ 'katib.kubeflow.org/component': 'controller' });
  });

  test('alerts read only metrics Katib exports', () => {
    const alerts = monitoring.alertGroups.flatMap((g) => g.alerts);
    expect(alerts.map((a) => a.name)).toEqual([
      'KatibControllerDown',
      'KatibTrialsFailing',
      'KatibTrialMetricsUnavailable',
    ]);
    for (const a of alerts) {
      expect(metricNames(a.expr).sort()).toEqual([...a.metrics].sort());
      for (const m of a.metrics) expect(EXPORTED).toContain(m);
    }
  });
});

test('the expression reader finds metric names and skips functions and label values', () => {
  expect(
    metricNames('sum by (job) (rate(a_total{job="x{y}"}[5m])) / sum(b[5m]) or vector(0)'),
  ).toEqual(['a_total', 'b']);
});
