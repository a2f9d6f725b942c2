import { Chart, Testing } from 'cdk8s';
import { TensorboardController } from '../../../constructs/kubeflow-notebooks/tensorboard-controller';
import { FakeGateway, FakeMonitoring, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { metricNames } from '../../promql';
import { NS, buildNotebooks } from './helpers';

/**
 * What kubeflow/notebooks v1.11.0 exports: both controllers run controller-runtime v0.11.0
 * (`components/notebook-controller/go.mod`, `components/tensorboard-controller/go.mod`), whose
 * `pkg/internal/controller/metrics/metrics.go` registers the reconcile counters; the notebook
 * controller's metrics address is `--metrics-addr` (default `:8080`, `main.go`), the TensorBoard
 * controller's `--metrics-bind-address` (default `:8080`, `main.go`).
 */
const UPSTREAM = {
  metrics: [
    'controller_runtime_reconcile_errors_total',
    'controller_runtime_reconcile_total',
    // components/notebook-controller/pkg/metrics/metrics.go
    'notebook_running',
    'notebook_create_total',
    'notebook_create_failed_total',
  ],
  metricsPort: 8080,
};

function tensorboard(monitoring?: FakeMonitoring) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  new TensorboardController(chart, 'TensorboardController', {
    namespace: new FakeNamespace(NS),
    gateway: new FakeGateway(chart, 'Gateway'),
    ...(monitoring ? { monitoring } : {}),
  });
  return new Objects(Testing.synth(chart) as Manifest[]);
}

const monitoring = new FakeMonitoring();
const notebooks = buildNotebooks({ controller: { monitoring } }).objects();
const tensorboards = tensorboard(monitoring);

describe('notebook and TensorBoard controller monitoring', () => {
  test('both controllers are scraped on their metrics port through the sidecar', () => {
    expect(monitoring.targets.map((t) => t.id)).toEqual([
      'notebook-controller',
      'tensorboard-controller',
    ]);
    for (const [t, o] of [
      [monitoring.targets[0], notebooks],
      [monitoring.targets[1], tensorboards],
    ] as const) {
      expect(t.port).toEqual({ name: 'http-metrics', number: UPSTREAM.metricsPort });
      expect(t.meshed?.workload.kind).toBe('Deployment');
      const d = o.find('Deployment', NS, t.meshed?.workload.metadata.name as string);
      expect(d.spec.selector.matchLabels).toEqual(t.podLabels);
      const tpl = d.spec.template;
      expect(tpl.metadata.annotations).toBeDefined();
      expect(tpl.metadata.labels['sidecar.istio.io/inject']).toBeUndefined();
      expect(tpl.spec.containers[0].ports).toContainEqual(
        expect.objectContaining({ name: 'http-metrics', containerPort: UPSTREAM.metricsPort }),
      );
    }
  });

  test('down and reconcile-error alerts per controller, on exported metrics', () => {
    const alerts = monitoring.alertGroups.flatMap((g) => g.alerts);
    expect(alerts.map((a) => a.name)).toEqual([
      'KubeflowNotebookControllerDown',
      'KubeflowNotebookControllerReconcileErrors',
      'KubeflowTensorboardControllerDown',
      'KubeflowTensorboardControllerReconcileErrors',
    ]);
    expect(monitoring.alert('KubeflowNotebookControllerDown')?.expr).toBe(
      '(sum(up{job="notebook-controller",namespace="kubeflow"}) or vector(0)) == 0 or sum(rate(istio_agent_scrape_failures_total{job="notebook-controller",namespace="kubeflow",type="application"}[5m])) > 0',
    );
    expect(monitoring.alert('KubeflowNotebookControllerReconcileErrors')?.expr).toBe(
      'sum(rate(controller_runtime_reconcile_errors_total{job="notebook-controller",namespace="kubeflow"}[15m])) > 0.1',
    );
    // The sidecar agent's failed reads of the app: istio 1.30.1 pilot/cmd/pilot-agent/metrics/metrics.go.
    const known = new Set(['up', 'istio_agent_scrape_failures_total', ...UPSTREAM.metrics]);
    for (const a of alerts) {
      for (const m of a.metrics) expect(known).toContain(m);
      const read = metricNames(a.expr);
      expect(read.length).toBeGreaterThan(0);
      for (const m of read) expect(a.metrics).toContain(m);
      expect(a.runbook).toContain('kubectl -n kubeflow logs deploy/');
    }
  });

  test('without monitoring the notebook controller pod has no annotations', () => {
    const o = buildNotebooks().objects();
    const d = o.find('Deployment', NS, 'notebook-controller-deployment');
    expect(d.spec.template.metadata.annotations).toBeUndefined();
    const t = tensorboard();
    expect(
      Object.keys(
        t.find('Deployment', NS, 'tensorboard-controller-deployment').spec.template.metadata
          .annotations,
      ),
    ).toEqual(['kubectl.kubernetes.io/default-container']);
  });
});
