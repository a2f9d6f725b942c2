import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Alert, IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace } from '../core/network';
import { ARGO_WORKFLOWS_NAMES, ARGO_WORKFLOWS_PORTS } from './names';

/** The job (and monitor) name of the workflow controller's metrics. */
export const ARGO_WORKFLOW_CONTROLLER_JOB = 'argo-workflow-controller';

/**
 * Series the workflow controller exports at v3.7.3. Its metrics are OpenTelemetry instruments
 * (`util/telemetry/metrics_list.go`) exported to Prometheus under the namespace `argo_workflows`
 * (`workflow/controller/controller.go`, `metrics.New(..., "argo_workflows", ...)`) without
 * counter suffixes or units (`util/telemetry/exporter_prometheus.go`), so a counter keeps its
 * instrument name: `total_count` becomes `argo_workflows_total_count`.
 */
export const ARGO_WORKFLOWS_METRICS = {
  /** Workflows that entered each phase, labels `phase` and `namespace` (`InstrumentTotalCount`). */
  workflowPhases: 'argo_workflows_total_count',
  /** Workflows now in each status, label `status` (`InstrumentGauge`). */
  workflowsGauge: 'argo_workflows_gauge',
  /**
   * Controller errors by `cause`: `OperationPanic`, `CronWorkflowSubmissionError`,
   * `CronWorkflowSpecError`, each started at zero (`workflow/metrics/counter_error.go`).
   */
  errors: 'argo_workflows_error_count',
  /** 1 on the leader (`InstrumentIsLeader`). */
  isLeader: 'argo_workflows_is_leader',
} as const;

/** The phases a workflow ends in (`pkg/apis/workflow/v1alpha1`, `WorkflowSucceeded/Failed/Error`). */
export const ARGO_FINISHED_PHASES = ['Succeeded', 'Failed', 'Error'] as const;

/** Scrapes the controller through its sidecar and adds its alerts. @internal */
export function argoWorkflowsMonitoring(
  scope: Construct,
  monitoring: IMonitoring,
  ctx: { namespace: INamespace; workload: ApiObject; podLabels: Record<string, string> },
): ScrapeJob {
  const ns = ctx.namespace.name;
  const job = monitoring.scrape(scope, {
    id: ARGO_WORKFLOW_CONTROLLER_JOB,
    namespace: ctx.namespace,
    podLabels: ctx.podLabels,
    port: { name: 'metrics', number: ARGO_WORKFLOWS_PORTS.metrics },
    meshed: { workload: ctx.workload },
    description:
      'Argo Workflows controller: workflows by phase, controller errors, queues and Kubernetes requests',
  });
  const deployment = ARGO_WORKFLOWS_NAMES.deployment;
  const M = ARGO_WORKFLOWS_METRICS;
  const alerts: Alert[] = [
    {
      name: 'ArgoWorkflowControllerDown',
      expr: job.down,
      for: '5m',
      severity: 'critical',
      summary: 'The Argo workflow controller is down: no pipeline run starts or advances.',
      description:
        'For 5 minutes no Argo workflow controller pod has answered, or its sidecar could not read the controller metrics. Kubeflow Pipelines runs are Argo workflows: while the controller is down new runs stay pending and running ones do not advance to their next step.',
      runbook: `Look at the controller: \`kubectl -n ${ns} get deploy ${deployment}\` and \`kubectl -n ${ns} describe pod -l app=workflow-controller\`; its logs: \`kubectl -n ${ns} logs deploy/${deployment} -c ${ARGO_WORKFLOWS_NAMES.container}\`. A controller that exits at start usually cannot read \`${ARGO_WORKFLOWS_NAMES.configMap}\` (it refuses unknown fields) or lacks RBAC (\`kubectl auth can-i list workflows.argoproj.io --as=system:serviceaccount:${ns}:${ARGO_WORKFLOWS_NAMES.serviceAccount} -A\`). If the pod runs but the alert stays, the metrics port (${ARGO_WORKFLOWS_PORTS.metrics}) or the sidecar's merged endpoint is unreachable: check \`kubectl -n ${ns} get pod -l app=workflow-controller -o jsonpath='{.items[*].metadata.annotations}'\` for the prometheus.io annotations.`,
      metrics: [...job.downMetrics],
    },
    {
      name: 'ArgoWorkflowControllerPanics',
      expr: `sum(increase(${M.errors}{job="${job.job}",namespace="${ns}",cause="OperationPanic"}[15m])) > 0`,
      for: '0m',
      severity: 'warning',
      summary: 'The Argo workflow controller recovered from {{ $value }} panics in 15 minutes.',
      description:
        'The controller panicked while reconciling a workflow. It recovers and retries, but the workflow it was handling may be stuck or marked as errored.',
      runbook: `Find the stack trace: \`kubectl -n ${ns} logs deploy/${deployment} -c ${ARGO_WORKFLOWS_NAMES.container} | grep -i -A20 panic\`; the lines before it name the workflow. Look at that workflow (\`kubectl get workflows -A\`, \`kubectl -n <namespace> get workflow <name> -o yaml\`). A panic on one malformed workflow: delete or resubmit it. Panics on many: search Argo's issues for the trace at v3.7.3.`,
      metrics: [M.errors],
    },
  ];
  monitoring.addAlerts(scope, {
    id: 'argo-workflows',
    namespace: ns,
    component: 'kubeflow-pipelines',
    alerts,
  });
  return job;
}
