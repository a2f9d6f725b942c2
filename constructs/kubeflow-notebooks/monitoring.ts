import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Alert, IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace } from '../core/network';

/**
 * Series the notebook and TensorBoard controllers of kubeflow/notebooks v1.11.0 export.
 * Both run controller-runtime v0.11.0 (`components/*-controller/go.mod`), which registers
 * `controller_runtime_reconcile_errors_total` (label `controller`) in
 * `pkg/internal/controller/metrics/metrics.go`; the notebook controller adds its own
 * (`components/notebook-controller/pkg/metrics/metrics.go`).
 */
export const NOTEBOOKS_METRICS = {
  reconcileErrors: 'controller_runtime_reconcile_errors_total',
  reconcileTotal: 'controller_runtime_reconcile_total',
  notebooksRunning: 'notebook_running',
  notebookCreateFailed: 'notebook_create_failed_total',
} as const;

/** A controller of this component whose metrics Prometheus reads. @internal */
export interface MonitoredController {
  /** The job, e.g. `notebook-controller`. */
  readonly id: string;
  /** PascalCase alert prefix, e.g. `KubeflowNotebookController`. */
  readonly alertPrefix: string;
  /** What breaks for users while it is down. */
  readonly impact: string;
  readonly namespace: INamespace;
  readonly deployment: ApiObject;
  readonly deploymentName: string;
  readonly container: string;
  readonly podLabels: Record<string, string>;
  readonly port: { readonly name: string; readonly number: number };
  /** The custom resource it reconciles, for the runbook (`kubectl get <resource> -A`). */
  readonly resource: string;
}

/**
 * Scrapes a controller through its sidecar (the `kubeflow` namespace is meshed) and adds its
 * down and reconcile-error alerts. @internal
 */
export function monitorController(
  scope: Construct,
  monitoring: IMonitoring,
  c: MonitoredController,
): ScrapeJob {
  const ns = c.namespace.name;
  const job = monitoring.scrape(scope, {
    id: c.id,
    namespace: c.namespace,
    podLabels: c.podLabels,
    port: c.port,
    meshed: { workload: c.deployment },
    description: `${c.alertPrefix}: controller-runtime reconcile, work queue and client metrics`,
  });
  const logs = `\`kubectl -n ${ns} logs deploy/${c.deploymentName} -c ${c.container}\``;
  const errors = NOTEBOOKS_METRICS.reconcileErrors;
  const pods = Object.entries(c.podLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const alerts: Alert[] = [
    {
      name: `${c.alertPrefix}Down`,
      expr: job.down,
      for: '10m',
      severity: 'warning',
      summary: `${c.deploymentName} is down: ${c.impact}`,
      description: `For 10 minutes no ${c.deploymentName} pod has answered, or its sidecar could not read the controller's metrics. ${c.impact} Existing servers keep running.`,
      runbook: `\`kubectl -n ${ns} get deploy ${c.deploymentName}\`, \`kubectl -n ${ns} describe pod -l ${pods}\`, ${logs}. A crash at start usually names a missing CRD or RBAC: \`kubectl get crd\` and \`kubectl auth can-i list ${c.resource} --as=system:serviceaccount:${ns}:<its service account> -A\`. If the pod is Running and Ready, check its \`istio-proxy\` container and the pod's prometheus.io annotations.`,
      metrics: [...job.downMetrics],
    },
    {
      name: `${c.alertPrefix}ReconcileErrors`,
      expr: `sum(rate(${errors}{${job.selector}}[15m])) > 0.1`,
      for: '15m',
      severity: 'warning',
      summary: `${c.deploymentName} fails {{ $value | humanize }} reconciles per second.`,
      description: `The controller has kept failing to reconcile ${c.resource} for 15 minutes; the affected users' servers are not created, updated or stopped as asked.`,
      runbook: `${logs} | grep -i error names the object and the cause. Look at it: \`kubectl -n <namespace> describe ${c.resource} <name>\` (events) and its StatefulSet or Deployment. Frequent causes: a quota or LimitRange in the profile namespace refuses the pod, a PodDefault or webhook rejects it, an image that cannot be pulled.`,
      metrics: [errors],
    },
  ];
  monitoring.addAlerts(scope, {
    id: c.id,
    namespace: ns,
    component: 'kubeflow-notebooks',
    alerts,
  });
  return job;
}
