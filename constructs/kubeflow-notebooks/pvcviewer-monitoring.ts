import { Construct } from 'constructs';
import { IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace } from '../core/network';

/**
 * Series of the PVC viewer controller (kubeflow/notebooks v1.11.0) that its alerts read. It runs
 * controller-runtime v0.17.3 (`components/pvcviewer-controller/go.mod`), whose metrics server
 * (`Metrics: server.Options{BindAddress}` in `main.go`, plain HTTP: no `SecureServing`) serves
 * the reconcile counters of `pkg/internal/controller/metrics/metrics.go` by `controller`; the
 * controller is `pvcviewer`, the lower-cased kind its builder is named after
 * (`controllers/pvcviewer_controller.go`).
 */
export const PVC_VIEWER_METRICS = {
  reconcileErrors: 'controller_runtime_reconcile_errors_total',
  reconcileTotal: 'controller_runtime_reconcile_total',
} as const;

/** The scrape target id (the `job` label) of the PVC viewer controller. */
export const PVC_VIEWER_SCRAPE_ID = 'pvcviewer-controller';

/** @internal */
export interface PvcViewerMonitoringOptions {
  readonly monitoring: IMonitoring;
  readonly namespace: INamespace;
  readonly deploymentName: string;
  readonly container: string;
  readonly serviceAccountName: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly port: { readonly name: string; readonly number: number };
}

/**
 * Scrapes the PVC viewer controller directly: its pod runs without a sidecar, so Prometheus
 * reads the metrics port in plain HTTP (the monitoring implementation opens that one port to
 * Prometheus only) and `up` tells whether the controller answers. Adds its down and
 * reconcile-error alerts.
 * @internal
 */
export function addPvcViewerMonitoring(
  scope: Construct,
  opts: PvcViewerMonitoringOptions,
): ScrapeJob {
  const { monitoring, namespace } = opts;
  const ns = namespace.name;
  const job = monitoring.scrape(scope, {
    id: PVC_VIEWER_SCRAPE_ID,
    namespace,
    podLabels: opts.podLabels,
    port: opts.port,
    description:
      'the PVC viewer controller: controller-runtime reconcile, work queue and webhook metrics',
  });
  const pods = Object.entries(opts.podLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const logs = `\`kubectl -n ${ns} logs deploy/${opts.deploymentName} -c ${opts.container}\``;
  const errors = PVC_VIEWER_METRICS.reconcileErrors;
  monitoring.addAlerts(scope, {
    id: PVC_VIEWER_SCRAPE_ID,
    namespace: ns,
    component: 'kubeflow-notebooks',
    alerts: [
      {
        name: 'KubeflowPvcViewerControllerDown',
        expr: job.down,
        for: '10m',
        severity: 'warning',
        summary: `${opts.deploymentName} is down: volumes cannot be browsed.`,
        description:
          'Prometheus has not reached the PVC viewer controller for 10 minutes. New PVC ' +
          'viewers (the file browser of the Volumes app) are not started, and its webhooks ' +
          'refuse new and changed PVCViewers. Running viewers keep working.',
        runbook:
          `\`kubectl -n ${ns} get deploy ${opts.deploymentName}\`, \`kubectl -n ${ns} describe ` +
          `pod -l ${pods}\`, ${logs}. A pod stuck in ContainerCreating usually waits for the ` +
          `webhook's serving Secret: \`kubectl -n ${ns} get certificate\` (cert-manager). A crash ` +
          'at start names a missing CRD (`kubectl get crd pvcviewers.kubeflow.org ' +
          'virtualservices.networking.istio.io`) or right: `kubectl auth can-i list pvcviewers ' +
          `-A --as=system:serviceaccount:${ns}:${opts.serviceAccountName}\`. If the pod is ` +
          `Ready but not scraped: \`kubectl -n ${ns} get networkpolicy\` must allow Prometheus ` +
          `on port ${opts.port.number}.`,
        metrics: ['up'],
      },
      {
        name: 'KubeflowPvcViewerControllerReconcileErrors',
        expr: `sum(increase(${errors}{${job.selector},controller="pvcviewer"}[30m])) > 0`,
        for: '30m',
        severity: 'warning',
        summary: 'The PVC viewer controller has failed to reconcile viewers for 30 minutes.',
        description:
          'At least one PVCViewer keeps failing: its Deployment, Service or VirtualService is ' +
          'not created or updated, so the user cannot open that volume in the browser.',
        runbook:
          `${logs} | grep -i error names the viewer and the cause. \`kubectl get pvcviewers -A\` ` +
          'and `kubectl -n <namespace> describe pvcviewer <name>` (its conditions), then the ' +
          'Deployment of the same name in that namespace. Frequent causes: the PVC is ' +
          'ReadWriteOnce and mounted by a pod on a node the viewer cannot be scheduled to, a ' +
          "quota in the profile namespace refuses the viewer's pod, the VirtualService CRD is " +
          'missing.',
        metrics: [errors],
      },
    ],
  });
  return job;
}
