import { Chart, Testing } from 'cdk8s';
import {
  PVC_VIEWER_NAMES,
  PvcViewerController,
} from '../../../constructs/kubeflow-notebooks/pvcviewer-controller';
import { CLUSTER_ISSUER, FakeGateway, FakeMonitoring, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { metricNames } from '../../promql';

const NS = 'kubeflow';

/**
 * kubeflow/notebooks v1.11.0, `components/pvcviewer-controller`: `main.go` binds
 * controller-runtime's metrics server (`Metrics: server.Options{BindAddress: metricsAddr}`, no
 * `SecureServing`: plain HTTP) at `--metrics-bind-address` (default `:8080`); upstream's
 * `config/manager/manager.yaml` narrows it to `127.0.0.1:8080` behind kube-rbac-proxy. The
 * controller runs controller-runtime v0.17.3 (`go.mod`), whose
 * `pkg/internal/controller/metrics/metrics.go` exports the reconcile counters by `controller`;
 * `controllers/pvcviewer_controller.go` builds it `For(&PVCViewer{})`, named `pvcviewer`.
 */
const UPSTREAM = {
  metrics: ['controller_runtime_reconcile_errors_total', 'controller_runtime_reconcile_total'],
  flag: '--metrics-bind-address',
  port: 8080,
  upstreamArg: '--metrics-bind-address=127.0.0.1:8080',
  controller: 'pvcviewer',
};

function build(monitoring?: FakeMonitoring): Objects {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  new PvcViewerController(chart, 'PvcViewerController', {
    namespace: new FakeNamespace(NS),
    gateway: new FakeGateway(chart, 'Gateway'),
    issuer: CLUSTER_ISSUER,
    ...(monitoring ? { monitoring } : {}),
  });
  return new Objects(Testing.synth(chart) as Manifest[]);
}

const monitoring = new FakeMonitoring();
const objects = build(monitoring);
const deployment = objects.find('Deployment', NS, PVC_VIEWER_NAMES.deployment);
const container = deployment.spec.template.spec.containers[0];

describe('PVC viewer controller monitoring', () => {
  test('metrics bound on every address with a named port, scraped directly in plain HTTP', () => {
    expect(container.args).toContain(`${UPSTREAM.flag}=:${UPSTREAM.port}`);
    expect(container.args.filter((a: string) => a.startsWith(UPSTREAM.flag))).toHaveLength(1);
    expect(container.ports).toContainEqual({
      name: 'http-metrics',
      containerPort: UPSTREAM.port,
      protocol: 'TCP',
    });
    expect(monitoring.targets).toHaveLength(1);
    const t = monitoring.targets[0];
    expect(t.id).toBe('pvcviewer-controller');
    expect(t.namespace.name).toBe(NS);
    expect(t.port).toEqual({ name: 'http-metrics', number: UPSTREAM.port });
    expect(t.path ?? '/metrics').toBe('/metrics');
    expect(t.scheme ?? 'http').toBe('http');
    expect(t.bearerToken).toBeUndefined();
    // the pod has no sidecar: Prometheus reads the port itself
    expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    expect(t.meshed).toBeUndefined();
    expect(deployment.spec.selector.matchLabels).toEqual(t.podLabels);
  });

  test('down and reconcile-error alerts on exported metrics', () => {
    const alerts = monitoring.alertGroups.flatMap((g) => g.alerts);
    expect(monitoring.alertGroups.map((g) => [g.id, g.namespace, g.component])).toEqual([
      ['pvcviewer-controller', NS, 'kubeflow-notebooks'],
    ]);
    expect(alerts.map((a) => a.name)).toEqual([
      'KubeflowPvcViewerControllerDown',
      'KubeflowPvcViewerControllerReconcileErrors',
    ]);
    expect(monitoring.alert('KubeflowPvcViewerControllerDown')?.expr).toBe(
      '(sum(up{job="pvcviewer-controller",namespace="kubeflow"}) or vector(0)) == 0',
    );
    expect(monitoring.alert('KubeflowPvcViewerControllerReconcileErrors')?.expr).toBe(
      `sum(increase(controller_runtime_reconcile_errors_total{job="pvcviewer-controller",namespace="kubeflow",controller="${UPSTREAM.controller}"}[30m])) > 0`,
    );
    const known = new Set(['up', ...UPSTREAM.metrics]);
    for (const a of alerts) {
      for (const m of a.metrics) expect(known).toContain(m);
      const read = metricNames(a.expr);
      expect(read.length).toBeGreaterThan(0);
      for (const m of read) expect(a.metrics).toContain(m);
      expect(a.runbook).toContain(`kubectl -n ${NS} logs deploy/${PVC_VIEWER_NAMES.deployment}`);
      expect(a.severity).toBe('warning');
    }
    expect(monitoring.alert('KubeflowPvcViewerControllerDown')?.runbook).toContain(
      `system:serviceaccount:${NS}:${PVC_VIEWER_NAMES.serviceAccount}`,
    );
  });

  test('without monitoring: metrics on loopback, no metrics port, no annotations added', () => {
    const plain = build();
    const d = plain.find('Deployment', NS, PVC_VIEWER_NAMES.deployment);
    const c = d.spec.template.spec.containers[0];
    expect(c.args).toContain(UPSTREAM.upstreamArg);
    expect((c.ports as Manifest[]).map((p) => p.name)).toEqual(['webhook-server', 'probes']);
    expect(d.spec.template.metadata.annotations).toEqual(
      deployment.spec.template.metadata.annotations,
    );
    const names = (o: Objects) => o.all.map((x) => `${x.kind}/${x.metadata.name}`).sort();
    expect(names(objects)).toEqual(names(plain));
  });
});
