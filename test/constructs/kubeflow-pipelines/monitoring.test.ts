import { Chart, Testing } from 'cdk8s';
import { ArgoWorkflows } from '../../../constructs/argo-workflows/workflow-controller';
import { Alert } from '../../../constructs/core/monitoring';
import { PipelinesApiServer } from '../../../constructs/kubeflow-pipelines/api-server';
import { PipelinesMonitoring } from '../../../constructs/kubeflow-pipelines/monitoring';
import { pipelinesShape } from '../../../constructs/kubeflow-pipelines/config';
import { ScheduledWorkflowController } from '../../../constructs/kubeflow-pipelines/scheduled-workflow';
import { FakeGateway, FakeMonitoring, FakeNamespace, FakeObjectStore } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { FakeDatabase } from './backend-facts';
import {
  ARGO_EXPORTED_METRICS,
  ARGO_METRICS_ENDPOINT,
  ARGO_PHASES,
  KFP_API_METRICS_PORT,
  KFP_EXPORTED_METRICS,
  KFP_SWF_METRICS_PORT,
} from './monitoring-facts';
import { z } from 'zod';
import { metricNames } from '../../promql';

const NS = 'kubeflow';

function build(monitoring?: FakeMonitoring, settings?: Record<string, unknown>) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const objectStore = new FakeObjectStore();
  const argo = new ArgoWorkflows(chart, 'Argo', {
    namespace,
    objectStore,
    ...(monitoring ? { monitoring } : {}),
  });
  const apiServer = new PipelinesApiServer(chart, 'Api', {
    namespace,
    database: new FakeDatabase(),
    objectStore,
    gateway: new FakeGateway(chart, 'Gateway'),
  });
  const scheduledWorkflow = new ScheduledWorkflowController(chart, 'Swf', { namespace });
  if (monitoring && argo.metricsJob) {
    new PipelinesMonitoring(chart, 'Monitoring', monitoring, {
      namespace,
      apiServer,
      scheduledWorkflow,
      argoJob: argo.metricsJob,
      ...(settings ? { settings } : {}),
    });
  }
  return { argo, objects: new Objects(Testing.synth(chart) as Manifest[]) };
}

const monitoring = new FakeMonitoring();
const { objects: on } = build(monitoring);
const { objects: off } = build();
const alerts = monitoring.alertGroups.flatMap((g) => g.alerts);
const alert = (name: string): Alert => {
  const a = monitoring.alert(name);
  if (!a) throw new Error(`no alert ${name}`);
  return a;
};
const known = new Set([
  'up',
  ...Object.keys(KFP_EXPORTED_METRICS),
  ...Object.keys(ARGO_EXPORTED_METRICS),
]);

describe('Pipelines and Argo monitoring', () => {
  test('scrape targets: the API server, the scheduled workflow controller and Argo, through their sidecars', () => {
    const byId = Object.fromEntries(monitoring.targets.map((t) => [t.id, t]));
    expect(Object.keys(byId).sort()).toEqual([
      'argo-workflow-controller',
      'ml-pipeline',
      'ml-pipeline-scheduledworkflow',
    ]);
    expect(byId['ml-pipeline'].port).toEqual({ name: 'http', number: KFP_API_METRICS_PORT });
    expect(byId['ml-pipeline-scheduledworkflow'].port).toEqual({
      name: 'http',
      number: KFP_SWF_METRICS_PORT,
    });
    expect(byId['argo-workflow-controller'].port).toEqual({
      name: 'metrics',
      number: ARGO_METRICS_ENDPOINT.port,
    });
    for (const t of monitoring.targets) {
      expect(t.path ?? '/metrics').toBe(ARGO_METRICS_ENDPOINT.path);
      expect(t.namespace.name).toBe(NS);
      expect(t.meshed?.workload.kind).toBe('Deployment');
      expect(t.scheme ?? 'http').toBe('http');
    }
  });

  test('each target selects exactly the pods of its Deployment, which declare the port and carry annotations', () => {
    for (const t of monitoring.targets) {
      const name = t.meshed?.workload.metadata.name as string;
      const d = on.find('Deployment', NS, name);
      const tpl = d.spec.template;
      expect(d.spec.selector.matchLabels).toEqual(t.podLabels);
      for (const [k, v] of Object.entries(t.podLabels)) expect(tpl.metadata.labels[k]).toBe(v);
      expect(tpl.metadata.annotations).toBeDefined();
      const ports = tpl.spec.containers.flatMap((c: { ports?: unknown[] }) => c.ports ?? []);
      expect(ports).toContainEqual(
        expect.objectContaining({ name: t.port.name, containerPort: t.port.number }),
      );
      // Istio's merging must stay on: nothing opts the pod out of it.
      expect(tpl.metadata.annotations['prometheus.istio.io/merge-metrics']).toBeUndefined();
      expect(tpl.metadata.labels['sidecar.istio.io/inject']).not.toBe('false');
    }
  });

  test('Argo serves plain HTTP metrics inside the mesh when scraped, TLS otherwise', () => {
    const config = (o: Objects) =>
      o.find('ConfigMap', NS, 'workflow-controller-configmap').data.metricsConfig as string;
    expect(config(on)).toMatch(/secure: false/);
    expect(config(off)).toMatch(/secure: true/);
    expect(on.find('Service', NS, 'workflow-controller-metrics').spec.ports[0].appProtocol).toBe(
      'http',
    );
    expect(off.find('Service', NS, 'workflow-controller-metrics').spec.ports[0].appProtocol).toBe(
      'https',
    );
  });

  test('without monitoring nothing changes: no annotations on the Argo pod, no prometheus.io anywhere', () => {
    const argo = off.find('Deployment', NS, 'workflow-controller');
    expect(argo.spec.template.metadata.annotations).toBeUndefined();
    const podAnnotations = off
      .ofKind('Deployment')
      .flatMap((d) => Object.keys(d.spec.template.metadata.annotations ?? {}));
    expect(podAnnotations.filter((k) => k.startsWith('prometheus.io/'))).toEqual([]);
  });

  test('alerts: unique PascalCase names, severity, for, runbook; the expected set', () => {
    const names = alerts.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual([
      'ArgoWorkflowControllerDown',
      'ArgoWorkflowControllerPanics',
      'KubeflowPipelinesApiServerDown',
      'KubeflowPipelinesRunsFailing',
      'KubeflowPipelinesRunsNotRecorded',
      'KubeflowPipelinesScheduledWorkflowDown',
    ]);
    for (const a of alerts) {
      expect(a.name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(a.for).toMatch(/^\d+[mh]$/);
      expect(a.runbook).toMatch(/kubectl -n kubeflow/);
      expect(a.summary.length).toBeGreaterThan(10);
    }
    expect(alert('KubeflowPipelinesApiServerDown').severity).toBe('critical');
    expect(alert('ArgoWorkflowControllerDown').severity).toBe('critical');
    expect(alert('KubeflowPipelinesRunsFailing').severity).toBe('warning');
  });

  test('every metric an alert reads is exported upstream and listed in its metrics', () => {
    for (const a of alerts) {
      for (const m of a.metrics) expect(known).toContain(m);
      for (const m of metricNames(a.expr)) expect(a.metrics).toContain(m);
    }
  });

  test('the metric extraction finds what the expressions read', () => {
    expect(metricNames(alert('KubeflowPipelinesRunsFailing').expr)).toEqual([
      'argo_workflows_total_count',
    ]);
    expect(metricNames(alert('KubeflowPipelinesRunsNotRecorded').expr).sort()).toEqual([
      'argo_workflows_total_count',
      'resource_manager_workflow_runs_failed',
      'resource_manager_workflow_runs_success',
    ]);
    expect(metricNames(alert('KubeflowPipelinesApiServerDown').expr)).toEqual([
      'istio_agent_scrape_failures_total',
      'up',
    ]);
  });

  test('down alerts fire when the target is down, vanished, or its app stops answering the sidecar', () => {
    expect(alert('KubeflowPipelinesApiServerDown').expr).toBe(
      '(sum(up{job="ml-pipeline",namespace="kubeflow"}) or vector(0)) == 0 or sum(rate(istio_agent_scrape_failures_total{job="ml-pipeline",namespace="kubeflow",type="application"}[5m])) > 0',
    );
    expect(alert('ArgoWorkflowControllerDown').expr).toBe(
      '(sum(up{job="argo-workflow-controller",namespace="kubeflow"}) or vector(0)) == 0 or sum(rate(istio_agent_scrape_failures_total{job="argo-workflow-controller",namespace="kubeflow",type="application"}[5m])) > 0',
    );
  });

  test('runs failing: the failed share of finished Argo phases over the window, with a floor of runs', () => {
    const expr = alert('KubeflowPipelinesRunsFailing').expr;
    expect(expr).toContain(
      'sum(increase(argo_workflows_total_count{job="argo-workflow-controller",namespace="kubeflow",phase=~"Failed|Error"}[1h]))',
    );
    expect(expr).toContain('phase=~"Succeeded|Failed|Error"}[1h]))');
    expect(expr).toMatch(/\) > 0\.2\n/);
    expect(expr).toMatch(/>= 5$/);
    for (const p of ['Succeeded', 'Failed', 'Error']) expect(ARGO_PHASES).toContain(p);
    const m = new FakeMonitoring();
    build(m, { failedRunsRatio: 0.5, failedRunsWindow: '30m', minFinishedRuns: 2 });
    const custom = m.alert('KubeflowPipelinesRunsFailing')?.expr ?? '';
    expect(custom).toMatch(/\) > 0\.5\n/);
    expect(custom).toContain('[30m]');
    expect(custom).toMatch(/>= 2$/);
  });

  test('runs not recorded: finished workflows without new reported-run series at the API server', () => {
    const expr = alert('KubeflowPipelinesRunsNotRecorded').expr;
    expect(expr).toContain(
      'resource_manager_workflow_runs_success{job="ml-pipeline",namespace="kubeflow"} unless resource_manager_workflow_runs_success{job="ml-pipeline",namespace="kubeflow"} offset 1h',
    );
    expect(alert('KubeflowPipelinesRunsNotRecorded').runbook).toContain(
      'ml-pipeline-persistenceagent',
    );
  });

  test('config: pipelines.monitoring defaults and checks', () => {
    const schema = z.object(pipelinesShape('prod'));
    const parsed = schema.parse({});
    expect(parsed.pipelines.monitoring).toEqual({
      failedRunsRatio: 0.2,
      failedRunsWindow: '1h',
      minFinishedRuns: 5,
    });
    expect(schema.safeParse({ pipelines: { monitoring: { failedRunsRatio: 0 } } }).success).toBe(
      false,
    );
    expect(
      schema.safeParse({ pipelines: { monitoring: { failedRunsWindow: '1d' } } }).success,
    ).toBe(false);
  });
});
